package promrw

import (
	"encoding/binary"
	"math"
	"math/bits"
)

// Protobuf tags of prometheus.WriteRequest and the messages inside it
// (field number << 3 | wire type).
const (
	tagTimeSeries     = 1<<3 | 2
	tagLabels         = 1<<3 | 2
	tagSamples        = 2<<3 | 2
	tagExemplars      = 3<<3 | 2
	tagLabelName      = 1<<3 | 2
	tagLabelValue     = 2<<3 | 2
	tagSampleValue    = 1<<3 | 1
	tagSampleTime     = 2 << 3 // wire type 0 (varint)
	tagExemplarLabels = 1<<3 | 2
	tagExemplarValue  = 2<<3 | 1
	tagExemplarTime   = 3 << 3    // wire type 0 (varint)
	sampleSize        = 1 + 8 + 1 // value and timestamp tags and value; timestamp varint added
)

func sov(v uint64) int { return (bits.Len64(v|1) + 6) / 7 }

func labelSize(l Label) int {
	n := 0
	if l.Name != "" {
		n += 1 + sov(uint64(len(l.Name))) + len(l.Name)
	}
	if l.Value != "" {
		n += 1 + sov(uint64(len(l.Value))) + len(l.Value)
	}
	return n
}

func (b *Batch) labelsSize(start, end int32) int {
	n := 0
	for _, l := range b.labels[start:end] {
		ls := labelSize(l)
		n += 1 + sov(uint64(ls)) + ls
	}
	return n
}

func sampleMsgSize(ts int64) int { return sampleSize + sov(uint64(ts)) }

func (b *Batch) exemplarSize(x *exemplar) int {
	return b.labelsSize(x.lStart, x.lEnd) + 1 + 8 + 1 + sov(uint64(x.timestamp))
}

// seriesSize computes and caches the encoded size of series i.
func (b *Batch) seriesSize(s *Series) int {
	n := b.labelsSize(s.lStart, s.lEnd)
	ss := sampleMsgSize(s.Timestamp)
	n += 1 + sov(uint64(ss)) + ss
	for m := s.more; m != 0; m = b.samples[m-1].next {
		ss := sampleMsgSize(b.samples[m-1].timestamp)
		n += 1 + sov(uint64(ss)) + ss
	}
	for i := s.xStart; i < s.xEnd; i++ {
		xs := b.exemplarSize(&b.exemplars[i])
		n += 1 + sov(uint64(xs)) + xs
	}
	s.size = n
	return n
}

// Size returns the encoded size of a WriteRequest holding the given series
// (all series when idx is nil).
func (b *Batch) Size(idx []int32) int {
	n := 0
	each(b, idx, func(s *Series) { n += 1 + sov(uint64(s.size)) + s.size })
	return n
}

func each(b *Batch, idx []int32, f func(*Series)) {
	if idx == nil {
		for i := range b.Series {
			f(&b.Series[i])
		}
		return
	}
	for _, i := range idx {
		f(&b.Series[i])
	}
}

// Marshal appends the WriteRequest of the given series (all when idx is
// nil) to dst, growing it once.
func (b *Batch) Marshal(dst []byte, idx []int32) []byte {
	need := b.Size(idx)
	if cap(dst)-len(dst) < need {
		grown := make([]byte, len(dst), len(dst)+need)
		copy(grown, dst)
		dst = grown
	}
	each(b, idx, func(s *Series) {
		dst = append(dst, tagTimeSeries)
		dst = binary.AppendUvarint(dst, uint64(s.size))
		dst = b.appendLabels(dst, tagLabels, s.lStart, s.lEnd)
		dst = appendSample(dst, s.Value, s.Timestamp)
		for m := s.more; m != 0; m = b.samples[m-1].next {
			dst = appendSample(dst, b.samples[m-1].value, b.samples[m-1].timestamp)
		}
		for i := s.xStart; i < s.xEnd; i++ {
			x := &b.exemplars[i]
			dst = append(dst, tagExemplars)
			dst = binary.AppendUvarint(dst, uint64(b.exemplarSize(x)))
			dst = b.appendLabels(dst, tagExemplarLabels, x.lStart, x.lEnd)
			dst = append(dst, tagExemplarValue)
			dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(x.value))
			dst = append(dst, tagExemplarTime)
			dst = binary.AppendUvarint(dst, uint64(x.timestamp))
		}
	})
	return dst
}

func appendSample(dst []byte, v float64, ts int64) []byte {
	dst = append(dst, tagSamples)
	dst = binary.AppendUvarint(dst, uint64(sampleMsgSize(ts)))
	dst = append(dst, tagSampleValue)
	dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(v))
	dst = append(dst, tagSampleTime)
	return binary.AppendUvarint(dst, uint64(ts))
}

func (b *Batch) appendLabels(dst []byte, tag byte, start, end int32) []byte {
	for _, l := range b.labels[start:end] {
		dst = append(dst, tag)
		dst = binary.AppendUvarint(dst, uint64(labelSize(l)))
		if l.Name != "" {
			dst = append(dst, tagLabelName)
			dst = binary.AppendUvarint(dst, uint64(len(l.Name)))
			dst = append(dst, l.Name...)
		}
		if l.Value != "" {
			dst = append(dst, tagLabelValue)
			dst = binary.AppendUvarint(dst, uint64(len(l.Value)))
			dst = append(dst, l.Value...)
		}
	}
	return dst
}
