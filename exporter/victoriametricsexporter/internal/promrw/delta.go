package promrw

import (
	"sync"
	"time"
)

// DeltaState turns delta sums and histograms into cumulative series. It is
// bounded: at most max series, each forgotten ttl after its last point.
//
// A point whose timestamp equals the last one accumulated for its series is
// taken as a retry of that point: it re-emits the stored total instead of
// adding again, so that retried requests never double-count. A point older
// than the last one is added to the total but not emitted on its own.
type DeltaState struct {
	mu        sync.Mutex
	ttl       int64
	max       int
	entries   map[uint64]*deltaEntry
	lastSweep int64
}

type deltaEntry struct {
	lastTS  int64 // data point timestamp, ns
	seen    int64 // wall clock of the last update, ns
	startTS int64
	sum     float64
	count   uint64
	buckets []uint64
}

// NewDeltaState returns a state bounded to max series and ttl.
func NewDeltaState(max int, ttl time.Duration) *DeltaState {
	return &DeltaState{ttl: int64(ttl), max: max, entries: map[uint64]*deltaEntry{}}
}

// Len is the number of series held.
func (d *DeltaState) Len() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.entries)
}

type deltaResult int

const (
	deltaEmit deltaResult = iota
	deltaLate             // folded into the total, not emitted
	deltaFull             // state is full: the point is dropped
)

// entry finds or creates the state of a series; nil when full.
func (d *DeltaState) entry(key uint64, now, startTS int64) *deltaEntry {
	e := d.entries[key]
	if e != nil {
		return e
	}
	if len(d.entries) >= d.max {
		d.sweep(now, true)
		if len(d.entries) >= d.max {
			return nil
		}
	}
	e = &deltaEntry{startTS: startTS, lastTS: -1}
	d.entries[key] = e
	return e
}

func (d *DeltaState) sweep(now int64, force bool) {
	if !force && now-d.lastSweep < d.ttl/2 {
		return
	}
	d.lastSweep = now
	for k, e := range d.entries {
		if now-e.seen > d.ttl {
			delete(d.entries, k)
		}
	}
}

// advance decides what to do with a point at ts for entry e: whether to add
// it to the total, and whether to emit the total.
func (e *deltaEntry) advance(ts, now int64) (add bool, r deltaResult) {
	e.seen = now
	switch {
	case ts == e.lastTS:
		return false, deltaEmit // a retry: the stored total is already right
	case ts < e.lastTS:
		return true, deltaLate
	default:
		e.lastTS = ts
		return true, deltaEmit
	}
}

// sum accumulates a delta sum point and returns the running total and the
// start time of the cumulative series.
func (d *DeltaState) sum(key uint64, startTS, ts int64, v float64, now int64) (float64, int64, deltaResult) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.sweep(now, false)
	e := d.entry(key, now, startTS)
	if e == nil {
		return 0, 0, deltaFull
	}
	add, r := e.advance(ts, now)
	if add {
		e.sum += v
	}
	return e.sum, e.startTS, r
}

// histTotals is the cumulative state of a histogram series.
type histTotals struct {
	count   uint64
	sum     float64
	buckets []uint64
}

// histogram accumulates a delta explicit-bucket histogram point and copies
// the running totals into out (whose buckets slice is reused).
func (d *DeltaState) histogram(key uint64, startTS, ts int64, count uint64, sum float64, buckets []uint64, now int64, out *histTotals) deltaResult {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.sweep(now, false)
	e := d.entry(key, now, startTS)
	if e == nil {
		return deltaFull
	}
	if len(e.buckets) != len(buckets) {
		// New series, or the bucket layout changed: start over from here.
		e.buckets = make([]uint64, len(buckets))
		e.count, e.sum, e.lastTS, e.startTS = 0, 0, -1, startTS
	}
	add, r := e.advance(ts, now)
	if add {
		e.count += count
		e.sum += sum
		for i, c := range buckets {
			e.buckets[i] += c
		}
	}
	out.count, out.sum = e.count, e.sum
	out.buckets = append(out.buckets[:0], e.buckets...)
	return r
}
