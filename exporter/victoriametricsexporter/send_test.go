package victoriametricsexporter

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

func TestClassify(t *testing.T) {
	assert.NoError(t, classify(204, "", nil))
	assert.ErrorIs(t, classify(413, "", nil), errTooLarge)

	err := classify(429, "3", []byte("slow down"))
	assert.False(t, consumererror.IsPermanent(err))
	assert.Contains(t, err.Error(), "Throttle (3s)")

	err = classify(503, "", nil)
	assert.False(t, consumererror.IsPermanent(err))
	assert.NotContains(t, err.Error(), "Throttle")

	err = classify(400, "", []byte("cannot parse"))
	assert.True(t, consumererror.IsPermanent(err))
	var re *rejectedError
	assert.True(t, errors.As(err, &re))
	assert.Equal(t, 400, re.code)
	assert.Contains(t, err.Error(), "cannot parse")
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	d, ok := parseRetryAfter("7", now)
	assert.True(t, ok)
	assert.Equal(t, 7*time.Second, d)
	d, ok = parseRetryAfter(now.Add(90*time.Second).Format(http.TimeFormat), now)
	assert.True(t, ok)
	assert.Equal(t, 90*time.Second, d)
	_, ok = parseRetryAfter("soon", now)
	assert.False(t, ok)
}

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
