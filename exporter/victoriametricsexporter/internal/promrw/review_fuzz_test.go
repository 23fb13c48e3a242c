package promrw

import (
	"regexp"
	"testing"
	"time"

	"github.com/prometheus/prometheus/prompb"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

var (
	validLabelName  = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
	validMetricName = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)
)

// checkSeriesLabels is what a Prometheus-compatible receiver requires of
// a series: labels sorted by name, none twice, valid names, no empty
// value, a valid __name__.
func checkSeriesLabels(t *testing.T, ls []prompb.Label) {
	t.Helper()
	for i, l := range ls {
		if i > 0 && ls[i-1].Name >= l.Name {
			t.Fatalf("labels not strictly sorted at %q: %v", l.Name, ls)
		}
		if !validLabelName.MatchString(l.Name) {
			t.Fatalf("invalid label name %q in %v", l.Name, ls)
		}
		if l.Value == "" {
			t.Fatalf("empty value of %q in %v", l.Name, ls)
		}
		if l.Name == "__name__" && !validMetricName.MatchString(l.Value) {
			t.Fatalf("invalid metric name %q", l.Value)
		}
	}
}

// FuzzLabels feeds arbitrary keys and values to every label layer
// (extra_labels, resource attributes copied to labels, scope attributes,
// point attributes) and checks every series as a receiver would.
func FuzzLabels(f *testing.F) {
	f.Add("a.b", "a_b", "v1", "v2", "job", "le", "x.y", "1", uint8(0))
	f.Add("name", "version", "", "\xff", "__name__", "quantile", "otel_scope_a", "%", uint8(5))
	f.Fuzz(func(t *testing.T, k1, k2, v1, v2, k3, k4, name, unit string, kind uint8) {
		md := pmetric.NewMetrics()
		rm := md.ResourceMetrics().AppendEmpty()
		ra := rm.Resource().Attributes()
		ra.PutStr("service.name", v1)
		ra.PutStr("service.instance.id", v2)
		ra.PutStr(k1, v1)
		ra.PutStr(k3, v2)
		sm := rm.ScopeMetrics().AppendEmpty()
		sm.Scope().SetName(v2)
		sm.Scope().Attributes().PutStr(k1, v1)
		sm.Scope().Attributes().PutStr(k2, v2)
		sm.Scope().Attributes().PutStr(k4, v1)
		m := sm.Metrics().AppendEmpty()
		m.SetName(name)
		m.SetUnit(unit)
		var attrs pcommon.Map
		switch kind % 4 {
		case 0:
			dp := m.SetEmptyGauge().DataPoints().AppendEmpty()
			dp.SetDoubleValue(1)
			attrs = dp.Attributes()
		case 1:
			s := m.SetEmptySum()
			s.SetIsMonotonic(true)
			s.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
			dp := s.DataPoints().AppendEmpty()
			dp.SetDoubleValue(1)
			attrs = dp.Attributes()
			x := dp.Exemplars().AppendEmpty()
			x.SetDoubleValue(1)
			x.SetTraceID(pcommon.TraceID{1})
			for _, k := range []string{k1, k2, k3, k4} {
				x.FilteredAttributes().PutStr(k, v1+v2)
			}
		case 2:
			dp := m.SetEmptyHistogram().DataPoints().AppendEmpty()
			dp.ExplicitBounds().FromRaw([]float64{1})
			dp.BucketCounts().FromRaw([]uint64{1, 1})
			dp.SetCount(2)
			attrs = dp.Attributes()
		case 3:
			dp := m.SetEmptySummary().DataPoints().AppendEmpty()
			dp.QuantileValues().AppendEmpty().SetQuantile(0.5)
			attrs = dp.Attributes()
		}
		attrs.PutStr(k1, v2)
		attrs.PutStr(k2, v1)
		attrs.PutStr(k3, v1)
		attrs.PutStr(k4, v2)
		o := Options{
			AddMetricSuffixes: kind&4 == 0,
			Namespace:         map[bool]string{true: k3}[kind&8 != 0],
			ExtraLabels:       map[string]string{k1: v1, k4: v2},
			ResourceToLabels:  map[bool][]string{true: {"*"}, false: {k1, k3}}[kind&16 != 0],
			TargetInfo:        true,
			ExpHistogramMode:  ExpHistogramBuckets,
			Exemplars:         true,
		}
		var b Batch
		NewEncoder(o, NewDeltaState(10, time.Hour)).Encode(md, &b, time.Unix(1, 0))
		var wr prompb.WriteRequest
		if err := wr.Unmarshal(b.Marshal(nil, nil)); err != nil {
			t.Fatal(err)
		}
		for _, s := range wr.Timeseries {
			checkSeriesLabels(t, s.Labels)
			for _, x := range s.Exemplars {
				checkSeriesLabels(t, x.Labels)
			}
		}
	})
}
