package esbulk

import (
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/cespare/xxhash/v2"
	"github.com/otelhub/otelhub/internal/jsonstr"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

// pointRef is one data point of a group: its metric, its index, its key.
type pointRef struct {
	m   pmetric.Metric
	i   int
	key int32
}

// group is the data points of one scope that share a timestamp and
// dimensions: Elasticsearch's TSDB wants them in one document.
type group struct {
	ts    pcommon.Timestamp
	attrs pcommon.Map
	refs  []pointRef
}

// groups is the reused grouping state of one scope.
type groups struct {
	list  []group
	n     int
	index map[uint64]int
	hw    jw // writes attribute values for hashing
	keys  []int32
	fixed []string
}

func (g *groups) reset() {
	for i := range g.list[:g.n] {
		g.list[i].refs = g.list[i].refs[:0]
		g.list[i].attrs = pcommon.Map{}
	}
	g.n = 0
	if g.index == nil {
		g.index = map[uint64]int{}
	}
	clear(g.index)
}

// add puts a data point in the group of its timestamp and attributes. A
// metric name met twice in one group starts a new group, since one
// document holds one value per metric.
func (g *groups) add(ref pointRef, ts pcommon.Timestamp, attrs pcommon.Map) {
	h := g.hash(ts, attrs)
	if gi, ok := g.index[h]; ok {
		gr := &g.list[gi]
		if gr.ts == ts && gr.attrs.Equal(attrs) && !hasName(gr.refs, ref.m.Name()) {
			gr.refs = append(gr.refs, ref)
			return
		}
	}
	if g.n == len(g.list) {
		g.list = append(g.list, group{})
	}
	gr := &g.list[g.n]
	gr.ts, gr.attrs = ts, attrs
	gr.refs = append(gr.refs[:0], ref)
	g.index[h] = g.n
	g.n++
}

// hasName compares names as they are written: names that differ only in
// invalid UTF-8 bytes are one field ("m\ufffd"), so they cannot share a
// document.
func hasName(refs []pointRef, name string) bool {
	for _, r := range refs {
		if sameField(r.m.Name(), name) {
			return true
		}
	}
	return false
}

func sameField(a, b string) bool {
	if a == b {
		return true
	}
	if utf8.ValidString(a) && utf8.ValidString(b) {
		return false // the common case: escaping keeps distinct names distinct
	}
	return string(jsonstr.Append(nil, a)) == string(jsonstr.Append(nil, b))
}

// hash is order-independent over the attributes: the sum of one hash per
// key and value.
func (g *groups) hash(ts pcommon.Timestamp, attrs pcommon.Map) uint64 {
	h := uint64(ts) * 0x9E3779B97F4A7C15
	for k, v := range attrs.All() {
		g.hw.reset(jsonstr.Append(g.hw.b[:0], k))
		g.hw.value(v)
		h += xxhash.Sum64(g.hw.b)
	}
	return h
}

// EncodeMetrics appends documents for the data points of md to b: per
// scope, one document per timestamp and set of attributes, holding one
// field per metric. Point keys are their positions in the traversal of md.
func (e *Encoder) EncodeMetrics(b *Batch, md pmetric.Metrics) {
	key := int32(0)
	rms := md.ResourceMetrics()
	for i := 0; i < rms.Len(); i++ {
		rm := rms.At(i)
		sms := rm.ScopeMetrics()
		for j := 0; j < sms.Len(); j++ {
			sm := sms.At(j)
			key = e.groupScope(b, sm, key)
			for gi := 0; gi < e.groups.n; gi++ {
				e.metricDoc(b, rm, sm, &e.groups.list[gi])
			}
		}
	}
}

// groupScope groups the data points of a scope and returns the next key.
func (e *Encoder) groupScope(b *Batch, sm pmetric.ScopeMetrics, key int32) int32 {
	g := &e.groups
	g.reset()
	ms := sm.Metrics()
	for k := 0; k < ms.Len(); k++ {
		m := ms.At(k)
		n := pointCount(m)
		if n == 0 && m.Type() == pmetric.MetricTypeEmpty {
			b.Drops[DropNoValue]++
		}
		for p := 0; p < n; p++ {
			ts, attrs, ok := point(m, p)
			if !ok {
				b.Drops[DropNoValue]++
			} else {
				g.add(pointRef{m: m, i: p, key: key}, ts, attrs)
			}
			key++
		}
	}
	return key
}

func pointCount(m pmetric.Metric) int {
	switch m.Type() {
	case pmetric.MetricTypeGauge:
		return m.Gauge().DataPoints().Len()
	case pmetric.MetricTypeSum:
		return m.Sum().DataPoints().Len()
	case pmetric.MetricTypeHistogram:
		return m.Histogram().DataPoints().Len()
	case pmetric.MetricTypeExponentialHistogram:
		return m.ExponentialHistogram().DataPoints().Len()
	case pmetric.MetricTypeSummary:
		return m.Summary().DataPoints().Len()
	}
	return 0
}

// point returns the timestamp and attributes of data point p, and whether
// it has a value to write.
func point(m pmetric.Metric, p int) (pcommon.Timestamp, pcommon.Map, bool) {
	switch m.Type() {
	case pmetric.MetricTypeGauge:
		dp := m.Gauge().DataPoints().At(p)
		return dp.Timestamp(), dp.Attributes(), dp.ValueType() != pmetric.NumberDataPointValueTypeEmpty
	case pmetric.MetricTypeSum:
		dp := m.Sum().DataPoints().At(p)
		return dp.Timestamp(), dp.Attributes(), dp.ValueType() != pmetric.NumberDataPointValueTypeEmpty
	case pmetric.MetricTypeHistogram:
		dp := m.Histogram().DataPoints().At(p)
		return dp.Timestamp(), dp.Attributes(), dp.BucketCounts().Len() > 0 || dp.Count() > 0
	case pmetric.MetricTypeExponentialHistogram:
		dp := m.ExponentialHistogram().DataPoints().At(p)
		return dp.Timestamp(), dp.Attributes(), true
	default:
		dp := m.Summary().DataPoints().At(p)
		return dp.Timestamp(), dp.Attributes(), true
	}
}

func (e *Encoder) metricDoc(b *Batch, rm pmetric.ResourceMetrics, sm pmetric.ScopeMetrics, gr *group) {
	sc := scopes{item: gr.attrs, scope: sm.Scope().Attributes(), resource: rm.Resource().Attributes()}
	if e.opt.Mode == ModeOTel {
		e.act = gr
	}
	e.begin(b, "metrics", gr.ts, sc, false)
	e.act = nil
	w := &e.w
	w.time("@timestamp", gr.ts)
	g := &e.groups
	g.keys = g.keys[:0]
	for _, r := range gr.refs {
		g.keys = append(g.keys, r.key)
	}
	switch e.opt.Mode {
	case ModeECS, ModeRaw:
		g.fixed = append(g.fixed[:0], "@timestamp", "data_stream")
		if e.opt.Mode == ModeECS {
			e.dataStream("metrics", sc) // before the metrics, so it wins a clash
		}
		for _, r := range gr.refs {
			g.fixed = append(g.fixed, r.m.Name())
			if !w.member(r.m.Name()) {
				b.Drops[DropNameClash]++ // named @timestamp, say
				continue
			}
			e.metricValue(r)
		}
		rename := ecsName
		if e.opt.Mode != ModeECS {
			rename = nil
		}
		e.flat(gr.attrs, rm.Resource().Attributes(), g.fixed, rename)
	default:
		e.dataStream("metrics", sc)
		w.key("_metric_names_hash")
		w.b = appendNamesHash(w.b, gr.refs)
		w.openObj("metrics")
		for _, r := range gr.refs {
			if w.member(r.m.Name()) { // names are unique; member leaves out bad ones
				e.metricValue(r)
			}
		}
		w.close('}')
		e.otelAttrs("attributes", gr.attrs)
		e.otelResourceScope(rm.Resource(), rm.SchemaUrl(), sm.Scope())
	}
	e.end(b, g.keys...)
}

// metricValue writes the value of one data point: a number; a histogram
// as {"counts":[...],"values":[...]} with bucket midpoints in ascending
// order (Elasticsearch's histogram field); a summary as {"sum","value_count"}
// (its aggregate_metric_double).
func (e *Encoder) metricValue(r pointRef) {
	w := &e.w
	switch r.m.Type() {
	case pmetric.MetricTypeGauge:
		w.number(r.m.Gauge().DataPoints().At(r.i))
	case pmetric.MetricTypeSum:
		w.number(r.m.Sum().DataPoints().At(r.i))
	case pmetric.MetricTypeHistogram:
		e.histogram(r.m.Histogram().DataPoints().At(r.i))
	case pmetric.MetricTypeExponentialHistogram:
		e.expHistogram(r.m.ExponentialHistogram().DataPoints().At(r.i))
	case pmetric.MetricTypeSummary:
		dp := r.m.Summary().DataPoints().At(r.i)
		w.open('{')
		w.float("sum", dp.Sum())
		w.uint("value_count", dp.Count())
		w.close('}')
	}
}

func (w *jw) number(dp pmetric.NumberDataPoint) {
	if dp.ValueType() == pmetric.NumberDataPointValueTypeInt {
		w.b = appendInt(w.b, dp.IntValue())
		return
	}
	w.b = appendFloat(w.b, dp.DoubleValue())
}

func (e *Encoder) histogram(dp pmetric.HistogramDataPoint) {
	w := &e.w
	counts, bounds := dp.BucketCounts(), dp.ExplicitBounds()
	w.open('{')
	w.openArr("counts")
	for i := 0; i < counts.Len(); i++ {
		if counts.At(i) != 0 {
			w.elem()
			w.b = appendUint(w.b, counts.At(i))
		}
	}
	if counts.Len() == 0 && dp.Count() > 0 {
		w.elem()
		w.b = appendUint(w.b, dp.Count())
	}
	w.close(']')
	w.openArr("values")
	for i := 0; i < counts.Len(); i++ {
		if counts.At(i) != 0 {
			w.elem()
			w.b = appendFloat(w.b, midpoint(bounds, i, dp))
		}
	}
	if counts.Len() == 0 && dp.Count() > 0 {
		w.elem()
		w.b = appendFloat(w.b, dp.Sum()/float64(dp.Count()))
	}
	w.close(']')
	w.close('}')
}

// midpoint is the representative value of explicit bucket i: the middle
// of its bounds; the open first and last buckets take their one bound; a
// histogram without bounds takes its mean.
func midpoint(bounds pcommon.Float64Slice, i int, dp pmetric.HistogramDataPoint) float64 {
	n := bounds.Len()
	switch {
	case n == 0:
		if dp.Count() == 0 {
			return 0
		}
		return dp.Sum() / float64(dp.Count())
	case i == 0:
		return bounds.At(0)
	case i >= n:
		return bounds.At(n - 1)
	}
	return (bounds.At(i-1) + bounds.At(i)) / 2
}

func (e *Encoder) expHistogram(dp pmetric.ExponentialHistogramDataPoint) {
	w := &e.w
	base := math.Exp2(math.Exp2(-float64(dp.Scale())))
	neg, pos := dp.Negative(), dp.Positive()
	// Values ascend: negative buckets from the largest magnitude down,
	// then zero, then positive buckets up.
	emit := func(count uint64, value float64, counts bool) {
		if count == 0 {
			return
		}
		w.elem()
		if counts {
			w.b = appendUint(w.b, count)
		} else {
			w.b = appendFloat(w.b, value)
		}
	}
	mid := func(idx int) float64 {
		lo := math.Pow(base, float64(idx))
		return (lo + lo*base) / 2
	}
	w.open('{')
	for pass, k := range [2]string{"counts", "values"} {
		counts := pass == 0
		w.openArr(k)
		for i := neg.BucketCounts().Len() - 1; i >= 0; i-- {
			emit(neg.BucketCounts().At(i), -mid(int(neg.Offset())+i), counts)
		}
		emit(dp.ZeroCount(), 0, counts)
		for i := 0; i < pos.BucketCounts().Len(); i++ {
			emit(pos.BucketCounts().At(i), mid(int(pos.Offset())+i), counts)
		}
		w.close(']')
	}
	w.close('}')
}

// appendDynamicTemplates writes the dynamic_templates of an otel-mode
// metrics document's action line: Elasticsearch's metrics-otel@mappings
// types metrics.* fields only through them (a histogram is otherwise two
// plain number arrays, a counter a plain long).
func appendDynamicTemplates(b []byte, gr *group) []byte {
	b = append(b, `,"dynamic_templates":{`...)
	for i, r := range gr.refs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `"metrics.`...)
		b = appendEscapedRaw(b, r.m.Name())
		b = append(b, `":"`...)
		b = append(b, dynamicTemplate(r)...)
		b = append(b, '"')
	}
	return append(b, '}')
}

// dynamicTemplate names the metrics-otel@mappings template of a point:
// monotonic sums are counters, other numbers gauges.
func dynamicTemplate(r pointRef) string {
	switch r.m.Type() {
	case pmetric.MetricTypeGauge:
		return numberTemplate(false, r.m.Gauge().DataPoints().At(r.i))
	case pmetric.MetricTypeSum:
		return numberTemplate(r.m.Sum().IsMonotonic(), r.m.Sum().DataPoints().At(r.i))
	case pmetric.MetricTypeSummary:
		return "summary"
	}
	return "histogram"
}

// numberTemplates are the number templates by [counter][double].
var numberTemplates = [2][2]string{{"gauge_long", "gauge_double"}, {"counter_long", "counter_double"}}

func numberTemplate(counter bool, dp pmetric.NumberDataPoint) string {
	c, d := 0, 0
	if counter {
		c = 1
	}
	if dp.ValueType() != pmetric.NumberDataPointValueTypeInt {
		d = 1
	}
	return numberTemplates[c][d]
}

// appendNamesHash writes the _metric_names_hash dimension of an otel-mode
// document: documents with the same time and dimensions but other metrics
// would otherwise share a TSDB _id, and the second would be refused with
// 409 (elasticsearch#99123). It depends on the set of names only.
func appendNamesHash(b []byte, refs []pointRef) []byte {
	var h uint64
	for _, r := range refs {
		h += xxhash.Sum64String(r.m.Name())
	}
	b = append(b, '"')
	b = strconv.AppendUint(b, h, 16)
	return append(b, '"')
}
