package victoriametricsexporter

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

func TestFilterPointsKeepsOnlyChosenPoints(t *testing.T) {
	md := pmetric.NewMetrics()
	ms := resourceMetrics(md, "a")
	g := ms.AppendEmpty()
	g.SetName("g")
	dps := g.SetEmptyGauge().DataPoints()
	for i := range 3 {
		dps.AppendEmpty().SetIntValue(int64(i))
	}
	h := ms.AppendEmpty()
	h.SetName("h")
	h.SetEmptyHistogram().DataPoints().AppendEmpty().SetCount(5)
	resourceMetrics(md, "b").AppendEmpty().SetName("empty") // no type, no points

	keys := []uint64{1, 2, 3, 4} // g0 g1 g2 h0
	out := filterPoints(md, keys, func(k uint64) bool { return k%2 == 0 })
	assert.Equal(t, 2, out.DataPointCount())
	assert.Equal(t, 1, out.ResourceMetrics().Len())
	got := out.ResourceMetrics().At(0).ScopeMetrics().At(0).Metrics()
	assert.Equal(t, int64(1), got.At(0).Gauge().DataPoints().At(0).IntValue())
	assert.Equal(t, uint64(5), got.At(1).Histogram().DataPoints().At(0).Count())
}
