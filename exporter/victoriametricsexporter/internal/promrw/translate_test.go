package promrw

import (
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/prometheus/prometheus/prompb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

// The expected values in this file are written by hand from the OTel
// specification's Prometheus compatibility rules ("Prometheus and
// OpenMetrics Compatibility", metrics data model) and from contrib's
// prometheusremotewrite translator, which testbed/remotewrite checks
// side by side on the same inputs.

// series decodes a batch into a list of label sets with their samples.
func series(t *testing.T, b *Batch) []prompb.TimeSeries {
	t.Helper()
	var wr prompb.WriteRequest
	require.NoError(t, wr.Unmarshal(b.Marshal(nil, nil)))
	return wr.Timeseries
}

func labelMap(t *testing.T, ls []prompb.Label) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, l := range ls {
		_, dup := m[l.Name]
		require.False(t, dup, "label %q twice in %v", l.Name, ls)
		m[l.Name] = l.Value
	}
	return m
}

func encodeSeries(t *testing.T, o Options, md pmetric.Metrics) []prompb.TimeSeries {
	t.Helper()
	var b Batch
	NewEncoder(o, NewDeltaState(100, time.Hour)).Encode(md, &b, t0)
	return series(t, &b)
}

// byName returns the label maps and first values of the series named n.
func byName(t *testing.T, ss []prompb.TimeSeries, n string) ([]map[string]string, []float64) {
	t.Helper()
	var ls []map[string]string
	var vs []float64
	for _, s := range ss {
		m := labelMap(t, s.Labels)
		if m["__name__"] == n {
			ls = append(ls, m)
			vs = append(vs, s.Samples[0].Value)
		}
	}
	return ls, vs
}

func names(ss []prompb.TimeSeries) []string {
	var out []string
	for _, s := range ss {
		for _, l := range s.Labels {
			if l.Name == "__name__" {
				out = append(out, l.Value)
			}
		}
	}
	sort.Strings(out)
	return out
}

// Item 7: the scope becomes otel_scope_name / otel_scope_version labels
// and is part of the series' identity, also for delta sums.
func TestScopeLabelsAndIdentity(t *testing.T) {
	md := pmetric.NewMetrics()
	rm := md.ResourceMetrics().AppendEmpty()
	rm.Resource().Attributes().PutStr("service.name", "checkout")
	for i, sc := range []struct{ name, version string }{{"lib.a", "1.2.0"}, {"lib.b", ""}} {
		sm := rm.ScopeMetrics().AppendEmpty()
		sm.Scope().SetName(sc.name)
		sm.Scope().SetVersion(sc.version)
		sm.Scope().Attributes().PutStr("tier", "x")
		m := sm.Metrics().AppendEmpty()
		m.SetName("jobs.done")
		s := m.SetEmptySum()
		s.SetIsMonotonic(true)
		s.SetAggregationTemporality(pmetric.AggregationTemporalityDelta)
		dp := s.DataPoints().AppendEmpty()
		dp.SetStartTimestamp(ts(0))
		dp.SetTimestamp(ts(time.Second))
		dp.SetIntValue(int64(5 - 2*i))
	}
	var b Batch
	drops := NewEncoder(Options{AddMetricSuffixes: true}, NewDeltaState(100, time.Hour)).Encode(md, &b, t0)
	assert.Equal(t, Drops{}, drops)
	ls, vs := byName(t, series(t, &b), "jobs_done_total")
	require.Len(t, ls, 2, "one series per scope")
	got := map[string]float64{}
	for i, l := range ls {
		got[l["otel_scope_name"]+"@"+l["otel_scope_version"]] = vs[i]
		assert.Equal(t, "x", l["otel_scope_tier"], "scope attributes become otel_scope_ labels")
	}
	assert.Equal(t, map[string]float64{"lib.a@1.2.0": 5, "lib.b@": 3}, got)
}

// Scope attributes whose keys sanitize to one label name (a.b, a_b) give
// one otel_scope_ label, not two (a series with a label twice is refused
// by Prometheus-compatible receivers). As contrib, the last attribute in
// the scope's order wins; testbed/remotewrite compares the two.
func TestScopeAttributesCollidingAfterSanitizing(t *testing.T) {
	for _, keys := range [][]string{{"a.b", "a_b", "a-b"}, {"a-b", "a_b", "a.b"}} {
		md := pmetric.NewMetrics()
		rm := md.ResourceMetrics().AppendEmpty()
		rm.Resource().Attributes().PutStr("service.name", "checkout")
		sm := rm.ScopeMetrics().AppendEmpty()
		for _, k := range keys {
			sm.Scope().Attributes().PutStr(k, k)
		}
		dp := sm.Metrics().AppendEmpty().SetEmptyGauge().DataPoints().AppendEmpty()
		sm.Metrics().At(0).SetName("g")
		dp.SetTimestamp(ts(time.Second))
		dp.SetIntValue(1)
		ls, _ := byName(t, encodeSeries(t, Options{}, md), "g")
		require.Len(t, ls, 1)
		assert.Equal(t, keys[2], ls[0]["otel_scope_a_b"], "the last of %v wins", keys)
	}
}

// Item 8: an attribute named le, quantile or vmrange never gives a series
// two such labels; the bucket's own label wins.
func TestSpecialLabelWinsOverAttribute(t *testing.T) {
	md := pmetric.NewMetrics()
	ms := newResource(md)
	h := ms.AppendEmpty()
	h.SetName("lat")
	hdp := h.SetEmptyHistogram().DataPoints().AppendEmpty()
	hdp.Attributes().PutStr("le", "attr")
	hdp.ExplicitBounds().FromRaw([]float64{1})
	hdp.BucketCounts().FromRaw([]uint64{1, 1})
	hdp.SetCount(2)
	hdp.SetSum(3)
	s := ms.AppendEmpty()
	s.SetName("rpc")
	sdp := s.SetEmptySummary().DataPoints().AppendEmpty()
	sdp.Attributes().PutStr("quantile", "attr")
	q := sdp.QuantileValues().AppendEmpty()
	q.SetQuantile(0.5)
	q.SetValue(7)
	e := ms.AppendEmpty()
	e.SetName("sizes")
	edp := e.SetEmptyExponentialHistogram().DataPoints().AppendEmpty()
	edp.Attributes().PutStr("vmrange", "attr")
	edp.Positive().BucketCounts().FromRaw([]uint64{4})
	edp.SetCount(4)

	for _, mode := range []string{ExpHistogramBuckets, ExpHistogramVMRange} {
		ss := encodeSeries(t, Options{ExpHistogramMode: mode}, md) // labelMap fails on duplicates
		les := map[string]bool{}
		for _, s := range ss {
			m := labelMap(t, s.Labels)
			switch m["__name__"] {
			case "lat_bucket":
				les[m["le"]] = true
			case "rpc":
				assert.Equal(t, "0.5", m["quantile"])
			case "lat_sum", "lat_count", "rpc_sum", "rpc_count", "sizes_sum", "sizes_count":
				// The attribute stays where no special label is set.
				for _, k := range []string{"le", "quantile", "vmrange"} {
					if v, ok := m[k]; ok {
						assert.Equal(t, "attr", v)
					}
				}
			case "sizes_bucket":
				if mode == ExpHistogramVMRange {
					assert.Equal(t, "1.000e+00...2.000e+00", m["vmrange"])
				} else {
					assert.NotEqual(t, "attr", m["le"])
				}
			}
		}
		assert.Equal(t, map[string]bool{"1": true, "+Inf": true}, les)
	}
}

// Item 9: unit suffixes per the specification: "1" adds nothing (and
// _ratio only on gauges), "1/s" is per_second, and a suffix already among
// the name's words is not added again.
func TestUnitSuffixesPerSpec(t *testing.T) {
	for _, c := range []struct {
		name, unit string
		kind       string // gauge, counter, updown, histogram
		want       string
	}{
		{"rate", "1/s", "gauge", "rate_per_second"},
		{"foo_bytes_total", "By", "counter", "foo_bytes_total"},
		{"foo.bytes", "By", "counter", "foo_bytes_total"},
		{"queue.depth", "1", "updown", "queue_depth"},
		{"cpu.utilization", "1", "gauge", "cpu_utilization_ratio"},
		{"packets", "{packet}/s", "counter", "packets_per_second_total"},
		{"io", "By/s", "gauge", "io_bytes_per_second"},
		{"requests_total_count", "", "counter", "requests_count_total"},
		{"bytesize", "By", "gauge", "bytesize_bytes"},
		{"http.server.request.duration", "s", "histogram", "http_server_request_duration_seconds_count"},
		{"disk..io__time", "ms", "gauge", "disk_io_time_milliseconds"},
	} {
		md := pmetric.NewMetrics()
		m := newResource(md).AppendEmpty()
		m.SetName(c.name)
		m.SetUnit(c.unit)
		switch c.kind {
		case "gauge":
			m.SetEmptyGauge().DataPoints().AppendEmpty().SetIntValue(1)
		case "counter", "updown":
			s := m.SetEmptySum()
			s.SetIsMonotonic(c.kind == "counter")
			s.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
			s.DataPoints().AppendEmpty().SetIntValue(1)
		case "histogram":
			m.SetEmptyHistogram().DataPoints().AppendEmpty().SetCount(1)
		}
		ss := encodeSeries(t, Options{AddMetricSuffixes: true}, md)
		assert.Contains(t, names(ss), c.want, "%s [%s] %s", c.name, c.unit, c.kind)
	}
}

// Item 10: exponential histogram bounds are exact where the true bound is
// a power of two, and correctly rounded elsewhere.
func TestExponentialBoundsAreExact(t *testing.T) {
	for _, c := range []struct {
		scale  int32
		offset int32
		want   []string
	}{
		// 2^((i+1)/2): sqrt2, 2, 2*sqrt2, 4
		{1, 0, []string{"1.4142135623730951", "2", "2.8284271247461903", "4"}},
		// 2^((i+1)/4) from i = -1: 1, 2^0.25, sqrt2, 2^0.75, 2
		{2, -1, []string{"1", "1.189207115002721", "1.4142135623730951", "1.681792830507429", "2"}},
		// base 4 and base 16
		{-1, 0, []string{"4", "16", "64"}},
		{-2, -1, []string{"1", "16", "256"}},
		// small bounds: 2^-3, 2^-2
		{0, -4, []string{"0.125", "0.25"}},
		// a high scale: 2^(2^20/2^20) = 2 at index 2^20-1
		{20, 1<<20 - 2, []string{"1.9999986779271097", "2"}},
	} {
		md := pmetric.NewMetrics()
		m := newResource(md).AppendEmpty()
		m.SetName("x")
		dp := m.SetEmptyExponentialHistogram().DataPoints().AppendEmpty()
		dp.SetScale(c.scale)
		dp.Positive().SetOffset(c.offset)
		counts := make([]uint64, len(c.want))
		for i := range counts {
			counts[i] = 1
		}
		dp.Positive().BucketCounts().FromRaw(counts)
		dp.SetCount(uint64(len(counts)))
		ls, _ := byName(t, encodeSeries(t, Options{ExpHistogramMode: ExpHistogramBuckets}, md), "x_bucket")
		var got []string
		for _, l := range ls {
			if l["le"] != "0" && l["le"] != "+Inf" {
				got = append(got, l["le"])
			}
		}
		assert.Equal(t, c.want, got, "scale %d offset %d", c.scale, c.offset)
	}
}

// Bounds that overflow float64 fold into +Inf instead of giving a second
// le="+Inf" series.
func TestExponentialBoundsOverflow(t *testing.T) {
	md := pmetric.NewMetrics()
	m := newResource(md).AppendEmpty()
	m.SetName("x")
	dp := m.SetEmptyExponentialHistogram().DataPoints().AppendEmpty()
	dp.SetScale(-4) // base 2^16: index 63's upper bound is 2^1024
	dp.Positive().SetOffset(62)
	dp.Positive().BucketCounts().FromRaw([]uint64{1, 2})
	dp.SetCount(3)
	seen := map[string]float64{}
	for _, s := range encodeSeries(t, Options{ExpHistogramMode: ExpHistogramBuckets}, md) {
		m := labelMap(t, s.Labels)
		if m["__name__"] != "x_bucket" {
			continue
		}
		_, dup := seen[m["le"]]
		assert.False(t, dup, "le=%s twice", m["le"])
		assert.Len(t, s.Samples, 1, "le=%s", m["le"])
		seen[m["le"]] = s.Samples[0].Value
	}
	assert.Equal(t, 3.0, seen["+Inf"])
	assert.Equal(t, 1.0, seen[formatF(math.Ldexp(1, 1008))])
}

// Item 11: job and instance win over attributes, attributes over
// extra_labels, a resource attribute copied to labels over the point's
// attribute of the same key; keys that collide once sanitized join their
// values in the lexicographic order of the original keys.
func TestLabelPrecedenceAndCollisions(t *testing.T) {
	md := pmetric.NewMetrics()
	g := newResource(md).AppendEmpty()
	g.SetName("g")
	dp := g.SetEmptyGauge().DataPoints().AppendEmpty()
	a := dp.Attributes()
	a.PutStr("job", "fake")
	a.PutStr("instance", "fake")
	a.PutStr("cluster", "from-attribute")
	a.PutStr("a_b", "2")
	a.PutStr("a.b", "1")
	a.PutStr("a-b", "3")
	a.PutStr("host.name", "from-point")
	a.PutStr("empty", "")
	ss := encodeSeries(t, Options{
		ExtraLabels:      map[string]string{"cluster": "from-config", "region": "eu"},
		ResourceToLabels: []string{"host.name"},
	}, md)
	ls, _ := byName(t, ss, "g")
	require.Len(t, ls, 1)
	assert.Equal(t, map[string]string{
		"__name__": "g", "job": "shop/checkout", "instance": "i-1",
		"cluster": "from-attribute", "region": "eu",
		"a_b": "3;1;2", "host_name": "node-1",
	}, ls[0])
}

// Item 12: no-recorded-value points become staleness markers for every
// type, and a delta histogram without a sum has no _sum series.
func TestStalenessForEveryType(t *testing.T) {
	md := pmetric.NewMetrics()
	ms := newResource(md)
	stale := pmetric.DefaultDataPointFlags.WithNoRecordedValue(true)
	s := ms.AppendEmpty()
	s.SetName("rpc")
	sdp := s.SetEmptySummary().DataPoints().AppendEmpty()
	sdp.SetFlags(stale)
	sdp.SetCount(4)
	sdp.SetSum(2)
	q := sdp.QuantileValues().AppendEmpty()
	q.SetQuantile(0.99)
	q.SetValue(0.9)
	e := ms.AppendEmpty()
	e.SetName("sizes")
	edp := e.SetEmptyExponentialHistogram().DataPoints().AppendEmpty()
	edp.SetFlags(stale)
	edp.Positive().BucketCounts().FromRaw([]uint64{4})
	edp.SetCount(4)
	edp.SetSum(5)
	h := ms.AppendEmpty()
	h.SetName("lat")
	hdp := h.SetEmptyHistogram().DataPoints().AppendEmpty()
	hdp.SetFlags(stale)
	hdp.ExplicitBounds().FromRaw([]float64{1})
	hdp.BucketCounts().FromRaw([]uint64{1, 1})
	hdp.SetCount(2)
	for _, mode := range []string{ExpHistogramBuckets, ExpHistogramVMRange} {
		ss := encodeSeries(t, Options{ExpHistogramMode: mode}, md)
		require.NotEmpty(t, ss)
		for _, s := range ss {
			m := labelMap(t, s.Labels)
			if m["__name__"] == "target_info" {
				continue
			}
			assert.True(t, StaleNaN(s.Samples[0].Value), "%s %v: %v", mode, m, s.Samples[0].Value)
		}
	}
}

func TestDeltaHistogramWithoutSumHasNoSum(t *testing.T) {
	md := pmetric.NewMetrics()
	m := newResource(md).AppendEmpty()
	m.SetName("lat")
	h := m.SetEmptyHistogram()
	h.SetAggregationTemporality(pmetric.AggregationTemporalityDelta)
	dp := h.DataPoints().AppendEmpty()
	dp.SetTimestamp(ts(time.Second))
	dp.ExplicitBounds().FromRaw([]float64{1})
	dp.BucketCounts().FromRaw([]uint64{1, 1})
	dp.SetCount(2)
	ss := encodeSeries(t, Options{}, md)
	assert.Equal(t, []string{"lat_bucket", "lat_bucket", "lat_count"}, names(ss))
}

// Item 12: le, quantile and double attributes are formatted as contrib
// formats them (strconv 'f' for bounds, pcommon's AsString for values),
// and a resource attribute reads the same on series and on target_info.
func TestValueFormatting(t *testing.T) {
	md := pmetric.NewMetrics()
	ms := newResource(md)
	res := md.ResourceMetrics().At(0).Resource().Attributes()
	res.PutDouble("mem.limit", 1e6)
	res.PutDouble("tiny", 1e-7)
	res.PutDouble("huge", 1e21)
	res.PutInt("cores", 4)
	res.PutBool("spot", true)
	h := ms.AppendEmpty()
	h.SetName("size")
	hdp := h.SetEmptyHistogram().DataPoints().AppendEmpty()
	hdp.ExplicitBounds().FromRaw([]float64{0.000001, 1e6, 2.5e21})
	hdp.BucketCounts().FromRaw([]uint64{1, 1, 1, 1})
	hdp.SetCount(4)
	hdp.Attributes().PutDouble("ratio", 1e6)
	hdp.Attributes().PutDouble("half", 0.5)
	s := ms.AppendEmpty()
	s.SetName("rpc")
	sdp := s.SetEmptySummary().DataPoints().AppendEmpty()
	for _, qv := range []float64{1e-7, 0.999} {
		q := sdp.QuantileValues().AppendEmpty()
		q.SetQuantile(qv)
	}
	ss := encodeSeries(t, Options{TargetInfo: true, ResourceToLabels: []string{"mem.limit", "tiny", "huge", "cores", "spot"}}, md)
	want := map[string]string{"mem_limit": "1000000", "tiny": "1e-7", "huge": "1e+21", "cores": "4", "spot": "true"}
	var les, qs []string
	for _, s := range ss {
		m := labelMap(t, s.Labels)
		for k, v := range want {
			assert.Equal(t, v, m[k], "%s on %s", k, m["__name__"])
		}
		switch m["__name__"] {
		case "size_bucket":
			les = append(les, m["le"])
			assert.Equal(t, "1000000", m["ratio"])
			assert.Equal(t, "0.5", m["half"])
		case "rpc":
			qs = append(qs, m["quantile"])
		}
	}
	assert.ElementsMatch(t, []string{"0.000001", "1000000", "2500000000000000000000", "+Inf"}, les)
	assert.ElementsMatch(t, []string{"0.0000001", "0.999"}, qs)
}

// The label value of a double attribute matches pcommon's AsString for
// awkward values too.
func TestDoubleAttributeMatchesAsString(t *testing.T) {
	vals := []float64{0, math.Copysign(0, -1), 1, -1.5, 1e20, 1e21, 123456789.125, 1e-6, 1e-7, 5e-324, math.MaxFloat64, math.Inf(1), math.Inf(-1), math.NaN()}
	md := pmetric.NewMetrics()
	g := newResource(md).AppendEmpty()
	g.SetName("g")
	dps := g.SetEmptyGauge().DataPoints()
	want := map[string]bool{}
	for _, v := range vals {
		dp := dps.AppendEmpty()
		dp.Attributes().PutDouble("v", v)
		want[pcommon.NewValueDouble(v).AsString()] = true
	}
	ls, _ := byName(t, encodeSeries(t, Options{}, md), "g")
	got := map[string]bool{}
	for _, l := range ls {
		got[l["v"]] = true
	}
	assert.Equal(t, want, got)
	assert.False(t, strings.Contains(strings.Join(func() []string {
		var s []string
		for k := range got {
			s = append(s, k)
		}
		return s
	}(), ","), "e+0"), "no padded exponents")
}

func formatF(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// With exemplars on, the points of a series still share one TimeSeries,
// each exemplar with its own bucket; a bucket whose exemplars cannot grow
// in place (another series' came after them) starts a second TimeSeries.
func TestExemplarsKeepSeriesGrouped(t *testing.T) {
	md := pmetric.NewMetrics()
	ms := newResource(md)
	c := ms.AppendEmpty()
	c.SetName("jobs")
	sum := c.SetEmptySum()
	sum.SetIsMonotonic(true)
	sum.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
	for i := range 3 {
		dp := sum.DataPoints().AppendEmpty()
		dp.SetTimestamp(ts(time.Duration(i) * time.Second))
		dp.SetIntValue(int64(i))
		x := dp.Exemplars().AppendEmpty()
		x.SetIntValue(int64(10 + i))
	}
	h := ms.AppendEmpty()
	h.SetName("lat")
	hdps := h.SetEmptyHistogram().DataPoints()
	for i := range 2 {
		dp := hdps.AppendEmpty()
		dp.SetTimestamp(ts(time.Duration(i) * time.Second))
		dp.ExplicitBounds().FromRaw([]float64{1})
		dp.BucketCounts().FromRaw([]uint64{1, 1})
		dp.SetCount(2)
		dp.Exemplars().AppendEmpty().SetDoubleValue(0.5)
		dp.Exemplars().AppendEmpty().SetDoubleValue(5)
	}
	ss := encodeSeries(t, Options{Exemplars: true, AddMetricSuffixes: true, TargetInfo: true}, md)
	perSeries := map[string][2]int{}
	for _, s := range ss {
		m := labelMap(t, s.Labels)
		k := m["__name__"] + m["le"]
		n := perSeries[k]
		perSeries[k] = [2]int{n[0] + len(s.Samples), n[1] + len(s.Exemplars)}
		for _, x := range s.Exemplars {
			switch k {
			case "lat_bucket1":
				assert.Equal(t, 0.5, x.Value)
			case "lat_bucket+Inf":
				assert.Equal(t, 5.0, x.Value)
			}
		}
	}
	assert.Equal(t, map[string][2]int{"jobs_total": {3, 3}, "lat_bucket1": {2, 2}, "lat_bucket+Inf": {2, 2}, "lat_count": {2, 0}, "target_info": {1, 0}}, perSeries)
	jobs := 0
	for _, s := range ss {
		if labelMap(t, s.Labels)["__name__"] == "jobs_total" {
			jobs++
		}
	}
	assert.Equal(t, 1, jobs, "one TimeSeries for the counter")
}

// Input contrib drops (an exponential histogram without a sum, an empty
// attribute key, a name with nothing valid in it) keeps its point here.
func TestOddInputKeepsItsPoint(t *testing.T) {
	md := pmetric.NewMetrics()
	ms := newResource(md)
	e := ms.AppendEmpty()
	e.SetName("sizes")
	eh := e.SetEmptyExponentialHistogram()
	eh.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
	edp := eh.DataPoints().AppendEmpty()
	edp.Positive().BucketCounts().FromRaw([]uint64{2})
	edp.SetCount(2)
	g := ms.AppendEmpty()
	g.SetName("...")
	dp := g.SetEmptyGauge().DataPoints().AppendEmpty()
	dp.SetIntValue(1)
	dp.Attributes().PutStr("", "empty key")
	ss := encodeSeries(t, Options{AddMetricSuffixes: true}, md)
	assert.Equal(t, []string{"_", "sizes_bucket", "sizes_bucket", "sizes_bucket", "sizes_count"}, names(ss))
	ls, _ := byName(t, ss, "_")
	require.Len(t, ls, 1)
	assert.Equal(t, "empty key", ls[0]["_"])
}

// extra_labels whose keys sanitize to one name (a.b, a_b) give one label,
// its values joined in key order as for attributes (contrib keeps one of
// them, picked by Go's map order); an empty value gives no label. Found
// by FuzzLabels.
func TestExtraLabelsCollidingAfterSanitizing(t *testing.T) {
	md := pmetricWithGauge()
	md.ResourceMetrics().At(0).ScopeMetrics().At(0).Metrics().At(0).Gauge().DataPoints().At(0).Attributes().PutStr("a-b", "attr")
	for range 5 { // map order varies from run to run
		o := Options{ExtraLabels: map[string]string{"a_b": "2", "a.b": "1", "x.y": "3", "x_y": "", "e": ""}}
		ss := encodeSeries(t, o, md)
		for _, s := range ss {
			checkSeriesLabels(t, s.Labels)
		}
		ls, _ := byName(t, ss, "g")
		require.Len(t, ls, 1)
		assert.Equal(t, "attr", ls[0]["a_b"], "the attribute wins over extra_labels")
		assert.Equal(t, "3", ls[0]["x_y"])
		_, ok := ls[0]["e"]
		assert.False(t, ok, "an empty extra label is no label")
		o.ExtraLabels = map[string]string{"a_b": "2", "a.b": "1"}
		ls, _ = byName(t, encodeSeries(t, o, pmetricWithGauge()), "g")
		assert.Equal(t, "1;2", ls[0]["a_b"])
	}
}

func pmetricWithGauge() pmetric.Metrics {
	md := pmetric.NewMetrics()
	m := newResource(md).AppendEmpty()
	m.SetName("g")
	dp := m.SetEmptyGauge().DataPoints().AppendEmpty()
	dp.SetTimestamp(ts(time.Second))
	dp.SetIntValue(1)
	return md
}

// An exemplar's labels follow the rules of a series' labels: sanitized
// keys that collide (a.b, a_b), or a filtered attribute named trace_id,
// do not give a label twice (the trace and span ids win); an empty value
// is no label; the 128-rune budget counts the names as sent (key_9, not 9).
func TestExemplarLabelsAreASet(t *testing.T) {
	md := pmetricWithGauge()
	m := md.ResourceMetrics().At(0).ScopeMetrics().At(0).Metrics().AppendEmpty()
	m.SetName("jobs")
	s := m.SetEmptySum()
	s.SetIsMonotonic(true)
	s.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
	dp := s.DataPoints().AppendEmpty()
	dp.SetTimestamp(ts(time.Second))
	dp.SetIntValue(3)
	for _, long := range []bool{false, true} {
		x := dp.Exemplars().AppendEmpty()
		x.SetIntValue(1)
		x.SetTraceID(pcommon.TraceID{0xab, 1})
		fa := x.FilteredAttributes()
		fa.PutStr("trace_id", "mine")
		fa.PutStr("a.b", "1")
		fa.PutStr("a_b", "2")
		fa.PutStr("e", "")
		if long { // 40 + 3 + ... runes as keys, 128+ once sanitized
			for i := range 11 {
				fa.PutStr(strconv.Itoa(i), "xxxx")
			}
		}
	}
	var b Batch
	NewEncoder(Options{Exemplars: true, AddMetricSuffixes: true}, NewDeltaState(10, time.Hour)).Encode(md, &b, t0)
	var n int
	for _, s := range series(t, &b) {
		for _, x := range s.Exemplars {
			n++
			checkSeriesLabels(t, x.Labels)
			runes := 0
			for _, l := range x.Labels {
				runes += utf8.RuneCountInString(l.Name) + utf8.RuneCountInString(l.Value)
			}
			assert.LessOrEqual(t, runes, 128)
			assert.Contains(t, x.Labels, prompb.Label{Name: "trace_id", Value: "ab010000000000000000000000000000"})
		}
	}
	assert.Equal(t, 2, n)
}

// Points of one series that come out of time order are sent in time order
// within their TimeSeries, as contrib does: a Prometheus-compatible
// receiver refuses a sample older than the one before it in its series.
func TestSamplesOfASeriesInTimeOrder(t *testing.T) {
	md := pmetricWithGauge()
	dps := md.ResourceMetrics().At(0).ScopeMetrics().At(0).Metrics().At(0).Gauge().DataPoints()
	dps.At(0).SetTimestamp(ts(3 * time.Second))
	for _, s := range []int{1, 5, 2, 3, 4} {
		dp := dps.AppendEmpty()
		dp.SetTimestamp(ts(time.Duration(s) * time.Second))
		dp.SetIntValue(int64(10 * s))
	}
	ls := encodeSeries(t, Options{}, md)
	var got []prompb.Sample
	for _, s := range ls {
		if labelMap(t, s.Labels)["__name__"] == "g" {
			got = append(got, s.Samples...)
		}
	}
	ms := func(s int) int64 { return ts(time.Duration(s) * time.Second).AsTime().UnixMilli() }
	assert.Equal(t, []prompb.Sample{
		{Value: 10, Timestamp: ms(1)}, {Value: 20, Timestamp: ms(2)},
		{Value: 1, Timestamp: ms(3)}, {Value: 30, Timestamp: ms(3)},
		{Value: 40, Timestamp: ms(4)}, {Value: 50, Timestamp: ms(5)},
	}, got)
}

// The same for many shuffled points of interleaved series: each series'
// samples are its points sorted stably by time (sort.SliceStable is the
// second implementation).
func TestSamplesInTimeOrderShuffled(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	md := pmetricWithGauge()
	dps := md.ResourceMetrics().At(0).ScopeMetrics().At(0).Metrics().At(0).Gauge().DataPoints()
	dps.RemoveIf(func(pmetric.NumberDataPoint) bool { return true })
	want := map[string][]prompb.Sample{}
	for i := range 300 {
		dp := dps.AppendEmpty()
		series := strconv.Itoa(rng.IntN(3))
		dp.Attributes().PutStr("s", series)
		dp.SetTimestamp(ts(time.Duration(rng.IntN(40)) * time.Second))
		dp.SetIntValue(int64(i))
		want[series] = append(want[series], prompb.Sample{Value: float64(i), Timestamp: dp.Timestamp().AsTime().UnixMilli()})
	}
	got := map[string][]prompb.Sample{}
	for _, s := range encodeSeries(t, Options{}, md) {
		if l := labelMap(t, s.Labels); l["__name__"] == "g" {
			got[l["s"]] = append(got[l["s"]], s.Samples...)
		}
	}
	for _, w := range want {
		sort.SliceStable(w, func(i, j int) bool { return w[i].Timestamp < w[j].Timestamp })
	}
	assert.Equal(t, want, got)
}
