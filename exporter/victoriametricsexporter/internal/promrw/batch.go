// Package promrw encodes pdata metrics as a Prometheus remote write 1.0
// WriteRequest. It is pure (no I/O) and reuses every buffer from one batch
// to the next, so that steady-state encoding does not allocate.
package promrw

import (
	"math"
	"unsafe"
)

// Label is one label pair. Its strings may point into pdata or into the
// batch's arena; they are valid until the batch is reset.
type Label struct {
	Name, Value string
}

// Series is one encoded time series: its labels (a range of Batch.labels),
// one sample, optional exemplars, and the hash that picks its shard.
type Series struct {
	Shard     uint64 // identity of the data point the series came from
	Value     float64
	Timestamp int64 // milliseconds
	more      int32 // 1 + index in Batch.samples of the next sample; 0 for none
	last      int32 // 1 + index of the last of those samples
	lStart    int32
	lEnd      int32
	xStart    int32
	xEnd      int32
	size      int // encoded size of the TimeSeries message
}

type exemplar struct {
	lStart, lEnd int32
	value        float64
	timestamp    int64
}

// Batch holds the series of one request. Reset it before reuse.
type Batch struct {
	Series []Series
	// PointKeys holds the identity of every data point of the encoded
	// pdata, in traversal order; a series' Shard is one of them.
	PointKeys []uint64
	labels    []Label
	exemplars []exemplar
	samples   []moreSample
	arena     []byte
}

// moreSample is a further sample of a series that has several in a batch;
// they chain from Series.more in the order they came.
type moreSample struct {
	value     float64
	timestamp int64
	next      int32
}

// Samples calls f for each sample of series i, in order.
func (b *Batch) Samples(i int, f func(v float64, tsMs int64)) {
	s := &b.Series[i]
	f(s.Value, s.Timestamp)
	for n := s.more; n != 0; n = b.samples[n-1].next {
		f(b.samples[n-1].value, b.samples[n-1].timestamp)
	}
}

// addSample adds a sample to series i, keeping its samples in time order
// (stable for equal times): a Prometheus-compatible receiver refuses a
// sample older than the one before it. Points usually come in order, so
// the walk down the chain is the rare path.
func (b *Batch) addSample(i int32, v float64, tsMs int64) {
	s := &b.Series[i]
	ss := sampleMsgSize(tsMs)
	s.size += 1 + sov(uint64(ss)) + ss
	if tsMs < s.Timestamp {
		// The new sample becomes the head; the old one, no later than
		// any chained sample and older than those of its time, leads the
		// chain.
		b.samples = append(b.samples, moreSample{value: s.Value, timestamp: s.Timestamp, next: s.more})
		s.more = int32(len(b.samples))
		if s.last == 0 {
			s.last = s.more
		}
		s.Value, s.Timestamp = v, tsMs
		return
	}
	b.samples = append(b.samples, moreSample{value: v, timestamp: tsMs})
	n := int32(len(b.samples))
	switch {
	case s.last == 0:
		s.more, s.last = n, n
	case b.samples[s.last-1].timestamp <= tsMs:
		b.samples[s.last-1].next = n
		s.last = n
	default: // insert before the first later sample, which exists
		prev, cur := int32(0), s.more
		for b.samples[cur-1].timestamp <= tsMs {
			prev, cur = cur, b.samples[cur-1].next
		}
		b.samples[n-1].next = cur
		if prev == 0 {
			s.more = n
		} else {
			b.samples[prev-1].next = n
		}
	}
}

// exemplarsAtEnd reports whether series i can take more exemplars: it has
// none yet, or its are the last in the batch, so the range can grow.
func (b *Batch) exemplarsAtEnd(i int32) bool {
	s := &b.Series[i]
	return s.xStart == s.xEnd || int(s.xEnd) == len(b.exemplars)
}

// Reset empties the batch and keeps its memory.
func (b *Batch) Reset() {
	clear(b.labels) // drop references into pdata so the GC can free it
	b.Series = b.Series[:0]
	b.PointKeys = b.PointKeys[:0]
	b.labels = b.labels[:0]
	b.exemplars = b.exemplars[:0]
	b.samples = b.samples[:0]
	b.arena = b.arena[:0]
}

// Labels returns the labels of series i, sorted by name.
func (b *Batch) Labels(i int) []Label {
	s := &b.Series[i]
	return b.labels[s.lStart:s.lEnd]
}

// str appends p to the arena and returns it as a string without copying.
// The arena only grows within a batch, so earlier strings stay valid even
// when append moves it: the old array lives on while referenced.
func (b *Batch) str(p []byte) string {
	if len(p) == 0 {
		return ""
	}
	start := len(b.arena)
	b.arena = append(b.arena, p...)
	return unsafe.String(&b.arena[start], len(p))
}

// staleNaN is Prometheus's staleness marker.
var staleNaN = math.Float64frombits(0x7ff0000000000002)

// StaleNaN reports whether v is the staleness marker.
func StaleNaN(v float64) bool { return math.Float64bits(v) == 0x7ff0000000000002 }
