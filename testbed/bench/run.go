package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/otelhub/otelhub/testbed/sink"
)

// Load is what the loadgen receiver generates for one run.
type Load struct {
	Items     int64   // items (data points, log records, spans) per run
	Rate      float64 // items per second; 0 = as fast as accepted
	BatchSize int
	Services  int
}

// Fault is a sink misbehaviour injected during a run.
type Fault struct {
	Name  string        // e.g. "sink-down-5s"
	Mode  string        // down, 429 or slow (see sink.Client.Fault)
	At    time.Duration // after the run's start
	For   time.Duration
	Delay time.Duration // slow only: per answer
}

// Result is one measured run.
type Result struct {
	Scenario string `json:"scenario"`
	Variant  string `json:"variant"`
	Role     string `json:"role"`
	Path     string `json:"path"`
	Fault    string `json:"fault,omitempty"`
	Round    int    `json:"round"`

	Items      int64 `json:"items"`          // accepted by the exporter or peer
	Expected   int64 `json:"expected_units"` // sink units those items make
	Counted    int64 `json:"counted_units"`  // distinct units at the sink
	Duplicates int64 `json:"duplicate_units"`
	Lost       int64 `json:"lost_units"`
	Invalid    int64 `json:"invalid_requests"`

	Seconds          float64 `json:"seconds"` // start to the last unit at the sink
	ItemsPerSec      float64 `json:"items_per_sec"`
	CPUSecPerMItems  float64 `json:"cpu_sec_per_million_items"`
	PeakRSSBytes     int64   `json:"peak_rss_bytes"`
	PeakHeapBytes    int64   `json:"peak_heap_bytes,omitempty"` // in-process only
	WireBytesPerItem float64 `json:"wire_bytes_per_item"`
	LatencyP50ms     float64 `json:"latency_p50_ms"`
	LatencyP99ms     float64 `json:"latency_p99_ms"`
	DrainSeconds     float64 `json:"drain_seconds,omitempty"` // fault end to the last unit

	// Unchecked runs went to a user's backend: nothing was counted.
	Unchecked bool   `json:"unchecked,omitempty"`
	OK        bool   `json:"ok"`
	Error     string `json:"error,omitempty"`
}

// Runner runs variants against one sink, or against a user's backend.
type Runner struct {
	Sink Sink
	// UserBackend, when set, replaces the sink: the run measures what was
	// sent and how fast, and cannot count what arrived.
	UserBackend *Backend
	Env         Env
	Load        Load
	Drain       time.Duration // give up when the sink has not progressed this long
	// Progress, when set, gets a live status line ("\r..." updates).
	Progress *os.File
}

// Run measures one variant on one path, with an optional fault.
func (r *Runner) Run(ctx context.Context, sc *Scenario, v Variant, path string, round int, f *Fault) Result {
	res := Result{Scenario: sc.Name, Variant: v.Name, Role: v.Role, Path: path, Round: round}
	if f != nil {
		res.Fault = f.Name
	}
	err := r.run(ctx, sc, v, path, f, &res)
	if err != nil {
		res.Error = err.Error()
	}
	res.OK = err == nil
	return res
}

func (r *Runner) run(ctx context.Context, sc *Scenario, v Variant, path string, f *Fault, res *Result) error {
	if r.UserBackend == nil {
		if err := r.Sink.Reset(); err != nil {
			return err
		}
	}
	tgt, err := r.startTarget(ctx, sc, v, path)
	if err != nil {
		return err
	}
	var sent, units atomic.Int64
	rss := resetPeakRSS()
	heap := startHeapSampler(50 * time.Millisecond)
	cpu0 := selfCPU()
	start := time.Now()
	gen, err := r.startLoad(ctx, sc, tgt, counter{sc: sc, sent: &sent, units: &units})
	if err != nil {
		heap.Stop()
		return errors.Join(err, r.stopTarget(ctx, tgt, nil))
	}
	faultEnd, faultErr := r.schedule(f, start)
	var counts sink.Counts
	var waitErr error
	if r.UserBackend == nil {
		counts, waitErr = r.await(sc, v, path, &sent, &units, start)
	} else {
		waitErr = r.awaitSent(sc, v, path, &sent, start)
	}
	_ = gen.Shutdown(ctx)
	var usage Usage
	stopErr := r.stopTarget(ctx, tgt, &usage) // drains the exporter's queue
	if r.UserBackend != nil {
		// Nothing counted: the end is when the exporter had sent all.
		counts = sink.Counts{Last: time.Now(), Units: units.Load(), Distinct: units.Load()}
		res.Unchecked = true
	}
	peakHeap := heap.Stop()
	if path == InProcess {
		usage.CPUSeconds = selfCPU() - cpu0
		if rss {
			usage.MaxRSS = peakRSS()
		}
		res.PeakHeapBytes = peakHeap
	}
	fill(res, sent.Load(), units.Load(), counts, start, faultEnd, usage)
	return errors.Join(waitErr, stopErr, faultErr(), r.verdict(res, f))
}

// verdict: without a fault every sent unit must arrive exactly once and
// nothing else; with a fault, nothing may be lost.
func (r *Runner) verdict(res *Result, f *Fault) error {
	switch {
	case res.Invalid > 0:
		return fmt.Errorf("sink could not decode %d requests", res.Invalid)
	case res.Lost > 0:
		return fmt.Errorf("lost %d of %d units", res.Lost, res.Expected)
	case res.Counted > res.Expected:
		return fmt.Errorf("sink counted %d units, %d were sent", res.Counted, res.Expected)
	case f == nil && res.Duplicates > 0:
		return fmt.Errorf("%d duplicate units without a fault", res.Duplicates)
	}
	return nil
}

func fill(res *Result, sent, units int64, c sink.Counts, start time.Time, faultEnd time.Time, u Usage) {
	res.Items, res.Expected, res.Counted = sent, units, c.Distinct
	res.Duplicates, res.Invalid = c.Units-c.Distinct, c.Invalid
	res.Lost = max(0, units-c.Distinct)
	end := c.Last
	if end.Before(start) {
		end = time.Now()
	}
	res.Seconds = end.Sub(start).Seconds()
	if res.Seconds > 0 {
		res.ItemsPerSec = float64(sent) / res.Seconds
	}
	if sent > 0 {
		res.CPUSecPerMItems = u.CPUSeconds / float64(sent) * 1e6
		res.WireBytesPerItem = float64(c.WireBytes) / float64(sent)
	}
	res.PeakRSSBytes = u.MaxRSS
	res.LatencyP50ms, res.LatencyP99ms = c.LatencyP50, c.LatencyP99
	if !faultEnd.IsZero() && end.After(faultEnd) {
		res.DrainSeconds = end.Sub(faultEnd).Seconds()
	}
}

// awaitSent waits until the generator has handed over every item (a
// user's backend: nothing to count).
func (r *Runner) awaitSent(sc *Scenario, v Variant, path string, sent *atomic.Int64, start time.Time) error {
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	last, progressAt := int64(-1), time.Now()
	for range tick.C {
		n := sent.Load()
		r.progress(sc, v, path, n, sink.Counts{}, 0, start)
		if n >= r.Load.Items {
			return nil
		}
		if n != last {
			last, progressAt = n, time.Now()
		}
		if time.Since(progressAt) > r.Drain {
			return fmt.Errorf("the exporter stopped accepting at %d of %d items for %s", n, r.Load.Items, r.Drain)
		}
	}
	return nil
}

func (r *Runner) backend() Backend {
	if r.UserBackend != nil {
		return *r.UserBackend
	}
	return Backend{URL: r.Sink.BaseURL()}
}

// schedule injects the fault at its time and returns when it ends, and
// what says whether the sink could inject it: a fault run without its
// fault must fail, not pass for a run that lost nothing.
func (r *Runner) schedule(f *Fault, start time.Time) (time.Time, func() error) {
	if f == nil {
		return time.Time{}, func() error { return nil }
	}
	var mu sync.Mutex
	var injectErr error
	time.AfterFunc(time.Until(start.Add(f.At)), func() {
		if err := r.Sink.Fault(f.Mode, f.For, f.Delay); err != nil {
			mu.Lock()
			injectErr = fmt.Errorf("fault %s not injected: %w", f.Name, err)
			mu.Unlock()
		}
	})
	return start.Add(f.At + f.For), func() error {
		mu.Lock()
		defer mu.Unlock()
		return injectErr
	}
}

// await waits until the generator has handed over every item and the sink
// holds every unit, or the sink stops progressing for r.Drain.
func (r *Runner) await(sc *Scenario, v Variant, path string, sent, units *atomic.Int64, start time.Time) (sink.Counts, error) {
	var last sink.Counts
	lastSent := int64(-1)
	progressAt := time.Now()
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for range tick.C {
		c, err := r.Sink.Counts()
		if err != nil {
			return last, err
		}
		// Progress is the sink counting more or the variant accepting
		// more; a variant that stops accepting fails after Drain rather
		// than hanging the run.
		if n := sent.Load(); c.Distinct != last.Distinct || n != lastSent {
			progressAt, lastSent = time.Now(), n
		}
		last = c
		r.progress(sc, v, path, sent.Load(), c, units.Load(), start)
		if sent.Load() >= r.Load.Items && c.Distinct >= units.Load() {
			return r.settle(c)
		}
		if time.Since(progressAt) > r.Drain {
			return c, fmt.Errorf("stalled for %s: %d of %d items accepted, sink at %d of %d units",
				r.Drain, sent.Load(), r.Load.Items, c.Distinct, units.Load())
		}
	}
	return last, nil
}

// settle is the final count: polled until the sink's units hold still
// for one 200 ms poll, so that late duplicates show, and a sink that
// verifies distinct units only when nothing arrives (chDB) gives its
// exact count; bounded by Drain.
func (r *Runner) settle(c sink.Counts) (sink.Counts, error) {
	deadline := time.Now().Add(r.Drain)
	for {
		time.Sleep(200 * time.Millisecond)
		next, err := r.Sink.Counts()
		if err != nil || next.Units == c.Units || time.Now().After(deadline) {
			return next, err
		}
		c = next
	}
}

func (r *Runner) progress(sc *Scenario, v Variant, path string, sent int64, c sink.Counts, units int64, start time.Time) {
	if r.Progress == nil {
		return
	}
	el := time.Since(start).Seconds()
	fmt.Fprintf(r.Progress, "\r\033[K%s/%s %s: sent %d/%d items, sink %d/%d units, %.0f items/s, %.1fs",
		sc.Name, v.Name, path, sent, r.Load.Items, c.Distinct, units, float64(sent)/el, el)
}
