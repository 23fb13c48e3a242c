package victoriametricsexporter

import (
	"go.opentelemetry.io/collector/pdata/pmetric"
)

// filterPoints copies the data points of md whose key keep accepts. keys
// holds one key per data point in traversal order (resource, scope,
// metric, point), as the encoder recorded them. Only the failure path uses
// it, so it favours clarity over speed.
func filterPoints(md pmetric.Metrics, keys []uint64, keep func(uint64) bool) pmetric.Metrics {
	out := pmetric.NewMetrics()
	i := 0
	next := func() bool {
		k := i < len(keys) && keep(keys[i])
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

// copyPoints copies m's metadata and kept points into om; it reports
// whether any point was kept.
func copyPoints(m, om pmetric.Metric, next func() bool) bool {
	om.SetName(m.Name())
	om.SetDescription(m.Description())
	om.SetUnit(m.Unit())
	kept := 0
	switch m.Type() {
	case pmetric.MetricTypeGauge:
		dst := om.SetEmptyGauge().DataPoints()
		for _, dp := range m.Gauge().DataPoints().All() {
			if next() {
				dp.CopyTo(dst.AppendEmpty())
				kept++
			}
		}
	case pmetric.MetricTypeSum:
		s := om.SetEmptySum()
		s.SetIsMonotonic(m.Sum().IsMonotonic())
		s.SetAggregationTemporality(m.Sum().AggregationTemporality())
		for _, dp := range m.Sum().DataPoints().All() {
			if next() {
				dp.CopyTo(s.DataPoints().AppendEmpty())
				kept++
			}
		}
	case pmetric.MetricTypeHistogram:
		h := om.SetEmptyHistogram()
		h.SetAggregationTemporality(m.Histogram().AggregationTemporality())
		for _, dp := range m.Histogram().DataPoints().All() {
			if next() {
				dp.CopyTo(h.DataPoints().AppendEmpty())
				kept++
			}
		}
	case pmetric.MetricTypeExponentialHistogram:
		h := om.SetEmptyExponentialHistogram()
		h.SetAggregationTemporality(m.ExponentialHistogram().AggregationTemporality())
		for _, dp := range m.ExponentialHistogram().DataPoints().All() {
			if next() {
				dp.CopyTo(h.DataPoints().AppendEmpty())
				kept++
			}
		}
	case pmetric.MetricTypeSummary:
		dst := om.SetEmptySummary().DataPoints()
		for _, dp := range m.Summary().DataPoints().All() {
			if next() {
				dp.CopyTo(dst.AppendEmpty())
				kept++
			}
		}
	}
	return kept > 0
}
