package promrw

import (
	"math"
	"testing"
	"time"

	"github.com/prometheus/prometheus/prompb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

// Expected values in these tests are worked out by hand from the OTel
// data model: the cumulative value of a delta stream is the sum of its
// deltas since the stream (re)started.

// sumPoint appends a delta sum point of "jobs.done" covering (start, end].
func sumPoint(ms pmetric.MetricSlice, start, end time.Duration, v float64) pmetric.NumberDataPoint {
	m := ms.AppendEmpty()
	m.SetName("jobs.done")
	s := m.SetEmptySum()
	s.SetIsMonotonic(true)
	s.SetAggregationTemporality(pmetric.AggregationTemporalityDelta)
	dp := s.DataPoints().AppendEmpty()
	dp.SetStartTimestamp(ts(start))
	dp.SetTimestamp(ts(end))
	dp.SetDoubleValue(v)
	return dp
}

// values encodes md, settles every delta series as delivered, and returns
// the samples of each series.
func values(t *testing.T, enc *Encoder, md pmetric.Metrics) map[string][]prompb.Sample {
	t.Helper()
	var b Batch
	enc.Encode(md, &b, t0)
	require.Len(t, b.PointKeys, md.DataPointCount(), "one key per data point")
	got := decode(t, &b)
	settleAll(enc)
	return got
}

func only(t *testing.T, got map[string][]prompb.Sample) []float64 {
	t.Helper()
	var out []float64
	for _, ss := range got {
		for _, s := range ss {
			out = append(out, s.Value)
		}
	}
	return out
}

const jobsKey = "__name__=jobs_done,instance=i-1,job=shop/checkout"

// Two scopes of one resource report the same delta metric: they are two
// streams, and neither value is mistaken for a retry of the other.
func TestDeltaKeyIncludesScope(t *testing.T) {
	enc := NewEncoder(Options{}, NewDeltaState(10, time.Hour))
	md := pmetric.NewMetrics()
	ms := newResource(md)
	sumPoint(ms, 0, time.Second, 5)
	sm := md.ResourceMetrics().At(0).ScopeMetrics().AppendEmpty()
	sm.Scope().SetName("other.library")
	sumPoint(sm.Metrics(), 0, time.Second, 7)
	assert.ElementsMatch(t, []float64{5, 7}, only(t, values(t, enc, md)))
	md2 := pmetric.NewMetrics()
	sumPoint(newResource(md2), time.Second, 2*time.Second, 1)
	sm2 := md2.ResourceMetrics().At(0).ScopeMetrics().AppendEmpty()
	sm2.Scope().SetName("other.library")
	sumPoint(sm2.Metrics(), time.Second, 2*time.Second, 1)
	assert.ElementsMatch(t, []float64{6, 8}, only(t, values(t, enc, md2)))
}

// Two resources that differ only in an attribute that is not a label are
// two streams too.
func TestDeltaKeyIncludesNonLabelResourceAttributes(t *testing.T) {
	enc := NewEncoder(Options{}, NewDeltaState(10, time.Hour))
	md := pmetric.NewMetrics()
	sumPoint(newResource(md), 0, time.Second, 5)
	other := newResource(md)
	md.ResourceMetrics().At(1).Resource().Attributes().PutStr("host.name", "node-2")
	sumPoint(other, 0, time.Second, 7)
	assert.ElementsMatch(t, []float64{5, 7}, only(t, values(t, enc, md)))
}

// A point whose interval starts after the last one ended starts the stream
// again (the producer restarted): 5, 8, then 4, not 12.
func TestDeltaNewStartTimestampResets(t *testing.T) {
	enc := NewEncoder(Options{}, NewDeltaState(10, time.Hour))
	var got []float64
	for _, p := range []struct {
		start, end time.Duration
		v          float64
	}{{0, time.Second, 5}, {time.Second, 2 * time.Second, 3}, {10 * time.Second, 11 * time.Second, 4}} {
		md := pmetric.NewMetrics()
		sumPoint(newResource(md), p.start, p.end, p.v)
		got = append(got, values(t, enc, md)[jobsKey][0].Value)
	}
	assert.Equal(t, []float64{5, 8, 4}, got)
}

// One NaN delta does not poison the total: it is dropped and counted.
func TestDeltaNaNDoesNotPoison(t *testing.T) {
	enc := NewEncoder(Options{}, NewDeltaState(10, time.Hour))
	var got []float64
	for i, v := range []float64{5, math.NaN(), 3} {
		md := pmetric.NewMetrics()
		at := time.Duration(i) * time.Second
		sumPoint(newResource(md), at, at+time.Second, v)
		for _, s := range values(t, enc, md)[jobsKey] {
			got = append(got, s.Value)
		}
	}
	assert.Equal(t, []float64{5, 8}, got)
}

// histPoint is a delta histogram point of "lat" covering (start, end].
func histPoint(md pmetric.Metrics, start, end time.Duration, bounds []float64, counts []uint64) {
	m := newResource(md).AppendEmpty()
	m.SetName("lat")
	h := m.SetEmptyHistogram()
	h.SetAggregationTemporality(pmetric.AggregationTemporalityDelta)
	dp := h.DataPoints().AppendEmpty()
	dp.SetStartTimestamp(ts(start))
	dp.SetTimestamp(ts(end))
	dp.ExplicitBounds().FromRaw(bounds)
	dp.BucketCounts().FromRaw(counts)
	var n uint64
	for _, c := range counts {
		n += c
	}
	dp.SetCount(n)
	dp.SetSum(float64(n))
}

// The same number of buckets with other bounds is another layout: the
// stream starts again instead of adding counts of different buckets.
func TestDeltaHistogramLayoutComparedFully(t *testing.T) {
	enc := NewEncoder(Options{}, NewDeltaState(10, time.Hour))
	md := pmetric.NewMetrics()
	histPoint(md, 0, time.Second, []float64{1, 2}, []uint64{1, 1, 1})
	values(t, enc, md)
	md = pmetric.NewMetrics()
	histPoint(md, time.Second, 2*time.Second, []float64{1, 5}, []uint64{2, 0, 0})
	got := values(t, enc, md)
	assert.Equal(t, 2.0, got["__name__=lat_count,instance=i-1,job=shop/checkout"][0].Value)
	assert.Equal(t, 2.0, got["__name__=lat_bucket,instance=i-1,job=shop/checkout,le=5"][0].Value)
}

// A histogram whose sum is NaN still adds its counts; its sum is left out
// of the total, which stays a number.
func TestDeltaHistogramNaNSumDoesNotPoison(t *testing.T) {
	enc := NewEncoder(Options{}, NewDeltaState(10, time.Hour))
	var sums []float64
	for i := range 3 {
		md := pmetric.NewMetrics()
		at := time.Duration(i) * time.Second
		histPoint(md, at, at+time.Second, []float64{1}, []uint64{1, 1})
		if i == 1 {
			md.ResourceMetrics().At(0).ScopeMetrics().At(0).Metrics().At(0).Histogram().DataPoints().At(0).SetSum(math.NaN())
		}
		sums = append(sums, values(t, enc, md)["__name__=lat_sum,instance=i-1,job=shop/checkout"][0].Value)
	}
	assert.Equal(t, 2.0, sums[0])
	assert.Equal(t, 4.0, sums[2])
}

// At the bound, a series idle for longer than ttl makes room for a new one;
// while every series is fresh, new ones are dropped and counted.
func TestDeltaStateEvictsExpiredAtTheBound(t *testing.T) {
	d := NewDeltaState(2, time.Minute)
	enc := NewEncoder(Options{}, d)
	encodeAt := func(at time.Time, name string) Drops {
		md := pmetric.NewMetrics()
		dp := sumPoint(newResource(md), 0, time.Second, 1)
		dp.Attributes().PutStr("s", name)
		var b Batch
		drops := enc.Encode(md, &b, at)
		settleAll(enc)
		return drops
	}
	assert.Zero(t, encodeAt(t0, "a")[DropDeltaStateFull])
	assert.Zero(t, encodeAt(t0.Add(30*time.Second), "b")[DropDeltaStateFull])
	assert.Equal(t, 1, encodeAt(t0.Add(40*time.Second), "c")[DropDeltaStateFull], "a and b are fresh")
	assert.Zero(t, encodeAt(t0.Add(70*time.Second), "c")[DropDeltaStateFull], "a expired")
	assert.Equal(t, 2, d.Len())
}

// BenchmarkDeltaStateFull: new series arrive at a full state. The cost per
// series must not grow with the state's size.
func BenchmarkDeltaStateFull(b *testing.B) {
	for _, size := range []int{1_000, 100_000} {
		b.Run(pcommon.NewValueInt(int64(size)).AsString(), func(b *testing.B) {
			d := NewDeltaState(size, time.Hour)
			enc := NewEncoder(Options{}, d)
			md := pmetric.NewMetrics()
			dps := sumPoint(newResource(md), 0, time.Second, 1)
			var batch Batch
			for i := range size {
				dps.Attributes().PutInt("i", int64(i))
				batch.Reset()
				enc.Encode(md, &batch, t0)
				settleAll(enc)
			}
			b.ResetTimer()
			for i := range b.N {
				dps.Attributes().PutInt("i", int64(size+i))
				batch.Reset()
				enc.Encode(md, &batch, t0)
				settleAll(enc)
			}
		})
	}
}

// Item 2: every data point leaves one key, dropped ones included, so that
// the exporter's retry subset lines up with the points.
func TestPointKeysOnePerDataPoint(t *testing.T) {
	md := pmetric.NewMetrics()
	ms := newResource(md)
	eh := ms.AppendEmpty()
	eh.SetName("dropped")
	edh := eh.SetEmptyExponentialHistogram()
	edh.SetAggregationTemporality(pmetric.AggregationTemporalityDelta)
	edh.DataPoints().AppendEmpty()
	edh.DataPoints().AppendEmpty()
	g := ms.AppendEmpty()
	g.SetName("kept")
	g.SetEmptyGauge().DataPoints().AppendEmpty().SetIntValue(1)
	var b Batch
	drops := NewEncoder(Options{}, NewDeltaState(10, time.Hour)).Encode(md, &b, t0)
	assert.Equal(t, 2, drops[DropDeltaExpHistogram])
	require.Len(t, b.PointKeys, 3)
	require.Len(t, b.Series, 1)
	assert.Equal(t, b.Series[0].Shard, b.PointKeys[2], "the gauge's key is its own, third")
}

func settleAll(e *Encoder) { e.Settle(nil) }
