package remotewrite

// The translation is checked against a second implementation: for each
// input, otelhub's victoriametrics exporter and contrib's
// prometheusremotewrite exporter send to a capturing server, both bodies
// are decoded with Prometheus's own prompb, and the series (names,
// labels, samples, exemplars) must be equal. Where otelhub differs on
// purpose (the exporter README's "Differences from contrib"), the case
// says so and adjusts contrib's input or output in one named place.

import (
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang/snappy"
	prw "github.com/open-telemetry/opentelemetry-collector-contrib/exporter/prometheusremotewriteexporter"
	"github.com/prometheus/prometheus/model/value"
	"github.com/prometheus/prometheus/prompb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"

	vm "github.com/otelhub/otelhub/exporter/victoriametricsexporter"
)

// capture is a remote write server that keeps every decoded series.
type capture struct {
	mu     sync.Mutex
	series []prompb.TimeSeries
}

func (c *capture) start(t testing.TB) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err == nil {
			body, err = snappy.Decode(nil, body)
		}
		var wr prompb.WriteRequest
		if err == nil {
			err = wr.Unmarshal(body)
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		c.mu.Lock()
		c.series = append(c.series, wr.Timeseries...)
		c.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// options are the settings both exporters get, each in its own words.
type options struct {
	resourceToLabels []string
	extraLabels      map[string]string
	namespace        string
	noSuffixes       bool // add_metric_suffixes: false
}

func otelhubFor(t testing.TB, url string, o options) exporter.Metrics {
	f := vm.NewFactory()
	cfg := f.CreateDefaultConfig().(*vm.Config)
	cfg.Endpoint = url
	cfg.ResourceToLabels = o.resourceToLabels
	cfg.ExtraLabels = o.extraLabels
	cfg.Namespace = o.namespace
	cfg.AddMetricSuffixes = !o.noSuffixes
	cfg.SendExemplars = true
	cfg.QueueConfig = configoptional.None[exporterhelper.QueueBatchConfig]()
	cfg.RetryConfig.Enabled = false
	e, err := f.CreateMetrics(context.Background(), exportertest.NewNopSettings(f.Type()), cfg)
	require.NoError(t, err)
	return e
}

func contribFor(t testing.TB, url string, o options) exporter.Metrics {
	f := prw.NewFactory()
	cfg := f.CreateDefaultConfig().(*prw.Config)
	cfg.ClientConfig.Endpoint = url + "/api/v1/write"
	cfg.HTTP.Endpoint = url + "/api/v1/write"
	cfg.RemoteWriteQueue.Enabled = false
	cfg.BackOffConfig.Enabled = false
	cfg.ResourceConstantLabels.Included = o.resourceToLabels
	if o.extraLabels != nil {
		cfg.ExternalLabels = o.extraLabels
	}
	cfg.Namespace = o.namespace
	if o.noSuffixes {
		cfg.TranslationStrategy = "UnderscoreEscapingWithoutSuffixes"
	}
	e, err := f.CreateMetrics(context.Background(), exportertest.NewNopSettings(f.Type()), cfg)
	require.NoError(t, err)
	return e
}

// send pushes md through an exporter and returns what the server decoded.
func send(t testing.TB, newExporter func(testing.TB, string, options) exporter.Metrics, o options, md pmetric.Metrics) []prompb.TimeSeries {
	var c capture
	e := newExporter(t, c.start(t), o)
	ctx := context.Background()
	require.NoError(t, e.Start(ctx, componenttest.NewNopHost()))
	require.NoError(t, e.ConsumeMetrics(ctx, md))
	require.NoError(t, e.Shutdown(ctx))
	return c.series
}

// canonical turns series into "labels" -> sorted samples and exemplars,
// so that order, grouping into requests and label order do not matter.
// Labels are written in the order sent after sorting by name; a name sent
// twice shows twice.
func canonical(ss []prompb.TimeSeries) map[string][]string {
	out := map[string][]string{}
	for _, s := range ss {
		k := labelString(s.Labels)
		for _, x := range s.Samples {
			out[k] = append(out[k], fmt.Sprintf("%d=%s", x.Timestamp, num(x.Value)))
		}
		for _, x := range s.Exemplars {
			out[k] = append(out[k], fmt.Sprintf("exemplar %s %d=%s", labelString(x.Labels), x.Timestamp, num(x.Value)))
		}
		for _, h := range s.Histograms {
			out[k] = append(out[k], fmt.Sprintf("native histogram at %d", h.Timestamp))
		}
		sort.Strings(out[k])
	}
	return out
}

func labelString(ls []prompb.Label) string {
	parts := make([]string, len(ls))
	for i, l := range ls {
		parts[i] = l.Name + "=" + strconv.Quote(l.Value)
	}
	sort.Strings(parts)
	return "{" + strings.Join(parts, ",") + "}"
}

func num(v float64) string {
	if value.IsStaleNaN(v) {
		return "stale"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

var base = time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)

func at(s int) pcommon.Timestamp {
	return pcommon.NewTimestampFromTime(base.Add(time.Duration(s) * time.Second))
}

// newScope adds a resource with the service attributes and one scope.
func newScope(md pmetric.Metrics, service string) (pcommon.Map, pmetric.ScopeMetrics) {
	rm := md.ResourceMetrics().AppendEmpty()
	a := rm.Resource().Attributes()
	a.PutStr("service.name", service)
	a.PutStr("service.namespace", "shop")
	a.PutStr("service.instance.id", "i-1")
	a.PutStr("host.name", "node-1")
	sm := rm.ScopeMetrics().AppendEmpty()
	sm.Scope().SetName("github.com/acme/lib")
	sm.Scope().SetVersion("1.4.0")
	sm.Scope().Attributes().PutStr("tier", "gold")
	return a, sm
}

func sum(ms pmetric.MetricSlice, name, unit string, mono, delta bool) pmetric.NumberDataPointSlice {
	m := ms.AppendEmpty()
	m.SetName(name)
	m.SetUnit(unit)
	s := m.SetEmptySum()
	s.SetIsMonotonic(mono)
	s.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
	if delta {
		s.SetAggregationTemporality(pmetric.AggregationTemporalityDelta)
	}
	return s.DataPoints()
}

func gauge(ms pmetric.MetricSlice, name, unit string) pmetric.NumberDataPointSlice {
	m := ms.AppendEmpty()
	m.SetName(name)
	m.SetUnit(unit)
	return m.SetEmptyGauge().DataPoints()
}

func point(dps pmetric.NumberDataPointSlice, s int, v float64) pmetric.NumberDataPoint {
	dp := dps.AppendEmpty()
	dp.SetStartTimestamp(at(0))
	dp.SetTimestamp(at(s))
	dp.SetDoubleValue(v)
	return dp
}

func histogram(ms pmetric.MetricSlice, name, unit string, delta bool) pmetric.HistogramDataPointSlice {
	m := ms.AppendEmpty()
	m.SetName(name)
	m.SetUnit(unit)
	h := m.SetEmptyHistogram()
	h.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
	if delta {
		h.SetAggregationTemporality(pmetric.AggregationTemporalityDelta)
	}
	return h.DataPoints()
}

func hpoint(dps pmetric.HistogramDataPointSlice, s int, bounds []float64, counts []uint64, total float64) pmetric.HistogramDataPoint {
	dp := dps.AppendEmpty()
	dp.SetStartTimestamp(at(0))
	dp.SetTimestamp(at(s))
	dp.ExplicitBounds().FromRaw(bounds)
	dp.BucketCounts().FromRaw(counts)
	var n uint64
	for _, c := range counts {
		n += c
	}
	dp.SetCount(n)
	if !math.IsNaN(total) {
		dp.SetSum(total)
	}
	return dp
}

func exemplar(xs pmetric.ExemplarSlice, s int, v float64, traceByte byte) {
	x := xs.AppendEmpty()
	x.SetTimestamp(at(s))
	x.SetDoubleValue(v)
	x.SetTraceID(pcommon.TraceID{traceByte, 1, 2, 3})
	x.SetSpanID(pcommon.SpanID{traceByte, 9})
}

var stale = pmetric.DefaultDataPointFlags.WithNoRecordedValue(true)

// compareCase is one input. ours and theirs build the pdata each exporter
// gets (theirs defaults to ours); fixContrib, when set, adjusts contrib's
// output for a documented difference.
type compareCase struct {
	name       string
	opts       options
	ours       func(md pmetric.Metrics)
	theirs     func(md pmetric.Metrics)
	fixContrib func(ss []prompb.TimeSeries) []prompb.TimeSeries
}

var compareCases = []compareCase{
	{
		name: "names and units",
		ours: func(md pmetric.Metrics) {
			_, sm := newScope(md, "checkout")
			ms := sm.Metrics()
			point(gauge(ms, "system.memory.utilization", "1"), 1, 0.25)
			point(sum(ms, "foo_bytes_total", "By", true, false), 1, 1024)
			point(sum(ms, "requests", "1/s", true, false), 1, 3)
			point(sum(ms, "queue.depth", "1", false, false), 1, 7)
			point(gauge(ms, "rate", "1/s"), 1, 0.5)
			point(gauge(ms, "rate_per_second", "1/s"), 1, 0.5)
			point(gauge(ms, "io", "By/s"), 1, 5)
			point(sum(ms, "packets", "{packet}/s", true, false), 1, 9)
			point(sum(ms, "http.server.requests", "{request}", true, false), 1, 42)
			point(sum(ms, "requests_total_count", "", true, false), 1, 2)
			point(gauge(ms, "2xx.rate", "%"), 1, 99)
			point(gauge(ms, "disk..io__time", "ms"), 1, 12)
			point(gauge(ms, "temp", "Cel"), 1, 21.5)
		},
	},
	{
		name: "attribute values, multi-point series, staleness",
		ours: func(md pmetric.Metrics) {
			_, sm := newScope(md, "checkout")
			dps := gauge(sm.Metrics(), "mem.used", "By")
			for s := 1; s <= 3; s++ {
				dp := point(dps, s, float64(s*100))
				a := dp.Attributes()
				a.PutDouble("limit", 1e6)
				a.PutDouble("tiny", 1e-7)
				a.PutDouble("huge", 1e21)
				a.PutDouble("half", 0.5)
				a.PutInt("cores", 4)
				a.PutBool("spot", true)
				a.PutStr("empty", "")
			}
			point(dps, 4, 0).SetFlags(stale)
		},
	},
	{
		name: "histograms: le formatting, no sum, staleness, exemplars",
		ours: func(md pmetric.Metrics) {
			_, sm := newScope(md, "checkout")
			dps := histogram(sm.Metrics(), "http.server.request.duration", "s", false)
			dp := hpoint(dps, 1, []float64{0.000001, 0.5, 1, 1e6}, []uint64{1, 2, 3, 4, 5}, 12.5)
			exemplar(dp.Exemplars(), 1, 0.7, 0xab)
			exemplar(dp.Exemplars(), 1, 2e6, 0xcd)
			hpoint(dps, 2, []float64{0.000001, 0.5, 1, 1e6}, []uint64{2, 2, 3, 4, 5}, math.NaN())
			hpoint(dps, 3, []float64{0.000001, 0.5, 1, 1e6}, []uint64{2, 2, 3, 4, 5}, 1).SetFlags(stale)
		},
	},
	{
		name: "summaries: quantile formatting, staleness",
		ours: func(md pmetric.Metrics) {
			_, sm := newScope(md, "checkout")
			m := sm.Metrics().AppendEmpty()
			m.SetName("rpc.latency")
			m.SetUnit("ms")
			dps := m.SetEmptySummary().DataPoints()
			for s, flags := range []pmetric.DataPointFlags{pmetric.DefaultDataPointFlags, stale} {
				dp := dps.AppendEmpty()
				dp.SetTimestamp(at(s + 1))
				dp.SetCount(10)
				dp.SetSum(55)
				dp.SetFlags(flags)
				for _, q := range []float64{1e-7, 0.5, 0.999} {
					qv := dp.QuantileValues().AppendEmpty()
					qv.SetQuantile(q)
					qv.SetValue(q * 100)
				}
			}
		},
	},
	{
		// Exemplars go with counters and buckets only, with their filtered
		// attributes while the label set stays within 128 runes.
		name: "exemplars",
		ours: func(md pmetric.Metrics) {
			_, sm := newScope(md, "checkout")
			dp := point(sum(sm.Metrics(), "jobs", "", true, false), 1, 3)
			exemplar(dp.Exemplars(), 1, 1, 0x11)
			dp.Exemplars().At(0).FilteredAttributes().PutStr("user", "u-42")
			exemplar(dp.Exemplars(), 1, 2, 0x12)
			dp.Exemplars().At(1).FilteredAttributes().PutStr("long", strings.Repeat("x", 100))
			g := point(gauge(sm.Metrics(), "temp", ""), 1, 20)
			exemplar(g.Exemplars(), 1, 20, 0x13)
		},
	},
	{
		name: "label precedence and collisions",
		opts: options{resourceToLabels: []string{"host.name"}, extraLabels: map[string]string{"cluster": "from-config", "region": "eu"}},
		ours: func(md pmetric.Metrics) {
			_, sm := newScope(md, "checkout")
			dp := point(gauge(sm.Metrics(), "g", ""), 1, 1)
			a := dp.Attributes()
			a.PutStr("job", "fake")
			a.PutStr("instance", "fake")
			a.PutStr("cluster", "from-attribute")
			a.PutStr("a_b", "2")
			a.PutStr("a.b", "1")
			a.PutStr("a-b", "3")
			a.PutStr("x.y", "same")
			a.PutStr("x_y", "same")
			a.PutStr("host.name", "from-point")
			a.PutStr("otel_scope_name", "from-point")
			a.PutStr("2xx", "digit")
		},
	},
	{
		name: "all resource attributes to labels, target_info",
		opts: options{resourceToLabels: []string{"*"}},
		ours: func(md pmetric.Metrics) {
			res, sm := newScope(md, "checkout")
			res.PutDouble("mem.limit", 1e6)
			res.PutInt("cores", 4)
			res.PutStr("k8s.pod.name", "pod-1")
			point(gauge(sm.Metrics(), "g", ""), 1, 1).Attributes().PutStr("k8s.pod.name", "from-point")
			point(gauge(sm.Metrics(), "g", ""), 7, 2)
		},
	},
	{
		name: "no service.name: no job, no target_info",
		ours: func(md pmetric.Metrics) {
			rm := md.ResourceMetrics().AppendEmpty()
			rm.Resource().Attributes().PutStr("host.name", "node-1")
			point(gauge(rm.ScopeMetrics().AppendEmpty().Metrics(), "g", ""), 1, 1)
		},
	},
	{
		name: "one metric from two scopes is two series",
		ours: func(md pmetric.Metrics) {
			_, sm := newScope(md, "checkout")
			point(sum(sm.Metrics(), "jobs.done", "", true, false), 1, 5)
			sm2 := md.ResourceMetrics().At(0).ScopeMetrics().AppendEmpty()
			sm2.Scope().SetName("other")
			point(sum(sm2.Metrics(), "jobs.done", "", true, false), 1, 3)
		},
	},
	{
		// Difference: contrib drops delta sums and histograms; otelhub
		// accumulates them. Contrib gets the cumulative series by hand.
		name: "delta sums and histograms, accumulated",
		ours: func(md pmetric.Metrics) {
			_, sm := newScope(md, "checkout")
			dps := sum(sm.Metrics(), "jobs.done", "", true, true)
			point(dps, 1, 5).SetStartTimestamp(at(0))
			point(dps, 2, 3).SetStartTimestamp(at(1))
			point(dps, 3, 1).SetStartTimestamp(at(2))
			hs := histogram(sm.Metrics(), "lat", "s", true)
			hpoint(hs, 1, []float64{1, 2}, []uint64{1, 0, 2}, 6).SetStartTimestamp(at(0))
			hpoint(hs, 2, []float64{1, 2}, []uint64{0, 3, 0}, 4.5).SetStartTimestamp(at(1))
		},
		theirs: func(md pmetric.Metrics) {
			_, sm := newScope(md, "checkout")
			dps := sum(sm.Metrics(), "jobs.done", "", true, false)
			point(dps, 1, 5)
			point(dps, 2, 8)
			point(dps, 3, 9)
			hs := histogram(sm.Metrics(), "lat", "s", false)
			hpoint(hs, 1, []float64{1, 2}, []uint64{1, 0, 2}, 6)
			hpoint(hs, 2, []float64{1, 2}, []uint64{1, 3, 2}, 10.5)
		},
	},
	{
		// Difference: an attribute named le or quantile gives contrib's
		// series two such labels; otelhub keeps only the bucket's own.
		name: "attributes named le and quantile",
		ours: func(md pmetric.Metrics) {
			_, sm := newScope(md, "checkout")
			hpoint(histogram(sm.Metrics(), "lat", "", false), 1, []float64{1}, []uint64{1, 1}, 2).Attributes().PutStr("le", "attr")
			m := sm.Metrics().AppendEmpty()
			m.SetName("rpc")
			dp := m.SetEmptySummary().DataPoints().AppendEmpty()
			dp.SetTimestamp(at(1))
			dp.Attributes().PutStr("quantile", "attr")
			dp.QuantileValues().AppendEmpty().SetQuantile(0.5)
		},
		fixContrib: dropShadowedSpecials,
	},
}

// dropShadowedSpecials removes, from a series that has le or quantile
// twice, the copy that came from the attribute (value "attr").
func dropShadowedSpecials(ss []prompb.TimeSeries) []prompb.TimeSeries {
	for i := range ss {
		counts := map[string]int{}
		for _, l := range ss[i].Labels {
			counts[l.Name]++
		}
		ss[i].Labels = slices.DeleteFunc(ss[i].Labels, func(l prompb.Label) bool {
			return counts[l.Name] > 1 && l.Value == "attr" && (l.Name == "le" || l.Name == "quantile")
		})
	}
	return ss
}

func TestTranslationMatchesContrib(t *testing.T) {
	for _, c := range compareCases {
		t.Run(c.name, func(t *testing.T) {
			ours := pmetric.NewMetrics()
			c.ours(ours)
			theirs := pmetric.NewMetrics()
			if c.theirs != nil {
				c.theirs(theirs)
			} else {
				ours.CopyTo(theirs)
			}
			got := send(t, otelhubFor, c.opts, ours)
			want := send(t, contribFor, c.opts, theirs)
			if c.fixContrib != nil {
				want = c.fixContrib(want)
			}
			require.NotEmpty(t, want)
			assert.Equal(t, canonical(want), canonical(got))
		})
	}
}

// The deliberate difference above is real: contrib does send a second
// le label (a 400 from Prometheus-compatible receivers), otelhub does not.
func TestContribDuplicatesSpecialLabels(t *testing.T) {
	md := pmetric.NewMetrics()
	for _, c := range compareCases {
		if c.name == "attributes named le and quantile" {
			c.ours(md)
		}
	}
	dup := func(ss []prompb.TimeSeries) int {
		n := 0
		for _, s := range ss {
			seen := map[string]bool{}
			for _, l := range s.Labels {
				if seen[l.Name] {
					n++
				}
				seen[l.Name] = true
			}
		}
		return n
	}
	theirs := pmetric.NewMetrics()
	md.CopyTo(theirs)
	assert.Positive(t, dup(send(t, contribFor, options{}, theirs)))
	assert.Zero(t, dup(send(t, otelhubFor, options{}, md)))
}

// Exponential histograms: contrib sends native histograms, otelhub classic
// le buckets (a documented difference). Prometheus's own histogram code
// gives the bounds of contrib's buckets (from its tables) and their
// cumulative counts: otelhub must have an le series at each bound with the
// same count. Powers of two must match exactly; other bounds within a few
// ulps, because otelhub's are correctly rounded and many of Prometheus's
// are not (2^1.5: 2.8284271247461903 against Prometheus's
// 2.82842712474619; 2^(-1/32): 0.9785720620877001 against
// 0.9785720620876999). translate_test.go checks otelhub's bounds against
// values computed in 60-digit decimal.
func TestExponentialBucketsMatchPrometheusBounds(t *testing.T) {
	md := pmetric.NewMetrics()
	_, sm := newScope(md, "checkout")
	type layout struct {
		scale  int32
		offset int32
	}
	var layouts []layout
	for scale := int32(-4); scale <= 8; scale++ {
		for _, off := range []int32{-300, -5, 0, 7, 250} {
			layouts = append(layouts, layout{scale, off})
		}
	}
	for i, l := range layouts {
		m := sm.Metrics().AppendEmpty()
		m.SetName(fmt.Sprintf("h%d", i))
		eh := m.SetEmptyExponentialHistogram()
		eh.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
		dp := eh.DataPoints().AppendEmpty()
		dp.SetTimestamp(at(1))
		dp.SetScale(l.scale)
		dp.Positive().SetOffset(l.offset)
		dp.Positive().BucketCounts().FromRaw([]uint64{1, 2, 0, 3, 4, 0, 0, 0, 0, 5})
		dp.SetCount(15)
		dp.SetSum(100)
	}
	theirs := pmetric.NewMetrics()
	md.CopyTo(theirs)
	type bucket struct {
		le    string
		value float64
	}
	ours := map[string][]bucket{}
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
		ours[name] = append(ours[name], bucket{le, s.Samples[0].Value})
	}
	// find returns otelhub's bucket within 4 ulps of bound.
	find := func(name string, bound float64) (bucket, bool) {
		for _, b := range ours[name+"_bucket"] {
			f, err := strconv.ParseFloat(b.le, 64)
			if err == nil && math.Abs(f-bound) <= 4*(math.Nextafter(bound, math.Inf(1))-bound) {
				return b, true
			}
		}
		return bucket{}, false
	}
	checked, ulpOff := 0, 0
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
		it := s.Histograms[0].ToIntHistogram().CumulativeBucketIterator()
		for it.Next() {
			b := it.At()
			if b.Upper >= math.MaxFloat64 || b.Upper == 0 {
				continue // beyond float64 (Prometheus says MaxFloat64): folded into +Inf, or into the zero bucket
			}
			le := strconv.FormatFloat(b.Upper, 'f', -1, 64)
			got, ok := find(name, b.Upper)
			if !assert.True(t, ok, "%s: no le near %s", name, le) {
				continue
			}
			assert.Equal(t, float64(b.Count), got.value, "%s le=%s", name, le)
			if frac, _ := math.Frexp(b.Upper); frac == 0.5 {
				assert.Equal(t, le, got.le, "%s: a power of two is exact", name)
			} else if got.le != le {
				ulpOff++
			}
			checked++
		}
	}
	assert.Greater(t, checked, len(layouts)*9, "most buckets compared")
	t.Logf("%d bounds compared, %d a few ulps from Prometheus's", checked, ulpOff)
}
