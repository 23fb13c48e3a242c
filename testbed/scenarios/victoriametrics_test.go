package scenarios

import (
	"testing"

	"go.opentelemetry.io/collector/pdata/pmetric"
)

// The expected sample counts are written by hand from Prometheus' classic
// exposition: a histogram with 3 bounds is 4 buckets (le="+Inf" included),
// _count and _sum; without a sum, no _sum.
func TestRemoteWriteSamples(t *testing.T) {
	md := pmetric.NewMetrics()
	ms := md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty().Metrics()
	g := ms.AppendEmpty()
	g.SetName("g")
	g.SetEmptyGauge().DataPoints().AppendEmpty()
	g.Gauge().DataPoints().AppendEmpty()
	h := ms.AppendEmpty()
	h.SetName("h")
	dps := h.SetEmptyHistogram().DataPoints()
	withSum := dps.AppendEmpty()
	withSum.ExplicitBounds().FromRaw([]float64{1, 2, 3})
	withSum.SetSum(1)
	dps.AppendEmpty().ExplicitBounds().FromRaw([]float64{1})
	s := ms.AppendEmpty()
	s.SetName("s")
	s.SetEmptySummary().DataPoints().AppendEmpty().QuantileValues().AppendEmpty()

	n, err := remoteWriteSamples(md)
	if err != nil {
		t.Fatal(err)
	}
	// gauge 2 + histogram (4+1+1) + (2+1) + summary (1+2)
	if want := int64(2 + 6 + 3 + 3); n != want {
		t.Errorf("samples = %d, want %d", n, want)
	}

	ms.AppendEmpty().SetEmptyExponentialHistogram().DataPoints().AppendEmpty()
	if _, err := remoteWriteSamples(md); err == nil {
		t.Error("an exponential histogram has no fixed sample count; want an error")
	}
}
