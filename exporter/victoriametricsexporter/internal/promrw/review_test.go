package promrw

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

const latCount = "__name__=lat_count,instance=i-1,job=shop/checkout"

// A late histogram point (not newer than the last one stored) is dropped as
// delta_late, also when its bounds differ: a late point must not restart
// the stream. (0,1] and (1,2] give counts 3, 5; a duplicate of (0,1] with
// other bounds is late; (2,3] then continues: 7.
func TestDeltaHistogramLatePointWithOtherBoundsIsLate(t *testing.T) {
	enc := NewEncoder(Options{}, NewDeltaState(10, time.Hour))
	step := func(start, end time.Duration, bounds []float64, counts []uint64) (map[string][]float64, Drops) {
		md := pmetric.NewMetrics()
		histPoint(md, start, end, bounds, counts)
		var b Batch
		drops := enc.Encode(md, &b, t0)
		got := map[string][]float64{}
		for k, ss := range decode(t, &b) {
			for _, s := range ss {
				got[k] = append(got[k], s.Value)
			}
		}
		settleAll(enc)
		return got, drops
	}
	got, _ := step(0, time.Second, []float64{1, 2}, []uint64{1, 1, 1})
	require.Equal(t, []float64{3}, got[latCount])
	got, _ = step(time.Second, 2*time.Second, []float64{1, 2}, []uint64{1, 0, 1})
	require.Equal(t, []float64{5}, got[latCount])
	got, drops := step(0, time.Second, []float64{1, 5}, []uint64{4, 0, 0})
	assert.Empty(t, got, "a late point sends nothing")
	assert.Equal(t, 1, drops[DropDeltaLate])
	got, _ = step(2*time.Second, 3*time.Second, []float64{1, 2}, []uint64{1, 1, 0})
	assert.Equal(t, []float64{7}, got[latCount], "the stream continues")
}

// A stream whose point is being retried is not forgotten by the ttl
// meanwhile: the retry carries the value of the first attempt. ttl 1m; 5
// stored at t0; the next point (3) first sent at t0+50s fails, and its
// retry at t0+80s must still give 8, not 3.
func TestDeltaRetryOutlivingTTLKeepsItsValue(t *testing.T) {
	enc := NewEncoder(Options{}, NewDeltaState(10, time.Minute))
	encodeAt := func(at time.Time, start, end time.Duration, v float64) []float64 {
		md := pmetric.NewMetrics()
		sumPoint(newResource(md), start, end, v)
		var b Batch
		enc.Encode(md, &b, at)
		var out []float64
		for _, s := range decode(t, &b)[jobsKey] {
			out = append(out, s.Value)
		}
		return out
	}
	assert.Equal(t, []float64{5}, encodeAt(t0, 0, time.Second, 5))
	settleAll(enc)
	assert.Equal(t, []float64{8}, encodeAt(t0.Add(50*time.Second), time.Second, 2*time.Second, 3))
	enc.Settle(func(uint64) bool { return true }) // the send failed: retry
	assert.Equal(t, []float64{8}, encodeAt(t0.Add(80*time.Second), time.Second, 2*time.Second, 3), "the retry")
}
