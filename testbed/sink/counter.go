package sink

import (
	"sync"
	"time"
)

// Counts is what a sink has received since its last reset.
type Counts struct {
	// Units are the decoded items (samples, rows, documents), duplicates
	// included.
	Units int64 `json:"units"`
	// Distinct are the units with a distinct (series, timestamp) key; a
	// retried request that had in fact arrived adds Units, not Distinct.
	Distinct int64 `json:"distinct"`
	// Requests accepted and their body bytes as sent on the wire
	// (compressed).
	Requests  int64 `json:"requests"`
	WireBytes int64 `json:"wire_bytes"`
	// Rejected are requests the sink refused on purpose (faults) and
	// Invalid the ones it could not decode.
	Rejected int64  `json:"rejected"`
	Invalid  int64  `json:"invalid"`
	LastErr  string `json:"last_error,omitempty"`
	// Last is when the last unit arrived.
	Last time.Time `json:"last"`
	// LatencyP50/P99 are arrival time minus the item's own timestamp, in
	// milliseconds: the load generator stamps items when it makes them, so
	// this is the export latency through queue, batching and retries.
	LatencyP50 float64 `json:"latency_p50_ms"`
	LatencyP99 float64 `json:"latency_p99_ms"`
}

// Counter accumulates Counts; safe for concurrent requests.
type Counter struct {
	mu   sync.Mutex
	c    Counts
	seen map[uint64]struct{}
	lat  []int64 // histogram: lat[i] = units that arrived i ms late
}

func newCounter() *Counter { return &Counter{seen: map[uint64]struct{}{}} }

const maxLatencyMs = 120_000

// add counts one unit of the series with hash h stamped at tsMs
// (Unix milliseconds). Called with mu held.
func (c *Counter) add(h uint64, tsMs int64, now time.Time) {
	c.c.Units++
	key := h ^ (uint64(tsMs) * 0x9E3779B97F4A7C15)
	if _, ok := c.seen[key]; !ok {
		c.seen[key] = struct{}{}
		c.c.Distinct++
	}
	c.c.Last = now
	late := now.UnixMilli() - tsMs
	late = max(0, min(late, maxLatencyMs))
	if c.lat == nil {
		c.lat = make([]int64, maxLatencyMs+1)
	}
	c.lat[late]++
}

func (c *Counter) snapshot() Counts {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.c
	out.LatencyP50 = quantile(c.lat, c.c.Units, 0.50)
	out.LatencyP99 = quantile(c.lat, c.c.Units, 0.99)
	return out
}

func (c *Counter) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.c = Counts{}
	c.seen = map[uint64]struct{}{}
	c.lat = nil
}

func quantile(hist []int64, total int64, q float64) float64 {
	if total == 0 {
		return 0
	}
	want := int64(q * float64(total))
	var acc int64
	for i, n := range hist {
		if acc += n; acc > want {
			return float64(i)
		}
	}
	return float64(len(hist) - 1)
}
