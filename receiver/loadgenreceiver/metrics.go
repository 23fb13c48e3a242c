package loadgenreceiver

import (
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

type metricKind int

const (
	kindGauge metricKind = iota
	kindCounter
	kindUpDown
	kindHistogram
)

type metricDef struct {
	name, unit, desc string
	kind             metricKind
	attrs            [][2]string // one attribute set per series of this metric
}

// durationBounds are the semconv-advised buckets of http.server.request.duration.
var durationBounds = []float64{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10}

var metricDefs = []metricDef{
	{name: "http.server.request.duration", unit: "s", desc: "Duration of HTTP server requests.", kind: kindHistogram,
		attrs: [][2]string{{"http.route", "/api/v1/orders/{id}"}, {"http.route", "/api/v1/cart"}, {"http.route", "/api/v1/products"}, {"http.route", "/api/v1/search"}}},
	{name: "system.network.io", unit: "By", desc: "Bytes transmitted and received.", kind: kindCounter,
		attrs: [][2]string{{"network.io.direction", "transmit"}, {"network.io.direction", "receive"}}},
	{name: "system.memory.utilization", unit: "1", desc: "Share of memory in each state.", kind: kindGauge,
		attrs: [][2]string{{"system.memory.state", "used"}, {"system.memory.state", "free"}, {"system.memory.state", "cached"}}},
	{name: "http.server.active_requests", unit: "{request}", desc: "Number of active HTTP server requests.", kind: kindUpDown,
		attrs: [][2]string{{"url.scheme", "https"}}},
}

// series is the state of one time series, so that cumulative sums and
// histograms grow from batch to batch as a real SDK's would.
type series struct {
	res   int
	def   *metricDef
	attr  [2]string
	total float64
	count uint64
	sum   float64
	bkts  []uint64
}

type metricsGen struct {
	*generator
	series []series
	next   int
}

func newMetricsGen(g *generator) *metricsGen {
	m := &metricsGen{generator: g}
	for r := range g.resources {
		for i := range metricDefs {
			d := &metricDefs[i]
			for _, a := range d.attrs {
				s := series{res: r, def: d, attr: a}
				if d.kind == kindHistogram {
					s.bkts = make([]uint64, len(durationBounds)+1)
				}
				m.series = append(m.series, s)
			}
		}
	}
	return m
}

// metrics builds n data points, cycling over the series in order.
func (m *metricsGen) metrics(n int) pmetric.Metrics {
	md := pmetric.NewMetrics()
	now := pcommon.NewTimestampFromTime(time.Now())
	start := pcommon.NewTimestampFromTime(m.start)
	var sm pmetric.ScopeMetrics
	var cur pmetric.Metric
	lastRes, lastDef := -1, (*metricDef)(nil)
	for range n {
		s := &m.series[m.next]
		if s.res != lastRes {
			rm := md.ResourceMetrics().AppendEmpty()
			m.resources[s.res].CopyTo(rm.Resource())
			sm = rm.ScopeMetrics().AppendEmpty()
			sm.Scope().SetName("github.com/otelhub/otelhub/receiver/loadgenreceiver")
			lastRes, lastDef = s.res, nil
		}
		if s.def != lastDef {
			cur = newMetric(sm.Metrics().AppendEmpty(), s.def)
			lastDef = s.def
		}
		m.point(cur, s, start, now)
		if m.next++; m.next == len(m.series) {
			// A batch that holds a series twice gives the second point a
			// later timestamp, so that no sample overwrites another.
			m.next, lastRes = 0, -1
			now += pcommon.Timestamp(time.Millisecond)
		}
	}
	return md
}

func newMetric(mt pmetric.Metric, d *metricDef) pmetric.Metric {
	mt.SetName(d.name)
	mt.SetUnit(d.unit)
	mt.SetDescription(d.desc)
	switch d.kind {
	case kindGauge:
		mt.SetEmptyGauge()
	case kindCounter, kindUpDown:
		sum := mt.SetEmptySum()
		sum.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
		sum.SetIsMonotonic(d.kind == kindCounter)
	case kindHistogram:
		mt.SetEmptyHistogram().SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
	}
	return mt
}

func (m *metricsGen) point(mt pmetric.Metric, s *series, start, now pcommon.Timestamp) {
	switch s.def.kind {
	case kindGauge:
		dp := mt.Gauge().DataPoints().AppendEmpty()
		dp.SetTimestamp(now)
		dp.SetDoubleValue(m.rng.Float64())
		dp.Attributes().PutStr(s.attr[0], s.attr[1])
	case kindCounter, kindUpDown:
		if s.def.kind == kindCounter {
			s.total += float64(m.rng.IntN(100_000))
		} else {
			s.total = float64(m.rng.IntN(200))
		}
		dp := mt.Sum().DataPoints().AppendEmpty()
		dp.SetStartTimestamp(start)
		dp.SetTimestamp(now)
		dp.SetIntValue(int64(s.total))
		dp.Attributes().PutStr(s.attr[0], s.attr[1])
	case kindHistogram:
		m.observe(s, 1+m.rng.IntN(20))
		dp := mt.Histogram().DataPoints().AppendEmpty()
		dp.SetStartTimestamp(start)
		dp.SetTimestamp(now)
		dp.SetCount(s.count)
		dp.SetSum(s.sum)
		dp.ExplicitBounds().FromRaw(durationBounds)
		dp.BucketCounts().FromRaw(s.bkts)
		dp.Attributes().PutStr(s.attr[0], s.attr[1])
		dp.Attributes().PutStr("http.request.method", "GET")
	}
}

// observe adds k request durations to a histogram series.
func (m *metricsGen) observe(s *series, k int) {
	for range k {
		v := m.duration().Seconds()
		i := 0
		for i < len(durationBounds) && v > durationBounds[i] {
			i++
		}
		s.bkts[i]++
		s.count++
		s.sum += v
	}
}
