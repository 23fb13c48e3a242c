package semconvprocessor

import (
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

// checkMetric checks a metric's unit, instrument and deprecation (counted
// once per metric, with or without data points) and its data points'
// attributes, including those the metric requires. Annotations go to the
// metric's metadata, never to a data point: its attributes are the
// series' identity.
func (c *checker) checkMetric(m pmetric.Metric, n *counts) {
	c.annotated = c.annotated[:0]
	var required []string
	if rm, ok := c.reg.Metric(m.Name()); ok {
		required = rm.Required
		c.scratch = c.scratch[:0]
		if rm.Deprecated {
			c.add(kDeprecated, m.Name(), "")
		}
		if rm.Unit != m.Unit() {
			c.add(kUnitMismatch, m.Name(), "")
		}
		if got := instrumentOf(m); got != "" && rm.Instrument != "" && got != rm.Instrument {
			c.add(kUnexpectedInstrument, m.Name(), "")
		}
		c.applyMetricLevel(n)
	}
	forEachPointAttrs(m, func(attrs pcommon.Map) {
		c.scan(attrs)
		c.missing(attrs, required)
		c.apply(attrs, n) // annotations collect in c.annotated
	})
	c.flush(m.Metadata(), n)
}

// applyMetricLevel counts the metric's own findings and collects their
// annotations; fix and drop_attribute have nothing to change there.
func (c *checker) applyMetricLevel(n *counts) {
	for _, p := range c.scratch {
		n.findings[p.kind]++
		if c.actions[p.kind] == ActionAnnotate {
			c.annotated = append(c.annotated, note{kind: p.kind, key: p.key})
		}
	}
}

func instrumentOf(m pmetric.Metric) string {
	switch m.Type() {
	case pmetric.MetricTypeGauge:
		return "gauge"
	case pmetric.MetricTypeSum:
		if m.Sum().IsMonotonic() {
			return "counter"
		}
		return "updowncounter"
	case pmetric.MetricTypeHistogram, pmetric.MetricTypeExponentialHistogram:
		return "histogram"
	}
	return ""
}

func forEachPointAttrs(m pmetric.Metric, f func(pcommon.Map)) {
	switch m.Type() {
	case pmetric.MetricTypeGauge:
		for _, dp := range m.Gauge().DataPoints().All() {
			f(dp.Attributes())
		}
	case pmetric.MetricTypeSum:
		for _, dp := range m.Sum().DataPoints().All() {
			f(dp.Attributes())
		}
	case pmetric.MetricTypeHistogram:
		for _, dp := range m.Histogram().DataPoints().All() {
			f(dp.Attributes())
		}
	case pmetric.MetricTypeExponentialHistogram:
		for _, dp := range m.ExponentialHistogram().DataPoints().All() {
			f(dp.Attributes())
		}
	case pmetric.MetricTypeSummary:
		for _, dp := range m.Summary().DataPoints().All() {
			f(dp.Attributes())
		}
	}
}
