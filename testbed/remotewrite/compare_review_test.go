package remotewrite

// Cases written by an independent review, on inputs the translation was
// not designed on. Each must match contrib, or differ only as the
// exporter README's "Differences from contrib" says.

import (
	"context"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/prometheus/prompb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

// sendLoose is send for inputs an exporter may partly refuse: the error
// is returned, not failed on.
func sendLoose(t testing.TB, newExporter func(testing.TB, string, options) exporter.Metrics, o options, md pmetric.Metrics) ([]prompb.TimeSeries, error) {
	var c capture
	e := newExporter(t, c.start(t), o)
	ctx := context.Background()
	require.NoError(t, e.Start(ctx, componenttest.NewNopHost()))
	err := e.ConsumeMetrics(ctx, md)
	require.NoError(t, e.Shutdown(ctx))
	return c.series, err
}

var reviewCases = []compareCase{
	{
		name: "odd units",
		ours: func(md pmetric.Metrics) {
			_, sm := newScope(md, "checkout")
			ms := sm.Metrics()
			for i, u := range []string{"{packets}/s", "ms", "Cel", "%", "By/s", "KiBy", "min", "us", "1/min", "{a}/{b}", "By/{req}", "/s", "1/", " s ", "{}", "foo", "°C", "µs", "m/s", "s/1", "1/1", "{packet}", "Hz", "bit/s", "1/h", "1/d", "1/w", "1/mo", "1/y", "kg.m/s2", "By/ms"} {
				point(gauge(ms, "g"+string(rune('a'+i)), u), 1, float64(i))
				point(sum(ms, "c"+string(rune('a'+i)), u, true, false), 1, float64(i))
				point(sum(ms, "u"+string(rune('a'+i)), u, false, false), 1, float64(i))
			}
		},
	},
	{
		name: "odd names",
		ours: func(md pmetric.Metrics) {
			_, sm := newScope(md, "checkout")
			ms := sm.Metrics()
			for i, n := range []string{"9lives", "a:b:c", ":leading", "_leading", "__double", "température", "метрика", "emoji🙂count", "...x", "total", "ratio", "foo_total", "foo.total.bar", "x__y", "A.B-C", "2xx", "foo_ratio", "duration_seconds", "latency.seconds", "seconds", "bytes.by", "ratio_total", "hello world", "a:::b", "trailing_", "x_per_second"} {
				u := []string{"", "s", "1", "By", "1/s"}[i%5]
				point(gauge(ms, n, u), 1, float64(i))
				point(sum(ms, n, u, true, false), 1, float64(i))
				point(sum(ms, n, u, false, false), 1, float64(i))
			}
		},
	},
	{
		name: "colliding and odd attribute keys",
		ours: func(md pmetric.Metrics) {
			_, sm := newScope(md, "checkout")
			dp := point(gauge(sm.Metrics(), "g", ""), 1, 1)
			a := dp.Attributes()
			for i, k := range []string{"a.b", "a-b", "a_b", "a/b", "a b", "aéb", "a🙂b", "1a", "_a", "A.B", "Key", "key", "z.", "z_"} {
				a.PutStr(k, "v"+string(rune('a'+i)))
			}
			a.PutStr("same1", "x")
			a.PutStr("same.1", "x")
			a.PutStr("e.1", "")
			a.PutStr("e_1", "v")
		},
	},
	{
		name: "attribute value types",
		ours: func(md pmetric.Metrics) {
			_, sm := newScope(md, "checkout")
			dp := point(gauge(sm.Metrics(), "g", ""), 1, 1)
			a := dp.Attributes()
			a.PutDouble("nan", math.NaN())
			a.PutDouble("inf", math.Inf(1))
			a.PutDouble("ninf", math.Inf(-1))
			a.PutDouble("negzero", math.Copysign(0, -1))
			a.PutDouble("big", 123456789012345678)
			a.PutDouble("small", 0.000012345)
			a.PutDouble("e20", 1e20)
			a.PutDouble("e21", 1e21)
			a.PutDouble("third", 1.0/3)
			a.PutInt("neg", -42)
			a.PutInt("max", math.MaxInt64)
			a.PutBool("no", false)
			a.PutEmptySlice("slice").AppendEmpty().SetStr("x")
			a.PutEmptySlice("slice").AppendEmpty().SetInt(2)
			a.PutEmptyMap("map").PutStr("k", "v")
			a.PutEmptyBytes("bytes").FromRaw([]byte{1, 2, 255})
			a.PutStr("utf8", "héllo 🙂 \"quoted\" \\ \n newline")
			a.PutStr("huge", strings.Repeat("x", 70000))
			a.PutEmpty("nil")
		},
	},
	{
		name: "special values",
		ours: func(md pmetric.Metrics) {
			_, sm := newScope(md, "checkout")
			ms := sm.Metrics()
			point(gauge(ms, "nan", ""), 1, math.NaN())
			point(gauge(ms, "inf", ""), 1, math.Inf(1))
			point(gauge(ms, "ninf", ""), 1, math.Inf(-1))
			point(sum(ms, "cnan", "", true, false), 1, math.NaN())
			point(sum(ms, "cinf", "", true, false), 1, math.Inf(1))
			dp := gauge(ms, "int", "").AppendEmpty()
			dp.SetTimestamp(at(1))
			dp.SetIntValue(math.MaxInt64)
			dp2 := gauge(ms, "nopoint", "").AppendEmpty()
			dp2.SetTimestamp(at(1)) // no value set: Empty
			dp3 := gauge(ms, "stalenan", "").AppendEmpty()
			dp3.SetTimestamp(at(1))
			dp3.SetDoubleValue(math.NaN())
			dp3.SetFlags(stale)
			hpoint(histogram(ms, "hinf", "", false), 1, []float64{1}, []uint64{1, 1}, math.Inf(1))
		},
	},
	{
		name: "summaries with quantiles 0 and 1, NaN",
		ours: func(md pmetric.Metrics) {
			_, sm := newScope(md, "checkout")
			m := sm.Metrics().AppendEmpty()
			m.SetName("rpc.latency")
			m.SetUnit("s")
			dps := m.SetEmptySummary().DataPoints()
			dp := dps.AppendEmpty()
			dp.SetTimestamp(at(1))
			dp.SetCount(0)
			dp.SetSum(math.NaN())
			for _, q := range []float64{0, 0.25, 1, 0.1, 0.99999, 1e-20} {
				qv := dp.QuantileValues().AppendEmpty()
				qv.SetQuantile(q)
				qv.SetValue(math.NaN())
			}
			dp2 := dps.AppendEmpty()
			dp2.SetTimestamp(at(2))
			dp2.SetCount(3)
			dp2.SetSum(math.Inf(1))
			dp2.Attributes().PutStr("quantile.x", "q")
			qv := dp2.QuantileValues().AppendEmpty()
			qv.SetQuantile(1)
			qv.SetValue(math.Inf(-1))
		},
	},
	{
		name: "histograms: zero buckets, no bounds, odd bounds",
		ours: func(md pmetric.Metrics) {
			_, sm := newScope(md, "checkout")
			ms := sm.Metrics()
			hpoint(histogram(ms, "zero", "ms", false), 1, []float64{0, 1, 2}, []uint64{0, 0, 0, 0}, 0)
			hpoint(histogram(ms, "nobounds", "", false), 1, nil, []uint64{5}, 3)
			hpoint(histogram(ms, "nothing", "", false), 1, nil, nil, math.NaN()).SetCount(4)
			hpoint(histogram(ms, "neg", "", false), 1, []float64{-5, -0.5, 0, 1e-300, 1e300}, []uint64{1, 2, 3, 4, 5, 6}, -3)
			hpoint(histogram(ms, "infbound", "", false), 1, []float64{1, math.Inf(1)}, []uint64{1, 2, 0}, 3)
			hpoint(histogram(ms, "lenmismatch", "", false), 1, []float64{1, 2, 3}, []uint64{1, 2}, 3)
		},
	},
	{
		name: "scope oddities",
		ours: func(md pmetric.Metrics) {
			rm := md.ResourceMetrics().AppendEmpty()
			rm.Resource().Attributes().PutStr("service.name", "svc")
			sm := rm.ScopeMetrics().AppendEmpty()
			sm.Scope().SetVersion("2.0")
			sm.Scope().Attributes().PutStr("name", "attr-name")
			sm.Scope().Attributes().PutStr("version", "attr-version")
			sm.Scope().Attributes().PutStr("a.b", "1")
			sm.Scope().Attributes().PutStr("a_b", "2")
			sm.Scope().Attributes().PutStr("schema_url", "x")
			dp := point(gauge(sm.Metrics(), "g", ""), 1, 1)
			dp.Attributes().PutStr("otel_scope_a_b", "point")
			dp.Attributes().PutStr("otel.scope.version", "point")
			sm2 := rm.ScopeMetrics().AppendEmpty()
			sm2.Scope().SetName("")
			point(gauge(sm2.Metrics(), "g", ""), 1, 2).Attributes().PutStr("k", "v")
		},
	},
	{
		name: "resource attributes promoted, target_info with many attributes",
		opts: options{resourceToLabels: []string{"k8s.pod.name", "k8s.pod-name", "service.name", "job", "missing", "region", "cloud.zone"}, extraLabels: map[string]string{"region": "cfg", "env": "prod"}},
		ours: func(md pmetric.Metrics) {
			res, sm := newScope(md, "checkout")
			res.PutStr("k8s.pod.name", "p1")
			res.PutStr("k8s.pod-name", "p2")
			res.PutStr("job", "res-job")
			res.PutStr("instance", "res-inst")
			res.PutStr("region", "res")
			res.PutStr("cloud.zone", "")
			for i := 0; i < 60; i++ {
				res.PutStr("attr."+string(rune('a'+i%26))+strings.Repeat("x", i/26), strings.Repeat("v", i))
			}
			res.PutDouble("d", 2.5e-9)
			res.PutEmptySlice("s").AppendEmpty().SetStr("x")
			dp := point(gauge(sm.Metrics(), "g", ""), 1, 1)
			dp.Attributes().PutStr("k8s_pod_name", "point")
			dp.Attributes().PutStr("env", "point")
		},
	},
	{
		name: "extra labels only, no service",
		opts: options{extraLabels: map[string]string{"env": "prod", "a.b": "x"}},
		ours: func(md pmetric.Metrics) {
			rm := md.ResourceMetrics().AppendEmpty()
			rm.Resource().Attributes().PutStr("service.instance.id", "i")
			point(gauge(rm.ScopeMetrics().AppendEmpty().Metrics(), "g", ""), 1, 1)
		},
	},
	{
		name: "service namespace without name, instance only",
		ours: func(md pmetric.Metrics) {
			rm := md.ResourceMetrics().AppendEmpty()
			rm.Resource().Attributes().PutStr("service.namespace", "ns")
			rm.Resource().Attributes().PutStr("service.instance.id", "i")
			rm.Resource().Attributes().PutStr("host.name", "h")
			point(gauge(rm.ScopeMetrics().AppendEmpty().Metrics(), "g", ""), 1, 1)
			rm2 := md.ResourceMetrics().AppendEmpty()
			rm2.Resource().Attributes().PutStr("service.name", "s")
			rm2.Resource().Attributes().PutStr("service.instance.id", "")
			rm2.Resource().Attributes().PutInt("service.version", 3)
			point(gauge(rm2.ScopeMetrics().AppendEmpty().Metrics(), "g", ""), 1, 1)
		},
	},
	{
		name: "delta sums from two scopes",
		ours: func(md pmetric.Metrics) {
			_, sm := newScope(md, "checkout")
			point(sum(sm.Metrics(), "d", "", true, true), 1, 5).SetStartTimestamp(at(0))
			sm2 := md.ResourceMetrics().At(0).ScopeMetrics().AppendEmpty()
			sm2.Scope().SetName("other")
			point(sum(sm2.Metrics(), "d", "", true, true), 1, 3).SetStartTimestamp(at(0))
			sm3 := md.ResourceMetrics().At(0).ScopeMetrics().AppendEmpty()
			sm3.Scope().SetName("other")
			sm3.Scope().SetVersion("2")
			point(sum(sm3.Metrics(), "d", "", true, true), 1, 2).SetStartTimestamp(at(0))
		},
		theirs: func(md pmetric.Metrics) {
			_, sm := newScope(md, "checkout")
			point(sum(sm.Metrics(), "d", "", true, false), 1, 5)
			sm2 := md.ResourceMetrics().At(0).ScopeMetrics().AppendEmpty()
			sm2.Scope().SetName("other")
			point(sum(sm2.Metrics(), "d", "", true, false), 1, 3)
			sm3 := md.ResourceMetrics().At(0).ScopeMetrics().AppendEmpty()
			sm3.Scope().SetName("other")
			sm3.Scope().SetVersion("2")
			point(sum(sm3.Metrics(), "d", "", true, false), 1, 2)
		},
	},
	{
		name: "namespace, suffixes",
		opts: options{namespace: "app"},
		ours: namesAndUnits,
	},
	{
		name: "namespace, no suffixes",
		opts: options{namespace: "app", noSuffixes: true},
		ours: namesAndUnits,
	},
	{
		name: "no suffixes",
		opts: options{noSuffixes: true},
		ours: namesAndUnits,
	},
	{
		name: "same series twice in one batch",
		ours: func(md pmetric.Metrics) {
			_, sm := newScope(md, "checkout")
			point(gauge(sm.Metrics(), "g", ""), 1, 1)
			point(gauge(sm.Metrics(), "g", ""), 2, 2)
			_, sm2 := newScope(md, "checkout")
			point(gauge(sm2.Metrics(), "g", ""), 3, 3)
		},
	},
}

func TestReviewTranslationMatchesContrib(t *testing.T) {
	for _, c := range reviewCases {
		t.Run(c.name, func(t *testing.T) {
			ours := pmetric.NewMetrics()
			c.ours(ours)
			theirs := pmetric.NewMetrics()
			if c.theirs != nil {
				c.theirs(theirs)
			} else {
				ours.CopyTo(theirs)
			}
			got, gerr := sendLoose(t, otelhubFor, c.opts, ours)
			want, werr := sendLoose(t, contribFor, c.opts, theirs)
			t.Logf("errors: ours %v, contrib %v", gerr, werr)
			if c.fixContrib != nil {
				want = c.fixContrib(want)
			}
			g, w := canonical(got), canonical(want)
			for k, v := range w {
				if gv, ok := g[k]; !ok {
					t.Errorf("only contrib: %s %v", trunc(k), v)
				} else if !assert.ObjectsAreEqual(v, gv) {
					t.Errorf("values differ %s: contrib %v ours %v", trunc(k), v, gv)
				}
			}
			for k, v := range g {
				if _, ok := w[k]; !ok {
					t.Errorf("only ours:    %s %v", trunc(k), v)
				}
			}
		})
	}
}

func trunc(s string) string {
	if len(s) > 6000 {
		return s[:600] + "…"
	}
	return s
}

// Exponential histograms with negative buckets, a zero bucket with a
// threshold, zero-count buckets and negative offsets: at each bound of
// contrib's native histogram, otelhub's le bucket holds every negative
// observation, the zero bucket and the positive buckets up to the bound.
func TestReviewExponentialNegativeAndZeroBuckets(t *testing.T) {
	md := pmetric.NewMetrics()
	_, sm := newScope(md, "checkout")
	n := 0
	for scale := int32(-4); scale <= 8; scale += 3 {
		for _, zt := range []float64{0, 1e-9} {
			m := sm.Metrics().AppendEmpty()
			m.SetName("h" + strings.Repeat("x", n))
			n++
			eh := m.SetEmptyExponentialHistogram()
			eh.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
			dp := eh.DataPoints().AppendEmpty()
			dp.SetTimestamp(at(1))
			dp.SetScale(scale)
			dp.SetZeroThreshold(zt)
			dp.SetZeroCount(7)
			dp.Negative().SetOffset(-3)
			dp.Negative().BucketCounts().FromRaw([]uint64{0, 4, 0, 2})
			dp.Positive().SetOffset(-9)
			dp.Positive().BucketCounts().FromRaw([]uint64{0, 0, 1, 0, 0, 3, 0, 5, 0, 0})
			dp.SetCount(7 + 6 + 9)
			dp.SetSum(-1.5)
		}
	}
	theirs := pmetric.NewMetrics()
	md.CopyTo(theirs)
	ours := map[string]map[float64]float64{}
	for _, s := range send(t, otelhubFor, options{}, md) {
		var name, le string
		for _, l := range s.Labels {
			switch l.Name {
			case "__name__":
				name = l.Value
			case "le":
				le = l.Value
			}
		}
		if le == "" {
			continue
		}
		f, err := strconv.ParseFloat(le, 64)
		require.NoError(t, err)
		if ours[name] == nil {
			ours[name] = map[float64]float64{}
		}
		ours[name][f] = s.Samples[0].Value
	}
	checked := 0
	for _, s := range send(t, contribFor, options{}, theirs) {
		if len(s.Histograms) == 0 {
			continue
		}
		var name string
		for _, l := range s.Labels {
			if l.Name == "__name__" {
				name = l.Value
			}
		}
		h := s.Histograms[0].ToIntHistogram()
		var below uint64
		for it := h.NegativeBucketIterator(); it.Next(); {
			below += it.At().Count
		}
		below += h.ZeroCount
		got := ours[name+"_bucket"]
		zt := h.ZeroThreshold
		if zt == 1e-128 {
			zt = 0 // Prometheus's stand-in for OTel's zero threshold 0
		}
		assert.Equal(t, float64(below), got[zt], "%s: le = zero threshold %g", name, zt)
		cum := below
		for it := h.PositiveBucketIterator(); it.Next(); {
			b := it.At()
			cum += b.Count
			var v float64
			ok := false
			for le, x := range got {
				if math.Abs(le-b.Upper) <= 4*(math.Nextafter(b.Upper, math.Inf(1))-b.Upper) {
					v, ok = x, true
				}
			}
			if b.Upper <= h.ZeroThreshold {
				continue // inside the zero bucket
			}
			if assert.True(t, ok, "%s: no le near %g", name, b.Upper) {
				assert.Equal(t, float64(cum), v, "%s le=%g", name, b.Upper)
				checked++
			}
		}
		assert.Equal(t, float64(h.Count), got[math.Inf(1)], "%s +Inf", name)
	}
	assert.Greater(t, checked, 10)
}

// The documented differences on odd input, each shown on both exporters:
// a key made only of characters invalid in a label name (contrib drops
// the point), a negative zero (contrib's protobuf code cannot send one),
// a point without a timestamp (contrib sends 1970), an empty scope
// attribute (contrib sends an empty label, which is no label).
func TestReviewDocumentedDifferences(t *testing.T) {
	md := pmetric.NewMetrics()
	_, sm := newScope(md, "checkout")
	sm.Scope().Attributes().PutStr("empty", "")
	ms := sm.Metrics()
	point(gauge(ms, "cyrillic", ""), 1, 1).Attributes().PutStr("ключ", "v")
	point(gauge(ms, "negzero", ""), 1, math.Copysign(0, -1))
	gauge(ms, "nots", "").AppendEmpty().SetDoubleValue(1)
	theirs := pmetric.NewMetrics()
	md.CopyTo(theirs)
	type got struct {
		labels string
		value  float64
		ts     int64
	}
	collect := func(ss []prompb.TimeSeries) map[string]got {
		out := map[string]got{}
		for _, s := range ss {
			for _, l := range s.Labels {
				if l.Name == "__name__" {
					out[l.Value] = got{labelString(s.Labels), s.Samples[0].Value, s.Samples[0].Timestamp}
				}
			}
		}
		return out
	}
	before := time.Now().UnixMilli()
	ours := collect(send(t, otelhubFor, options{}, md))
	after := time.Now().UnixMilli()
	contrib := collect(send(t, contribFor, options{}, theirs))

	assert.NotContains(t, contrib, "cyrillic", "contrib drops a point with a key made of invalid characters")
	assert.Contains(t, ours["cyrillic"].labels, `key____="v"`)
	assert.False(t, math.Signbit(contrib["negzero"].value), "contrib sends -0 as 0")
	assert.True(t, math.Signbit(ours["negzero"].value), "otelhub sends -0")
	assert.Zero(t, contrib["nots"].ts, "contrib sends a point without timestamp at 1970")
	assert.True(t, ours["nots"].ts >= before && ours["nots"].ts <= after, "otelhub stamps it with the batch's time")
	assert.Contains(t, contrib["negzero"].labels, `otel_scope_empty=""`)
	assert.NotContains(t, ours["negzero"].labels, `otel_scope_empty`)
}

// namesAndUnits has every kind of metric under odd names and units.
func namesAndUnits(md pmetric.Metrics) {
	_, sm := newScope(md, "checkout")
	ms := sm.Metrics()
	for i, n := range []string{"http.server.duration", "9lives", "a:b", "foo..bar", "x_total", "température", "_x", "hello world!", "rate_ratio"} {
		u := []string{"s", "1", "By/s", "{req}/s", "%", "", "ms", "1/s", "1"}[i]
		point(gauge(ms, n, u), 1, 1)
		point(sum(ms, n, u, true, false), 1, 1)
		point(sum(ms, n, u, false, false), 1, 1)
		hpoint(histogram(ms, n, u, false), 1, []float64{1}, []uint64{1, 1}, 2)
	}
}

// canonical sorts samples; this test keeps their order within a series:
// points that come out of time order are sent in time order, as contrib
// sends them (a Prometheus-compatible receiver refuses an older sample
// after a newer one).
func TestReviewSampleOrderMatchesContrib(t *testing.T) {
	md := pmetric.NewMetrics()
	_, sm := newScope(md, "checkout")
	dps := gauge(sm.Metrics(), "g", "")
	hs := histogram(sm.Metrics(), "h", "", false)
	for _, s := range []int{3, 1, 5, 2, 4} {
		point(dps, s, float64(s))
		hpoint(hs, s, []float64{1}, []uint64{uint64(s), 1}, float64(s))
	}
	theirs := pmetric.NewMetrics()
	md.CopyTo(theirs)
	ordered := func(ss []prompb.TimeSeries) map[string][]int64 {
		out := map[string][]int64{}
		for _, s := range ss {
			k := labelString(s.Labels)
			for _, x := range s.Samples {
				out[k] = append(out[k], x.Timestamp)
			}
		}
		return out
	}
	want := ordered(send(t, contribFor, options{}, theirs))
	require.Len(t, want, 6) // g, h_bucket x2, h_sum, h_count, target_info
	assert.Equal(t, want, ordered(send(t, otelhubFor, options{}, md)))
}
