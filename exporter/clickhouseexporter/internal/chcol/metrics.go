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
	ResourceSchema Strs
	ScopeName      Strs
	ScopeVersion   Strs
	ScopeAttrs     MapCol
	ScopeDropped   Nums[uint32]
	ScopeSchema    Strs
	ServiceName    LCs
	MetricName     Strs
	Description    Strs
	Unit           Strs
	Attrs          MapCol
	StartTime      Times
	Time           Times
	ExAttrs        MapArr
	ExTime         Arr[time.Time]
	ExValue        Arr[float64]
	ExSpanID       Arr[string]
	ExTraceID      Arr[string]
	Flags          Nums[uint32]
	lastRes        int // resource index the ResourceAttrs last row came from
	lastScope      int
	cols           []Col
}

// reset empties the table's columns (cols: all of them, in table order)
// for the next batch.
func (p *pointCols) reset(c *common, cols []Col) {
	p.c = c
	p.h.resetHash()
	resetCols(c, &p.h, cols)
	p.lastRes, p.lastScope = -1, -1
}

// where is the resource, scope and metric a point belongs to.
type where struct {
	resIdx, scopeIdx int
	rm               pmetric.ResourceMetrics
	sm               pmetric.ScopeMetrics
	m                pmetric.Metric
	service          uint32
}

// pointHead is what every data point type has; passed by value, since
// boxing the points in an interface would allocate for each.
type pointHead struct {
	attrs       pcommon.Map
	start, time pcommon.Timestamp
	flags       pmetric.DataPointFlags
}

func (p *pointCols) add(w *where, dp pointHead) {
	if p.lastRes == w.resIdx && p.ResourceAttrs.Len() > 0 {
		p.ResourceAttrs.Repeat()
	} else {
		p.ResourceAttrs.Append(w.rm.Resource().Attributes())
		p.h.hstr(w.rm.SchemaUrl())
		p.lastRes, p.lastScope = w.resIdx, -1
	}
	scope := w.sm.Scope()
	if p.lastScope == w.scopeIdx && p.ScopeAttrs.Len() > 0 {
		p.ScopeAttrs.Repeat()
	} else {
		p.ScopeAttrs.Append(scope.Attributes())
		p.h.hstr(scope.Version())
		p.h.hstr(w.sm.SchemaUrl())
		p.h.hu64(uint64(scope.DroppedAttributesCount()))
		p.lastScope = w.scopeIdx
	}
	p.ResourceSchema.Append(w.rm.SchemaUrl())
	p.ScopeName.Append(scope.Name())
	p.ScopeVersion.Append(scope.Version())
	p.ScopeDropped.Append(scope.DroppedAttributesCount())
	p.ScopeSchema.Append(w.sm.SchemaUrl())
	p.ServiceName.Append(w.service)
	p.MetricName.Append(w.m.Name())
	p.Description.Append(w.m.Description())
	p.Unit.Append(w.m.Unit())
	p.Attrs.Append(dp.attrs)
	p.StartTime.Append(uint64(dp.start))
	p.Time.Append(uint64(dp.time))
	p.Flags.Append(uint32(dp.flags))
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
		p.h.hbytes(tid[:])
		p.h.hbytes(sid[:])
	}
	p.ExAttrs.EndRow()
	p.ExTime.EndRow()
	p.ExValue.EndRow()
	p.ExSpanID.EndRow()
	p.ExTraceID.EndRow()
	p.h.hu64(uint64(es.Len()))
}

func (p *pointCols) head() []Col {
	return append(p.cols[:0],
		&p.ResourceAttrs, &p.ResourceSchema, &p.ScopeName, &p.ScopeVersion, &p.ScopeAttrs,
		&p.ScopeDropped, &p.ScopeSchema, &p.ServiceName, &p.MetricName, &p.Description, &p.Unit,
		&p.Attrs, &p.StartTime, &p.Time)
}

func (p *pointCols) exemplarCols(cols []Col) []Col {
	return append(cols, &p.ExAttrs, &p.ExTime, &p.ExValue, &p.ExSpanID, &p.ExTraceID)
}

// Gauge is otel_metrics_gauge (and, with Temporality and Monotonic,
// otel_metrics_sum).
type Gauge struct {
	pointCols
	Value       Nums[float64]
	Temporality Nums[int32]
	Monotonic   Nums[bool]
}

// The sum table's columns include all of the gauge table's.
func (g *Gauge) reset(c *common) { g.pointCols.reset(c, g.SumColumns()) }

func (g *Gauge) add(w *where, dp pmetric.NumberDataPoint) {
	g.pointCols.add(w, pointHead{dp.Attributes(), dp.StartTimestamp(), dp.Timestamp(), dp.Flags()})
	v := dp.DoubleValue()
	if dp.ValueType() == pmetric.NumberDataPointValueTypeInt {
		v = float64(dp.IntValue())
	}
	g.Value.Append(v)
	g.h.hf64(v)
	g.addExemplars(dp.Exemplars())
}

// Rows is the number of rows filled.
func (g *Gauge) Rows() int { return g.Value.Len() }

// GaugeColumns are the columns in schema.Gauge order.
func (g *Gauge) GaugeColumns() []Col {
	cols := append(g.head(), &g.Value, &g.Flags)
	g.cols = g.exemplarCols(cols)
	return g.cols
}

// SumColumns are the columns in schema.Sum order.
func (g *Gauge) SumColumns() []Col {
	cols := append(g.head(), &g.Value, &g.Flags)
	g.cols = append(g.exemplarCols(cols), &g.Temporality, &g.Monotonic)
	return g.cols
}

// Histogram is otel_metrics_histogram.
type Histogram struct {
	pointCols
	Count       Nums[uint64]
	Sum         Nums[float64]
	Buckets     Arr[uint64]
	Bounds      Arr[float64]
	Min, Max    Nums[float64]
	Temporality Nums[int32]
}

func (h *Histogram) reset(c *common) { h.pointCols.reset(c, h.Columns()) }

func (h *Histogram) add(w *where, dp pmetric.HistogramDataPoint, temp pmetric.AggregationTemporality) {
	h.pointCols.add(w, pointHead{dp.Attributes(), dp.StartTimestamp(), dp.Timestamp(), dp.Flags()})
	h.Count.Append(dp.Count())
	h.Sum.Append(dp.Sum())
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
	h.Min.Append(dp.Min())
	h.Max.Append(dp.Max())
	h.Temporality.Append(int32(temp))
	h.h.hu64(uint64(temp))
	h.h.hu64(dp.Count())
	h.h.hf64(dp.Sum())
	h.h.hf64(dp.Min())
	h.h.hf64(dp.Max())
	h.addExemplars(dp.Exemplars())
}

// Rows is the number of rows filled.
func (h *Histogram) Rows() int { return h.Count.Len() }

// Columns are the columns in schema.Histogram order.
func (h *Histogram) Columns() []Col {
	cols := append(h.head(), &h.Count, &h.Sum, &h.Buckets, &h.Bounds)
	h.cols = append(h.exemplarCols(cols), &h.Flags, &h.Min, &h.Max, &h.Temporality)
	return h.cols
}

// ExpHistogram is otel_metrics_exponential_histogram.
type ExpHistogram struct {
	pointCols
	Count, ZeroCount Nums[uint64]
	Sum              Nums[float64]
	Scale            Nums[int32]
	PosOffset        Nums[int32]
	PosBuckets       Arr[uint64]
	NegOffset        Nums[int32]
	NegBuckets       Arr[uint64]
	Min, Max         Nums[float64]
	Temporality      Nums[int32]
}

func (h *ExpHistogram) reset(c *common) { h.pointCols.reset(c, h.Columns()) }

func (h *ExpHistogram) add(w *where, dp pmetric.ExponentialHistogramDataPoint, temp pmetric.AggregationTemporality) {
	h.pointCols.add(w, pointHead{dp.Attributes(), dp.StartTimestamp(), dp.Timestamp(), dp.Flags()})
	h.Count.Append(dp.Count())
	h.Sum.Append(dp.Sum())
	h.Scale.Append(dp.Scale())
	h.ZeroCount.Append(dp.ZeroCount())
	h.PosOffset.Append(dp.Positive().Offset())
	h.NegOffset.Append(dp.Negative().Offset())
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
	h.Min.Append(dp.Min())
	h.Max.Append(dp.Max())
	h.Temporality.Append(int32(temp))
	h.h.hu64(uint64(temp))
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
func (h *ExpHistogram) Rows() int { return h.Count.Len() }

// Columns are the columns in schema.ExpHistogram order.
func (h *ExpHistogram) Columns() []Col {
	cols := append(h.head(), &h.Count, &h.Sum, &h.Scale, &h.ZeroCount, &h.PosOffset, &h.PosBuckets,
		&h.NegOffset, &h.NegBuckets)
	h.cols = append(h.exemplarCols(cols), &h.Flags, &h.Min, &h.Max, &h.Temporality)
	return h.cols
}

// Summary is otel_metrics_summary.
type Summary struct {
	pointCols
	Count     Nums[uint64]
	Sum       Nums[float64]
	Quantiles Arr[float64]
	Values    Arr[float64]
}

func (s *Summary) reset(c *common) { s.pointCols.reset(c, s.Columns()) }

func (s *Summary) add(w *where, dp pmetric.SummaryDataPoint) {
	s.pointCols.add(w, pointHead{dp.Attributes(), dp.StartTimestamp(), dp.Timestamp(), dp.Flags()})
	s.Count.Append(dp.Count())
	s.Sum.Append(dp.Sum())
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
	s.h.hu64(dp.Count())
	s.h.hf64(dp.Sum())
}

// Rows is the number of rows filled.
func (s *Summary) Rows() int { return s.Count.Len() }

// Columns are the columns in schema.Summary order.
func (s *Summary) Columns() []Col {
	s.cols = append(s.head(), &s.Count, &s.Sum, &s.Quantiles, &s.Values, &s.Flags)
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
			b.Sum.Temporality.Append(int32(s.AggregationTemporality()))
			b.Sum.Monotonic.Append(s.IsMonotonic())
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
