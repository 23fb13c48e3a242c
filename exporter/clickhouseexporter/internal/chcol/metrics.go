package chcol

import (
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

// pointCols are the leading columns of every metrics table, and the
// exemplar columns of all but the summary one.
type pointCols struct {
	c              *common
	h              hasher // each table has its own token
	ResourceAttrs  MapCol
	ResourceSchema []string
	ScopeName      []string
	ScopeVersion   []string
	ScopeAttrs     MapCol
	ScopeDropped   []uint32
	ScopeSchema    []string
	ServiceName    []any
	MetricName     []string
	Description    []string
	Unit           []string
	Attrs          MapCol
	StartTime      []time.Time
	Time           []time.Time
	ExAttrs        MapArr
	ExTime         Arr[time.Time]
	ExValue        Arr[float64]
	ExSpanID       Arr[string]
	ExTraceID      Arr[string]
	Flags          []uint32
	lastRes        int // resource index the ResourceAttrs last row came from
	lastScope      int
	cols           []any
}

func (p *pointCols) reset(c *common) {
	p.c = c
	p.h.hash.Reset()
	p.ResourceAttrs.reset(c, &p.h)
	p.ResourceSchema = p.ResourceSchema[:0]
	p.ScopeName = p.ScopeName[:0]
	p.ScopeVersion = p.ScopeVersion[:0]
	p.ScopeAttrs.reset(c, &p.h)
	p.ScopeDropped = p.ScopeDropped[:0]
	p.ScopeSchema = p.ScopeSchema[:0]
	p.ServiceName = clearAny(p.ServiceName)
	p.MetricName = p.MetricName[:0]
	p.Description = p.Description[:0]
	p.Unit = p.Unit[:0]
	p.Attrs.reset(c, &p.h)
	p.StartTime = p.StartTime[:0]
	p.Time = p.Time[:0]
	p.ExAttrs.reset(c, &p.h)
	p.ExTime.reset()
	p.ExValue.reset()
	p.ExSpanID.reset()
	p.ExTraceID.reset()
	p.Flags = p.Flags[:0]
	p.lastRes, p.lastScope = -1, -1
}

// where is the resource, scope and metric a point belongs to.
type where struct {
	resIdx, scopeIdx int
	rm               pmetric.ResourceMetrics
	sm               pmetric.ScopeMetrics
	m                pmetric.Metric
	service          any
}

// pointHead is what every data point type has; passed by value, since
// boxing the points in an interface would allocate for each.
type pointHead struct {
	attrs       pcommon.Map
	start, time pcommon.Timestamp
	flags       pmetric.DataPointFlags
}

func (p *pointCols) add(w *where, dp pointHead) {
	if p.lastRes == w.resIdx && len(p.ResourceAttrs.rows) > 0 {
		p.ResourceAttrs.Repeat()
	} else {
		p.ResourceAttrs.Append(w.rm.Resource().Attributes())
		p.h.hstr(w.rm.SchemaUrl())
		p.lastRes, p.lastScope = w.resIdx, -1
	}
	scope := w.sm.Scope()
	if p.lastScope == w.scopeIdx && len(p.ScopeAttrs.rows) > 0 {
		p.ScopeAttrs.Repeat()
	} else {
		p.ScopeAttrs.Append(scope.Attributes())
		p.h.hstr(scope.Version())
		p.h.hstr(w.sm.SchemaUrl())
		p.h.hu64(uint64(scope.DroppedAttributesCount()))
		p.lastScope = w.scopeIdx
	}
	p.ResourceSchema = append(p.ResourceSchema, w.rm.SchemaUrl())
	p.ScopeName = append(p.ScopeName, scope.Name())
	p.ScopeVersion = append(p.ScopeVersion, scope.Version())
	p.ScopeDropped = append(p.ScopeDropped, scope.DroppedAttributesCount())
	p.ScopeSchema = append(p.ScopeSchema, w.sm.SchemaUrl())
	p.ServiceName = append(p.ServiceName, w.service)
	p.MetricName = append(p.MetricName, w.m.Name())
	p.Description = append(p.Description, w.m.Description())
	p.Unit = append(p.Unit, w.m.Unit())
	p.Attrs.Append(dp.attrs)
	p.StartTime = append(p.StartTime, timeOf(dp.start))
	p.Time = append(p.Time, timeOf(dp.time))
	p.Flags = append(p.Flags, uint32(dp.flags))
	p.h.hstr(w.m.Name())
	p.h.hstr(w.m.Description())
	p.h.hstr(w.m.Unit())
	p.h.hstr(scope.Name())
	p.h.hu64(uint64(dp.start))
	p.h.hu64(uint64(dp.time))
	p.h.hu64(uint64(dp.flags))
}

func (p *pointCols) addExemplars(es pmetric.ExemplarSlice) {
	for i := range es.Len() {
		e := es.At(i)
		tid, sid := e.TraceID(), e.SpanID()
		v := e.DoubleValue()
		if e.ValueType() == pmetric.ExemplarValueTypeInt {
			v = float64(e.IntValue())
		}
		p.ExAttrs.Add(e.FilteredAttributes())
		p.ExTime.Add(timeOf(e.Timestamp()))
		p.ExValue.Add(v)
		p.ExSpanID.Add(p.c.hexID(sid[:]))
		p.ExTraceID.Add(p.c.hexID(tid[:]))
		p.h.hu64(uint64(e.Timestamp()))
		p.h.hf64(v)
		_, _ = p.h.hash.Write(tid[:])
		_, _ = p.h.hash.Write(sid[:])
	}
	p.ExAttrs.EndRow()
	p.ExTime.EndRow()
	p.ExValue.EndRow()
	p.ExSpanID.EndRow()
	p.ExTraceID.EndRow()
	p.h.hu64(uint64(es.Len()))
}

func (p *pointCols) head() []any {
	return append(p.cols[:0],
		p.ResourceAttrs.Rows(), p.ResourceSchema, p.ScopeName, p.ScopeVersion, p.ScopeAttrs.Rows(),
		p.ScopeDropped, p.ScopeSchema, p.ServiceName, p.MetricName, p.Description, p.Unit,
		p.Attrs.Rows(), p.StartTime, p.Time)
}

func (p *pointCols) exemplarCols(cols []any) []any {
	return append(cols, p.ExAttrs.Rows(), p.ExTime.Rows(), p.ExValue.Rows(), p.ExSpanID.Rows(), p.ExTraceID.Rows())
}

// Gauge is otel_metrics_gauge (and, with Temporality and Monotonic,
// otel_metrics_sum).
type Gauge struct {
	pointCols
	Value       []float64
	Temporality []int32
	Monotonic   []bool
}

func (g *Gauge) reset(c *common) {
	g.pointCols.reset(c)
	g.Value = g.Value[:0]
	g.Temporality = g.Temporality[:0]
	g.Monotonic = g.Monotonic[:0]
}

func (g *Gauge) add(w *where, dp pmetric.NumberDataPoint) {
	g.pointCols.add(w, pointHead{dp.Attributes(), dp.StartTimestamp(), dp.Timestamp(), dp.Flags()})
	v := dp.DoubleValue()
	if dp.ValueType() == pmetric.NumberDataPointValueTypeInt {
		v = float64(dp.IntValue())
	}
	g.Value = append(g.Value, v)
	g.h.hf64(v)
	g.addExemplars(dp.Exemplars())
}

// Rows is the number of rows filled.
func (g *Gauge) Rows() int { return len(g.Value) }

// GaugeColumns are the columns in schema.Gauge order.
func (g *Gauge) GaugeColumns() []any {
	cols := append(g.head(), g.Value, g.Flags)
	g.cols = g.exemplarCols(cols)
	return g.cols
}

// SumColumns are the columns in schema.Sum order.
func (g *Gauge) SumColumns() []any {
	cols := append(g.head(), g.Value, g.Flags)
	g.cols = append(g.exemplarCols(cols), g.Temporality, g.Monotonic)
	return g.cols
}

// Histogram is otel_metrics_histogram.
type Histogram struct {
	pointCols
	Count       []uint64
	Sum         []float64
	Buckets     Arr[uint64]
	Bounds      Arr[float64]
	Min, Max    []float64
	Temporality []int32
}

func (h *Histogram) reset(c *common) {
	h.pointCols.reset(c)
	h.Count, h.Sum = h.Count[:0], h.Sum[:0]
	h.Buckets.reset()
	h.Bounds.reset()
	h.Min, h.Max = h.Min[:0], h.Max[:0]
	h.Temporality = h.Temporality[:0]
}

func (h *Histogram) add(w *where, dp pmetric.HistogramDataPoint, temp pmetric.AggregationTemporality) {
	h.pointCols.add(w, pointHead{dp.Attributes(), dp.StartTimestamp(), dp.Timestamp(), dp.Flags()})
	h.Count = append(h.Count, dp.Count())
	h.Sum = append(h.Sum, dp.Sum())
	for _, c := range dp.BucketCounts().All() {
		h.Buckets.Add(c)
		h.h.hu64(c)
	}
	for _, b := range dp.ExplicitBounds().All() {
		h.Bounds.Add(b)
		h.h.hf64(b)
	}
	// the lengths keep a count moved into the bounds apart
	h.h.hu64(uint64(dp.BucketCounts().Len())<<32 | uint64(dp.ExplicitBounds().Len()))
	h.Buckets.EndRow()
	h.Bounds.EndRow()
	h.Min = append(h.Min, dp.Min())
	h.Max = append(h.Max, dp.Max())
	h.Temporality = append(h.Temporality, int32(temp))
	h.h.hu64(dp.Count())
	h.h.hf64(dp.Sum())
	h.h.hf64(dp.Min())
	h.h.hf64(dp.Max())
	h.addExemplars(dp.Exemplars())
}

// Rows is the number of rows filled.
func (h *Histogram) Rows() int { return len(h.Count) }

// Columns are the columns in schema.Histogram order.
func (h *Histogram) Columns() []any {
	cols := append(h.head(), h.Count, h.Sum, h.Buckets.Rows(), h.Bounds.Rows())
	h.cols = append(h.exemplarCols(cols), h.Flags, h.Min, h.Max, h.Temporality)
	return h.cols
}

// ExpHistogram is otel_metrics_exponential_histogram.
type ExpHistogram struct {
	pointCols
	Count, ZeroCount []uint64
	Sum              []float64
	Scale            []int32
	PosOffset        []int32
	PosBuckets       Arr[uint64]
	NegOffset        []int32
	NegBuckets       Arr[uint64]
	Min, Max         []float64
	Temporality      []int32
}

func (h *ExpHistogram) reset(c *common) {
	h.pointCols.reset(c)
	h.Count, h.ZeroCount, h.Sum, h.Scale = h.Count[:0], h.ZeroCount[:0], h.Sum[:0], h.Scale[:0]
	h.PosOffset, h.NegOffset = h.PosOffset[:0], h.NegOffset[:0]
	h.PosBuckets.reset()
	h.NegBuckets.reset()
	h.Min, h.Max = h.Min[:0], h.Max[:0]
	h.Temporality = h.Temporality[:0]
}

func (h *ExpHistogram) add(w *where, dp pmetric.ExponentialHistogramDataPoint, temp pmetric.AggregationTemporality) {
	h.pointCols.add(w, pointHead{dp.Attributes(), dp.StartTimestamp(), dp.Timestamp(), dp.Flags()})
	h.Count = append(h.Count, dp.Count())
	h.Sum = append(h.Sum, dp.Sum())
	h.Scale = append(h.Scale, dp.Scale())
	h.ZeroCount = append(h.ZeroCount, dp.ZeroCount())
	h.PosOffset = append(h.PosOffset, dp.Positive().Offset())
	h.NegOffset = append(h.NegOffset, dp.Negative().Offset())
	for _, c := range dp.Positive().BucketCounts().All() {
		h.PosBuckets.Add(c)
		h.h.hu64(c)
	}
	h.h.hu64(uint64(dp.Positive().BucketCounts().Len()))
	for _, c := range dp.Negative().BucketCounts().All() {
		h.NegBuckets.Add(c)
		h.h.hu64(c)
	}
	h.h.hu64(uint64(dp.Negative().BucketCounts().Len()))
	h.PosBuckets.EndRow()
	h.NegBuckets.EndRow()
	h.Min = append(h.Min, dp.Min())
	h.Max = append(h.Max, dp.Max())
	h.Temporality = append(h.Temporality, int32(temp))
	h.h.hu64(dp.Count())
	h.h.hu64(dp.ZeroCount())
	h.h.hu64(uint64(dp.Scale())<<32 | uint64(uint32(dp.Positive().Offset())))
	h.h.hu64(uint64(uint32(dp.Negative().Offset())))
	h.h.hf64(dp.Sum())
	h.h.hf64(dp.Min())
	h.h.hf64(dp.Max())
	h.addExemplars(dp.Exemplars())
}

// Rows is the number of rows filled.
func (h *ExpHistogram) Rows() int { return len(h.Count) }

// Columns are the columns in schema.ExpHistogram order.
func (h *ExpHistogram) Columns() []any {
	cols := append(h.head(), h.Count, h.Sum, h.Scale, h.ZeroCount, h.PosOffset, h.PosBuckets.Rows(),
		h.NegOffset, h.NegBuckets.Rows())
	h.cols = append(h.exemplarCols(cols), h.Flags, h.Min, h.Max, h.Temporality)
	return h.cols
}

// Summary is otel_metrics_summary.
type Summary struct {
	pointCols
	Count     []uint64
	Sum       []float64
	Quantiles Arr[float64]
	Values    Arr[float64]
}

func (s *Summary) reset(c *common) {
	s.pointCols.reset(c)
	s.Count, s.Sum = s.Count[:0], s.Sum[:0]
	s.Quantiles.reset()
	s.Values.reset()
}

func (s *Summary) add(w *where, dp pmetric.SummaryDataPoint) {
	s.pointCols.add(w, pointHead{dp.Attributes(), dp.StartTimestamp(), dp.Timestamp(), dp.Flags()})
	s.Count = append(s.Count, dp.Count())
	s.Sum = append(s.Sum, dp.Sum())
	qs := dp.QuantileValues()
	for i := range qs.Len() {
		q := qs.At(i)
		s.Quantiles.Add(q.Quantile())
		s.Values.Add(q.Value())
		s.h.hf64(q.Quantile())
		s.h.hf64(q.Value())
	}
	s.h.hu64(uint64(qs.Len()))
	s.Quantiles.EndRow()
	s.Values.EndRow()
	s.h.hu64(s.Count[len(s.Count)-1])
	s.h.hf64(dp.Sum())
}

// Rows is the number of rows filled.
func (s *Summary) Rows() int { return len(s.Count) }

// Columns are the columns in schema.Summary order.
func (s *Summary) Columns() []any {
	s.cols = append(s.head(), s.Count, s.Sum, s.Quantiles.Rows(), s.Values.Rows(), s.Flags)
	return s.cols
}

// Metrics is the five metrics tables of one batch.
type Metrics struct {
	common
	Gauge        Gauge
	Sum          Gauge
	Histogram    Histogram
	ExpHistogram ExpHistogram
	Summary      Summary
	// Empty counts metrics with no data type set; they have no table.
	Empty int
}

// Reset empties the columns, keeping their memory.
func (b *Metrics) Reset() {
	b.reset()
	b.Gauge.reset(&b.common)
	b.Sum.reset(&b.common)
	b.Histogram.reset(&b.common)
	b.ExpHistogram.reset(&b.common)
	b.Summary.reset(&b.common)
	b.Empty = 0
}

// Fill appends every data point of md to its table.
func (b *Metrics) Fill(md pmetric.Metrics) {
	rms := md.ResourceMetrics()
	var w where
	for i := range rms.Len() {
		w.resIdx, w.rm = i, rms.At(i)
		w.service = b.intern(serviceName(w.rm.Resource().Attributes()))
		sms := w.rm.ScopeMetrics()
		for j := range sms.Len() {
			w.scopeIdx, w.sm = i<<20|j, sms.At(j)
			ms := w.sm.Metrics()
			for k := range ms.Len() {
				w.m = ms.At(k)
				b.fillMetric(&w)
			}
		}
	}
}

func (b *Metrics) fillMetric(w *where) {
	switch w.m.Type() {
	case pmetric.MetricTypeGauge:
		dps := w.m.Gauge().DataPoints()
		for i := range dps.Len() {
			b.Gauge.add(w, dps.At(i))
		}
	case pmetric.MetricTypeSum:
		s := w.m.Sum()
		dps := s.DataPoints()
		for i := range dps.Len() {
			b.Sum.add(w, dps.At(i))
			b.Sum.Temporality = append(b.Sum.Temporality, int32(s.AggregationTemporality()))
			b.Sum.Monotonic = append(b.Sum.Monotonic, s.IsMonotonic())
		}
		b.Sum.h.hu64(uint64(s.AggregationTemporality())<<1 | boolBit(s.IsMonotonic()))
	case pmetric.MetricTypeHistogram:
		h := w.m.Histogram()
		dps := h.DataPoints()
		for i := range dps.Len() {
			b.Histogram.add(w, dps.At(i), h.AggregationTemporality())
		}
	case pmetric.MetricTypeExponentialHistogram:
		h := w.m.ExponentialHistogram()
		dps := h.DataPoints()
		for i := range dps.Len() {
			b.ExpHistogram.add(w, dps.At(i), h.AggregationTemporality())
		}
	case pmetric.MetricTypeSummary:
		dps := w.m.Summary().DataPoints()
		for i := range dps.Len() {
			b.Summary.add(w, dps.At(i))
		}
	default:
		b.Empty++
	}
}

func boolBit(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// Token is this table's insert_deduplication_token: each metrics table
// has its own, so a retry of only the tables that failed gets the same
// token as their first attempt.
func (p *pointCols) Token() string { return p.h.Token() }
