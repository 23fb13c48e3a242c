package promrw

import (
	"math"
	"sync"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// DeltaState holds the cumulative totals that turn delta sums and
// histograms into cumulative series. It is bounded: at most max series,
// each forgotten ttl after it was last stored.
//
// An Encoder computes a batch's totals from the stored ones without
// changing them; Encoder.Settle stores the totals of the series that
// arrived. A batch sent again after a failure is therefore encoded from the
// same stored totals and carries the same values: a retry never counts a
// delta twice.
type DeltaState struct {
	mu       sync.Mutex
	ttl      int64
	max      int
	entries  map[uint64]*deltaEntry
	lru      deltaEntry // ring sentinel: entries from least to most recently stored
	reserved int        // new series loaded by the encoder, not stored yet
}

type deltaEntry struct {
	prev, next *deltaEntry
	key        uint64
	stored     int64 // wall clock of the last store, ns
	totals
}

// totals is the cumulative state of one delta stream.
type totals struct {
	has     bool  // a point has been accumulated
	startTS int64 // start of the cumulative series, ns
	lastTS  int64 // timestamp of the last point accumulated, ns
	sum     float64
	count   uint64
	buckets []uint64
	bounds  []float64
}

// pending is an encoder's working copy of a stream's totals in one batch.
type pending struct {
	totals
	fresh bool   // the stream was not in the state: a slot is reserved for it
	point uint64 // the data point key of the stream's points, as a retry reports it
}

// NewDeltaState returns a state bounded to max series and ttl.
func NewDeltaState(max int, ttl time.Duration) *DeltaState {
	d := &DeltaState{ttl: int64(ttl), max: max, entries: map[uint64]*deltaEntry{}}
	d.lru.prev, d.lru.next = &d.lru, &d.lru
	return d
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
	deltaLate             // not newer than the last point: dropped
)

// load copies the stored totals of key into p. A series not held yet gets
// a reserved slot, or, when the state is full, ok is false. Expired series
// are evicted first, oldest first, so the cost does not grow with the
// state's size.
func (d *DeltaState) load(key uint64, now int64, p *pending) (ok bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.expire(now)
	if e := d.entries[key]; e != nil {
		p.copyFrom(&e.totals)
		p.fresh = false
		return true
	}
	if len(d.entries)+d.reserved >= d.max {
		return false
	}
	d.reserved++
	p.copyFrom(&totals{})
	p.fresh = true
	return true
}

// expire removes the series not stored for longer than ttl.
func (d *DeltaState) expire(now int64) {
	for e := d.lru.next; e != &d.lru && now-e.stored > d.ttl; e = d.lru.next {
		d.unlink(e)
		delete(d.entries, e.key)
	}
}

func (d *DeltaState) unlink(e *deltaEntry) {
	e.prev.next, e.next.prev = e.next, e.prev
	e.prev, e.next = nil, nil
}

func (d *DeltaState) pushBack(e *deltaEntry) {
	e.prev, e.next = d.lru.prev, &d.lru
	d.lru.prev.next = e
	d.lru.prev = e
}

// settle stores the pending totals whose key retry does not report, and
// releases the slots reserved for the batch. A stream going back for a
// retry keeps its stored totals but counts as fresh, so that the ttl does
// not forget it before the retry, which would then carry other values.
func (d *DeltaState) settle(ps map[uint64]*pending, retry func(uint64) bool, now int64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for key, p := range ps {
		if p.fresh {
			d.reserved--
		}
		e := d.entries[key]
		if retry != nil && retry(p.point) {
			if e != nil {
				d.unlink(e)
				e.stored = now
				d.pushBack(e)
			}
			continue
		}
		if !p.has {
			continue
		}
		if e == nil {
			e = &deltaEntry{key: key}
			d.entries[key] = e
		} else {
			d.unlink(e)
		}
		e.copyFrom(&p.totals)
		e.stored = now
		d.pushBack(e)
	}
}

func (t *totals) copyFrom(s *totals) {
	b, f := append(t.buckets[:0], s.buckets...), append(t.bounds[:0], s.bounds...)
	*t = *s
	t.buckets, t.bounds = b, f
}

// advance decides whether a point covering (start, ts] continues the
// stream. A point not newer than the last one is late (a duplicate, or out
// of order) and dropped. A point that starts after the last one ended
// starts the stream again: the producer restarted (or lost an interval),
// as the OTel data model marks it with a new start time.
func (t *totals) advance(start, ts int64) deltaResult {
	switch {
	case !t.has:
		t.startTS = start
	case ts <= t.lastTS:
		return deltaLate
	case start > t.lastTS:
		t.restart(start)
	}
	t.has, t.lastTS = true, ts
	return deltaEmit
}

func (t *totals) restart(start int64) {
	t.startTS, t.sum, t.count = start, 0, 0
	clear(t.buckets)
}

// sameLayout reports whether bounds and n buckets are the stream's layout.
func (t *totals) sameLayout(bounds pcommon.Float64Slice, n int) bool {
	if !t.has || len(t.buckets) != n || len(t.bounds) != bounds.Len() {
		return false
	}
	for i, b := range t.bounds {
		if bounds.At(i) != b {
			return false
		}
	}
	return true
}

// setLayout starts the stream again with a new bucket layout.
func (t *totals) setLayout(bounds pcommon.Float64Slice, n int) {
	t.bounds = t.bounds[:0]
	for i := 0; i < bounds.Len(); i++ {
		t.bounds = append(t.bounds, bounds.At(i))
	}
	t.buckets = append(t.buckets[:0], make([]uint64, n)...)
	t.has, t.sum, t.count = false, 0, 0
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
