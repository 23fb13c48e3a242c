// Package pdatasubset copies the part of a batch that an exporter has to
// send again: the log records, spans or data points chosen by their
// position in the batch's traversal (resource, scope, item). Exporters
// return the copy with consumererror.NewLogs/NewTraces/NewMetrics, so a
// retry carries only what did not arrive. Only failure paths use it, so it
// favours clarity over speed.
package pdatasubset

import (
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// Logs copies the log records of ld whose position keep accepts.
func Logs(ld plog.Logs, keep func(int) bool) plog.Logs {
	out := plog.NewLogs()
	i := 0
	for _, rl := range ld.ResourceLogs().All() {
		var orl plog.ResourceLogs
		for _, sl := range rl.ScopeLogs().All() {
			var osl plog.ScopeLogs
			for _, lr := range sl.LogRecords().All() {
				if !keep(i) {
					i++
					continue
				}
				i++
				if osl == (plog.ScopeLogs{}) {
					if orl == (plog.ResourceLogs{}) {
						orl = out.ResourceLogs().AppendEmpty()
						rl.Resource().CopyTo(orl.Resource())
						orl.SetSchemaUrl(rl.SchemaUrl())
					}
					osl = orl.ScopeLogs().AppendEmpty()
					sl.Scope().CopyTo(osl.Scope())
					osl.SetSchemaUrl(sl.SchemaUrl())
				}
				lr.CopyTo(osl.LogRecords().AppendEmpty())
			}
		}
	}
	return out
}

// Traces copies the spans of td whose position keep accepts.
func Traces(td ptrace.Traces, keep func(int) bool) ptrace.Traces {
	out := ptrace.NewTraces()
	i := 0
	for _, rs := range td.ResourceSpans().All() {
		var ors ptrace.ResourceSpans
		for _, ss := range rs.ScopeSpans().All() {
			var oss ptrace.ScopeSpans
			for _, sp := range ss.Spans().All() {
				if !keep(i) {
					i++
					continue
				}
				i++
				if oss == (ptrace.ScopeSpans{}) {
					if ors == (ptrace.ResourceSpans{}) {
						ors = out.ResourceSpans().AppendEmpty()
						rs.Resource().CopyTo(ors.Resource())
						ors.SetSchemaUrl(rs.SchemaUrl())
					}
					oss = ors.ScopeSpans().AppendEmpty()
					ss.Scope().CopyTo(oss.Scope())
					oss.SetSchemaUrl(ss.SchemaUrl())
				}
				sp.CopyTo(oss.Spans().AppendEmpty())
			}
		}
	}
	return out
}

// Metrics copies the data points of md whose position keep accepts, with
// their metric's name, description, unit and aggregation.
func Metrics(md pmetric.Metrics, keep func(int) bool) pmetric.Metrics {
	out := pmetric.NewMetrics()
	i := 0
	next := func() bool {
		k := keep(i)
		i++
		return k
	}
	for _, rm := range md.ResourceMetrics().All() {
		var orm pmetric.ResourceMetrics
		for _, sm := range rm.ScopeMetrics().All() {
			var osm pmetric.ScopeMetrics
			for _, m := range sm.Metrics().All() {
				om := pmetric.NewMetric()
				if !copyPoints(m, om, next) {
					continue
				}
				if osm == (pmetric.ScopeMetrics{}) {
					if orm == (pmetric.ResourceMetrics{}) {
						orm = out.ResourceMetrics().AppendEmpty()
						rm.Resource().CopyTo(orm.Resource())
						orm.SetSchemaUrl(rm.SchemaUrl())
					}
					osm = orm.ScopeMetrics().AppendEmpty()
					sm.Scope().CopyTo(osm.Scope())
					osm.SetSchemaUrl(sm.SchemaUrl())
				}
				om.MoveTo(osm.Metrics().AppendEmpty())
			}
		}
	}
	return out
}

// points is a data point slice of any metric type.
type points[T any] interface {
	Len() int
	At(int) T
	AppendEmpty() T
}

// copyKept copies the points of src that next accepts into dst and
// returns how many it copied.
func copyKept[T interface{ CopyTo(T) }, S points[T]](src, dst S, next func() bool) int {
	n := 0
	for j := 0; j < src.Len(); j++ {
		if next() {
			src.At(j).CopyTo(dst.AppendEmpty())
			n++
		}
	}
	return n
}

// copyPoints copies m's metadata and kept points into om; it reports
// whether any point was kept.
func copyPoints(m, om pmetric.Metric, next func() bool) bool {
	om.SetName(m.Name())
	om.SetDescription(m.Description())
	om.SetUnit(m.Unit())
	m.Metadata().CopyTo(om.Metadata())
	kept := 0
	switch m.Type() {
	case pmetric.MetricTypeGauge:
		kept = copyKept(m.Gauge().DataPoints(), om.SetEmptyGauge().DataPoints(), next)
	case pmetric.MetricTypeSum:
		s := om.SetEmptySum()
		s.SetIsMonotonic(m.Sum().IsMonotonic())
		s.SetAggregationTemporality(m.Sum().AggregationTemporality())
		kept = copyKept(m.Sum().DataPoints(), s.DataPoints(), next)
	case pmetric.MetricTypeHistogram:
		h := om.SetEmptyHistogram()
		h.SetAggregationTemporality(m.Histogram().AggregationTemporality())
		kept = copyKept(m.Histogram().DataPoints(), h.DataPoints(), next)
	case pmetric.MetricTypeExponentialHistogram:
		h := om.SetEmptyExponentialHistogram()
		h.SetAggregationTemporality(m.ExponentialHistogram().AggregationTemporality())
		kept = copyKept(m.ExponentialHistogram().DataPoints(), h.DataPoints(), next)
	case pmetric.MetricTypeSummary:
		kept = copyKept(m.Summary().DataPoints(), om.SetEmptySummary().DataPoints(), next)
	}
	return kept > 0
}
