package pdatasubset

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

func even(i int) bool { return i%2 == 0 }

func TestLogsKeepsChosenRecordsWithTheirResource(t *testing.T) {
	ld := plog.NewLogs()
	for r := range 2 {
		rl := ld.ResourceLogs().AppendEmpty()
		rl.Resource().Attributes().PutInt("r", int64(r))
		lrs := rl.ScopeLogs().AppendEmpty().LogRecords()
		for i := range 3 {
			lrs.AppendEmpty().Body().SetInt(int64(r*3 + i))
		}
	}
	out := Logs(ld, even) // 0 2 | 4
	assert.Equal(t, 3, out.LogRecordCount())
	assert.Equal(t, int64(2), out.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(1).Body().Int())
	r, _ := out.ResourceLogs().At(1).Resource().Attributes().Get("r")
	assert.Equal(t, int64(1), r.Int())
	assert.Equal(t, 0, Logs(ld, func(int) bool { return false }).ResourceLogs().Len())
}

func TestTracesKeepsChosenSpans(t *testing.T) {
	td := ptrace.NewTraces()
	ss := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans()
	for _, n := range []string{"a", "b", "c"} {
		ss.AppendEmpty().SetName(n)
	}
	out := Traces(td, func(i int) bool { return i == 1 })
	assert.Equal(t, 1, out.SpanCount())
	assert.Equal(t, "b", out.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).Name())
}

func TestMetricsKeepsChosenPoints(t *testing.T) {
	md := pmetric.NewMetrics()
	ms := md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty().Metrics()
	g := ms.AppendEmpty()
	g.SetName("g")
	dps := g.SetEmptyGauge().DataPoints()
	for i := range 3 {
		dps.AppendEmpty().SetIntValue(int64(i))
	}
	h := ms.AppendEmpty()
	h.SetName("h")
	h.SetEmptyHistogram().DataPoints().AppendEmpty().SetCount(5)
	ms.AppendEmpty().SetName("empty")
	out := Metrics(md, func(i int) bool { return i == 1 || i == 3 })
	assert.Equal(t, 2, out.DataPointCount())
	got := out.ResourceMetrics().At(0).ScopeMetrics().At(0).Metrics()
	assert.Equal(t, int64(1), got.At(0).Gauge().DataPoints().At(0).IntValue())
	assert.Equal(t, uint64(5), got.At(1).Histogram().DataPoints().At(0).Count())
}
