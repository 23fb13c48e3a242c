package promrw

import (
	"math"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/prometheus/prompb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

var t0 = time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)

func ts(d time.Duration) pcommon.Timestamp { return pcommon.NewTimestampFromTime(t0.Add(d)) }

func defaultOptions() Options {
	return Options{AddMetricSuffixes: true, TargetInfo: true, ExpHistogramMode: ExpHistogramBuckets}
}

// decode marshals the batch and decodes it with Prometheus's own protobuf
// code, returning series keyed by their label string.
func decode(t *testing.T, b *Batch) map[string][]prompb.Sample {
	t.Helper()
	var wr prompb.WriteRequest
	require.NoError(t, wr.Unmarshal(b.Marshal(nil, nil)))
	out := map[string][]prompb.Sample{}
	for _, s := range wr.Timeseries {
		require.True(t, sort.SliceIsSorted(s.Labels, func(i, j int) bool { return s.Labels[i].Name < s.Labels[j].Name }), "labels sorted")
		var parts []string
		for _, l := range s.Labels {
			parts = append(parts, l.Name+"="+l.Value)
		}
		k := strings.Join(parts, ",")
		out[k] = append(out[k], s.Samples...)
	}
	return out
}

func newResource(md pmetric.Metrics) pmetric.MetricSlice {
	rm := md.ResourceMetrics().AppendEmpty()
	a := rm.Resource().Attributes()
	a.PutStr("service.name", "checkout")
	a.PutStr("service.namespace", "shop")
	a.PutStr("service.instance.id", "i-1")
	a.PutStr("host.name", "node-1")
	return rm.ScopeMetrics().AppendEmpty().Metrics()
}

func encode(t *testing.T, o Options, md pmetric.Metrics) map[string][]prompb.Sample {
	t.Helper()
	var b Batch
	NewEncoder(o, NewDeltaState(100, time.Hour)).Encode(md, &b, t0)
	return decode(t, &b)
}

func TestGaugeAndCounterNamesLabelsValues(t *testing.T) {
	md := pmetric.NewMetrics()
	ms := newResource(md)
	g := ms.AppendEmpty()
	g.SetName("system.memory.utilization")
	g.SetUnit("1")
	dp := g.SetEmptyGauge().DataPoints().AppendEmpty()
	dp.SetTimestamp(ts(time.Second))
	dp.SetDoubleValue(0.25)
	dp.Attributes().PutStr("system.memory.state", "used")

	c := ms.AppendEmpty()
	c.SetName("http.server.requests")
	c.SetUnit("{request}")
	sum := c.SetEmptySum()
	sum.SetIsMonotonic(true)
	sum.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
	cdp := sum.DataPoints().AppendEmpty()
	cdp.SetTimestamp(ts(2 * time.Second))
	cdp.SetIntValue(42)
	cdp.Attributes().PutInt("http.response.status_code", 200)
	cdp.Attributes().PutBool("ok", true)

	got := encode(t, defaultOptions(), md)
	assert.Equal(t, []prompb.Sample{{Value: 0.25, Timestamp: t0.Add(time.Second).UnixMilli()}},
		got["__name__=system_memory_utilization_ratio,instance=i-1,job=shop/checkout,system_memory_state=used"])
	assert.Equal(t, []prompb.Sample{{Value: 42, Timestamp: t0.Add(2 * time.Second).UnixMilli()}},
		got["__name__=http_server_requests_total,http_response_status_code=200,instance=i-1,job=shop/checkout,ok=true"])
	assert.Equal(t, []prompb.Sample{{Value: 1, Timestamp: t0.UnixMilli()}},
		got["__name__=target_info,host_name=node-1,instance=i-1,job=shop/checkout"])
	assert.Len(t, got, 3)
}

func TestOptionsNamespaceExtraAndResourceLabels(t *testing.T) {
	md := pmetric.NewMetrics()
	g := newResource(md).AppendEmpty()
	g.SetName("queue.size")
	g.SetEmptyGauge().DataPoints().AppendEmpty().SetIntValue(7)
	o := Options{Namespace: "otelhub", ExtraLabels: map[string]string{"cluster": "eu-1"}, ResourceToLabels: []string{"host.name"}}
	got := encode(t, o, md)
	require.Len(t, got, 1)
	for k, v := range got {
		assert.Equal(t, "__name__=otelhub_queue_size,cluster=eu-1,host_name=node-1,instance=i-1,job=shop/checkout", k)
		assert.Equal(t, 7.0, v[0].Value)
		assert.Equal(t, t0.UnixMilli(), v[0].Timestamp, "a zero timestamp becomes the encode time")
	}
}

func TestHistogramBucketsAddUp(t *testing.T) {
	md := pmetric.NewMetrics()
	h := newResource(md).AppendEmpty()
	h.SetName("http.server.request.duration")
	h.SetUnit("s")
	hist := h.SetEmptyHistogram()
	hist.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
	dp := hist.DataPoints().AppendEmpty()
	dp.SetTimestamp(ts(0))
	dp.ExplicitBounds().FromRaw([]float64{0.1, 0.5, 1})
	dp.BucketCounts().FromRaw([]uint64{3, 2, 1, 4})
	dp.SetCount(10)
	dp.SetSum(12.5)

	got := encode(t, Options{AddMetricSuffixes: true}, md)
	base := ",instance=i-1,job=shop/checkout"
	v := func(k string) float64 {
		s, ok := got[k]
		require.True(t, ok, "missing %s in %v", k, got)
		return s[0].Value
	}
	assert.Equal(t, 3.0, v("__name__=http_server_request_duration_seconds_bucket"+base+",le=0.1"))
	assert.Equal(t, 5.0, v("__name__=http_server_request_duration_seconds_bucket"+base+",le=0.5"))
	assert.Equal(t, 6.0, v("__name__=http_server_request_duration_seconds_bucket"+base+",le=1"))
	assert.Equal(t, 10.0, v("__name__=http_server_request_duration_seconds_bucket"+base+",le=+Inf"))
	assert.Equal(t, 12.5, v("__name__=http_server_request_duration_seconds_sum"+base))
	assert.Equal(t, 10.0, v("__name__=http_server_request_duration_seconds_count"+base))
}

func deltaSum(md pmetric.Metrics, at time.Duration, v int64) {
	ms := newResource(md)
	m := ms.AppendEmpty()
	m.SetName("jobs.done")
	s := m.SetEmptySum()
	s.SetIsMonotonic(true)
	s.SetAggregationTemporality(pmetric.AggregationTemporalityDelta)
	dp := s.DataPoints().AppendEmpty()
	dp.SetStartTimestamp(ts(at - time.Second))
	dp.SetTimestamp(ts(at))
	dp.SetIntValue(v)
}

// A delta sum becomes cumulative. A batch encoded again without being
// settled (a retry) gives the same totals; a point repeated after its batch
// was settled is a duplicate, dropped as late.
func TestDeltaSumBecomesCumulativeAndRetryIsIdempotent(t *testing.T) {
	enc := NewEncoder(Options{}, NewDeltaState(10, time.Hour))
	key := "__name__=jobs_done,instance=i-1,job=shop/checkout"
	var totals []float64
	for i, step := range []struct {
		at     time.Duration
		v      int64
		settle bool
	}{{1 * time.Second, 5, true}, {2 * time.Second, 3, false}, {2 * time.Second, 3, true}, {2 * time.Second, 3, true}, {3 * time.Second, 10, true}} {
		md := pmetric.NewMetrics()
		deltaSum(md, step.at, step.v)
		var b Batch
		drops := enc.Encode(md, &b, t0)
		got := decode(t, &b)
		if step.settle {
			enc.Settle(nil)
		}
		if drops[DropDeltaLate] == 1 {
			totals = append(totals, -1)
			continue
		}
		require.Len(t, got[key], 1, "step %d", i)
		totals = append(totals, got[key][0].Value)
	}
	assert.Equal(t, []float64{5, 8, 8, -1, 18}, totals)
}

func TestDeltaStateIsBounded(t *testing.T) {
	enc := NewEncoder(Options{}, NewDeltaState(1, time.Hour))
	md := pmetric.NewMetrics()
	deltaSum(md, time.Second, 1)
	m := md.ResourceMetrics().At(0).ScopeMetrics().At(0).Metrics().At(0)
	m.Sum().DataPoints().At(0).CopyTo(m.Sum().DataPoints().AppendEmpty())
	m.Sum().DataPoints().At(1).Attributes().PutStr("other", "series")
	var b Batch
	drops := enc.Encode(md, &b, t0)
	assert.Equal(t, 1, drops[DropDeltaStateFull])
	assert.Len(t, b.Series, 1)
}

func TestSummaryAndStaleness(t *testing.T) {
	md := pmetric.NewMetrics()
	ms := newResource(md)
	m := ms.AppendEmpty()
	m.SetName("rpc.latency")
	dp := m.SetEmptySummary().DataPoints().AppendEmpty()
	dp.SetCount(4)
	dp.SetSum(2)
	q := dp.QuantileValues().AppendEmpty()
	q.SetQuantile(0.99)
	q.SetValue(0.9)
	g := ms.AppendEmpty()
	g.SetName("gone")
	gdp := g.SetEmptyGauge().DataPoints().AppendEmpty()
	gdp.SetFlags(pmetric.DefaultDataPointFlags.WithNoRecordedValue(true))

	got := encode(t, Options{}, md)
	assert.Equal(t, 0.9, got["__name__=rpc_latency,instance=i-1,job=shop/checkout,quantile=0.99"][0].Value)
	assert.Equal(t, 2.0, got["__name__=rpc_latency_sum,instance=i-1,job=shop/checkout"][0].Value)
	assert.Equal(t, 4.0, got["__name__=rpc_latency_count,instance=i-1,job=shop/checkout"][0].Value)
	assert.True(t, StaleNaN(got["__name__=gone,instance=i-1,job=shop/checkout"][0].Value))
}

func expHist(md pmetric.Metrics) {
	m := newResource(md).AppendEmpty()
	m.SetName("latency")
	dp := m.SetEmptyExponentialHistogram().DataPoints().AppendEmpty()
	dp.SetScale(0) // base 2
	dp.SetZeroCount(1)
	dp.Positive().SetOffset(0)
	dp.Positive().BucketCounts().FromRaw([]uint64{2, 0, 3}) // (1,2], (2,4], (4,8]
	dp.SetCount(6)
	dp.SetSum(20)
}

func TestExponentialHistogramModes(t *testing.T) {
	md := pmetric.NewMetrics()
	expHist(md)
	got := encode(t, Options{ExpHistogramMode: ExpHistogramBuckets}, md)
	b := "__name__=latency_bucket,instance=i-1,job=shop/checkout,le="
	assert.Equal(t, 1.0, got[b+"0"][0].Value)
	assert.Equal(t, 3.0, got[b+"2"][0].Value)
	assert.Equal(t, 3.0, got[b+"4"][0].Value)
	assert.Equal(t, 6.0, got[b+"8"][0].Value)
	assert.Equal(t, 6.0, got[b+"+Inf"][0].Value)

	got = encode(t, Options{ExpHistogramMode: ExpHistogramVMRange}, md)
	r := "__name__=latency_bucket,instance=i-1,job=shop/checkout,vmrange="
	assert.Equal(t, 1.0, got[r+"0...0"][0].Value)
	assert.Equal(t, 2.0, got[r+"1.000e+00...2.000e+00"][0].Value)
	assert.Equal(t, 3.0, got[r+"4.000e+00...8.000e+00"][0].Value)
	assert.NotContains(t, got, r+"2.000e+00...4.000e+00", "empty buckets are not sent")
	assert.Equal(t, 20.0, got["__name__=latency_sum,instance=i-1,job=shop/checkout"][0].Value)
}

func TestBadInputDoesNotPanic(t *testing.T) {
	md := pmetric.NewMetrics()
	ms := newResource(md)
	ms.AppendEmpty().SetName("") // no type
	g := ms.AppendEmpty()
	g.SetName("weird name\xff with ünïcode")
	dp := g.SetEmptyGauge().DataPoints().AppendEmpty()
	dp.SetDoubleValue(math.NaN())
	dp.Attributes().PutStr("", "empty key")
	dp.Attributes().PutStr("big", strings.Repeat("x", 1<<20))
	dp.Attributes().PutEmptyMap("nested").PutStr("a", "b")
	dp.Attributes().PutEmptySlice("list").AppendEmpty().SetInt(1)
	h := ms.AppendEmpty()
	h.SetName("broken.hist")
	hdp := h.SetEmptyHistogram().DataPoints().AppendEmpty()
	hdp.ExplicitBounds().FromRaw([]float64{1, 2, 3})
	hdp.BucketCounts().FromRaw([]uint64{1}) // fewer buckets than bounds
	md.ResourceMetrics().AppendEmpty()      // empty resource

	var b Batch
	drops := NewEncoder(defaultOptions(), NewDeltaState(10, time.Hour)).Encode(md, &b, t0)
	assert.Equal(t, 1, drops[DropEmptyType])
	got := decode(t, &b)
	found := false
	for k, v := range got {
		if strings.Contains(k, "__name__=weird_name_with_n_code,") {
			found = true
			assert.True(t, math.IsNaN(v[0].Value))
		}
	}
	assert.True(t, found, "no weird_name series among %d", len(got))
}

func TestNaming(t *testing.T) {
	for _, c := range []struct {
		name, unit     string
		counter, gauge bool
		want           string
	}{
		{"http.server.request.duration", "s", false, false, "http_server_request_duration_seconds"},
		{"system.network.io", "By", true, false, "system_network_io_bytes_total"},
		{"requests", "{request}", true, false, "requests_total"},
		{"speed", "m/s", false, true, "speed_meters_per_second"},
		{"cpu.utilization", "1", false, true, "cpu_utilization_ratio"},
		{"2xx.count", "", true, false, "_2xx_count_total"},
		{"already_total", "", true, false, "already_total"},
	} {
		assert.Equal(t, c.want, metricName("", c.name, c.unit, c.counter, c.gauge, true), c.name)
	}
	assert.Equal(t, "http_route", sanitizeName("http.route", false))
	assert.Equal(t, "a_b", sanitizeName("a..b", false))
}

func TestShardSubsetMarshal(t *testing.T) {
	md := pmetric.NewMetrics()
	ms := newResource(md)
	for i := range 10 {
		g := ms.AppendEmpty()
		g.SetName("m" + string(rune('a'+i)))
		g.SetEmptyGauge().DataPoints().AppendEmpty().SetIntValue(int64(i))
	}
	var b Batch
	NewEncoder(Options{}, nil).Encode(md, &b, t0)
	var wr prompb.WriteRequest
	require.NoError(t, wr.Unmarshal(b.Marshal(nil, []int32{1, 3})))
	require.Len(t, wr.Timeseries, 2)
	assert.Equal(t, 1.0, wr.Timeseries[0].Samples[0].Value)
	assert.Equal(t, 3.0, wr.Timeseries[1].Samples[0].Value)
}

// The points of one series in one batch share one TimeSeries, in order.
func TestPointsOfASeriesShareOneTimeSeries(t *testing.T) {
	md := pmetric.NewMetrics()
	g := newResource(md).AppendEmpty()
	g.SetName("temp")
	dps := g.SetEmptyGauge().DataPoints()
	for i := range 3 {
		dp := dps.AppendEmpty()
		dp.SetTimestamp(ts(time.Duration(i) * time.Second))
		dp.SetDoubleValue(float64(i))
	}
	other := dps.AppendEmpty()
	other.SetTimestamp(ts(0))
	other.Attributes().PutStr("room", "b")
	var b Batch
	NewEncoder(Options{}, nil).Encode(md, &b, t0)
	var wr prompb.WriteRequest
	require.NoError(t, wr.Unmarshal(b.Marshal(nil, nil)))
	require.Len(t, wr.Timeseries, 2)
	assert.Equal(t, []prompb.Sample{
		{Value: 0, Timestamp: t0.UnixMilli()}, {Value: 1, Timestamp: t0.UnixMilli() + 1000}, {Value: 2, Timestamp: t0.UnixMilli() + 2000},
	}, wr.Timeseries[0].Samples)
	assert.Len(t, wr.Timeseries[1].Samples, 1)
}

func TestDeltaHistogramAccumulates(t *testing.T) {
	enc := NewEncoder(Options{}, NewDeltaState(10, time.Hour))
	var counts, infs []float64
	for i, step := range [][]uint64{{1, 2, 3}, {0, 1, 0}, {0, 1, 0} /* a retry of the second */, {4, 0, 1}} {
		at := []time.Duration{0, time.Second, time.Second, 3 * time.Second}[i]
		md := pmetric.NewMetrics()
		m := newResource(md).AppendEmpty()
		m.SetName("lat")
		h := m.SetEmptyHistogram()
		h.SetAggregationTemporality(pmetric.AggregationTemporalityDelta)
		dp := h.DataPoints().AppendEmpty()
		dp.SetStartTimestamp(ts(at - time.Second))
		if i == 3 {
			dp.SetStartTimestamp(ts(time.Second)) // continues the second
		}
		dp.SetTimestamp(ts(at))
		dp.ExplicitBounds().FromRaw([]float64{1, 2})
		dp.BucketCounts().FromRaw(step)
		dp.SetCount(step[0] + step[1] + step[2])
		dp.SetSum(1)
		var b Batch
		enc.Encode(md, &b, t0)
		got := decode(t, &b)
		if i != 1 { // the second batch fails and is retried
			enc.Settle(nil)
		}
		counts = append(counts, got["__name__=lat_count,instance=i-1,job=shop/checkout"][0].Value)
		infs = append(infs, got["__name__=lat_bucket,instance=i-1,job=shop/checkout,le=2"][0].Value)
	}
	assert.Equal(t, []float64{6, 7, 7, 12}, counts)
	assert.Equal(t, []float64{3, 4, 4, 8}, infs)
}

func TestExemplarsFollowTheirBucket(t *testing.T) {
	md := pmetric.NewMetrics()
	m := newResource(md).AppendEmpty()
	m.SetName("lat")
	dp := m.SetEmptyHistogram().DataPoints().AppendEmpty()
	dp.ExplicitBounds().FromRaw([]float64{1, 2})
	dp.BucketCounts().FromRaw([]uint64{1, 1, 0})
	dp.SetCount(2)
	x := dp.Exemplars().AppendEmpty()
	x.SetDoubleValue(1.5)
	x.SetTraceID(pcommon.TraceID{0xab, 1})
	x.SetSpanID(pcommon.SpanID{0xcd, 2})
	var b Batch
	NewEncoder(Options{Exemplars: true}, nil).Encode(md, &b, t0)
	var wr prompb.WriteRequest
	require.NoError(t, wr.Unmarshal(b.Marshal(nil, nil)))
	found := 0
	for _, s := range wr.Timeseries {
		for _, e := range s.Exemplars {
			found++
			assert.Contains(t, s.Labels, prompb.Label{Name: "le", Value: "2"})
			assert.Equal(t, 1.5, e.Value)
			assert.Equal(t, []prompb.Label{{Name: "span_id", Value: "cd02000000000000"}, {Name: "trace_id", Value: "ab010000000000000000000000000000"}}, e.Labels)
		}
	}
	assert.Equal(t, 1, found)
}

func TestDeltaExponentialHistogramIsDroppedAndCounted(t *testing.T) {
	md := pmetric.NewMetrics()
	expHist(md)
	md.ResourceMetrics().At(0).ScopeMetrics().At(0).Metrics().At(0).ExponentialHistogram().
		SetAggregationTemporality(pmetric.AggregationTemporalityDelta)
	var b Batch
	drops := NewEncoder(Options{}, NewDeltaState(10, time.Hour)).Encode(md, &b, t0)
	assert.Equal(t, 1, drops[DropDeltaExpHistogram])
	assert.Empty(t, b.Series)
}
