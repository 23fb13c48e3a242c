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
	Hash      uint64 // of the labels
	Shard     uint64 // identity of the data point the series came from
	Value     float64
	Timestamp int64 // milliseconds
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
	arena     []byte
}

// Reset empties the batch and keeps its memory.
func (b *Batch) Reset() {
	clear(b.labels) // drop references into pdata so the GC can free it
	b.Series = b.Series[:0]
	b.PointKeys = b.PointKeys[:0]
	b.labels = b.labels[:0]
	b.exemplars = b.exemplars[:0]
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
