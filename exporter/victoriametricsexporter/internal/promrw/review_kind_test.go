package promrw

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

// latSum appends a delta sum named "lat" (without suffixes its series is
// "lat"; the histogram's are lat_bucket, lat_sum, lat_count).
func latSum(md pmetric.Metrics, start, end time.Duration, v float64) {
	ms := newResource(md)
	sumPoint(ms, start, end, v)
	ms.At(0).SetName("lat")
}

// A delta sum and a delta histogram of one name, scope and attributes are
// two metrics (the data model's identity includes the type) and give
// different series, so each keeps its own total. By hand: the sum's deltas
// 5 then 1 give 5, 6; the histogram's counts 2 then 2 give 2, 4. Sharing
// one stream dropped the histogram as late in the first batch and reset
// the totals in the second.
func TestDeltaSumAndHistogramOfOneNameAreTwoStreams(t *testing.T) {
	enc := NewEncoder(Options{}, NewDeltaState(10, time.Hour))
	step := func(start, end time.Duration, v float64) map[string][]float64 {
		md := pmetric.NewMetrics()
		latSum(md, start, end, v)
		histPoint(md, start, end, []float64{1}, []uint64{1, 1})
		out := map[string][]float64{}
		for k, ss := range values(t, enc, md) {
			for _, s := range ss {
				out[k] = append(out[k], s.Value)
			}
		}
		return out
	}
	const lat = "__name__=lat,instance=i-1,job=shop/checkout"
	got := step(0, time.Second, 5)
	assert.Equal(t, []float64{5}, got[lat])
	assert.Equal(t, []float64{2}, got[latCount])
	got = step(time.Second, 2*time.Second, 1)
	assert.Equal(t, []float64{6}, got[lat])
	assert.Equal(t, []float64{4}, got[latCount])
}
