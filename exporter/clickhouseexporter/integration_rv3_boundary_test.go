package clickhouseexporter

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/otelhub/otelhub/internal/testserver"
)

// attrRow is one stored row's own text and the resource and scope
// attributes it got.
type attrRow struct {
	Key   string            `ch:"Key"`
	Res   map[string]string `ch:"ResourceAttributes"`
	Scope map[string]string `ch:"ScopeAttributes"`
}

func readAttrRows(t *testing.T, s *testserver.Server, query string) map[string]attrRow {
	t.Helper()
	var rows []attrRow
	require.NoError(t, reader(t, s).Select(context.Background(), &rows, query))
	out := map[string]attrRow{}
	for _, r := range rows {
		out[r.Key] = r
	}
	return out
}

// boundary is the layout used for every signal: resource A with scope
// s1 {k=1} (two items), an empty scope s2 {k=2}, scope s3 {} (one
// item); resource B with attributes and no scopes; resource C with one
// scope {k=4} and one item. Each item must carry its own resource and
// scope attributes (the block repeats the previous row's: that must stop
// at every boundary).
var (
	resA   = map[string]string{"service.name": "a", "only.a": "1"}
	resC   = map[string]string{"service.name": "c"}
	scope1 = map[string]string{"k": "1"}
	scope4 = map[string]string{"k": "4"}
	want   = map[string][2]map[string]string{
		"i1": {resA, scope1}, "i2": {resA, scope1}, "i3": {resA, {}}, "i4": {resC, scope4},
	}
)

func putAll(m pcommon.Map, kv map[string]string) {
	for k, v := range kv {
		m.PutStr(k, v)
	}
}

func checkAttrRows(t *testing.T, got map[string]attrRow) {
	t.Helper()
	require.Len(t, got, len(want))
	for key, w := range want {
		assert.Equal(t, w[0], got[key].Res, "%s resource", key)
		if len(w[1]) == 0 {
			assert.Empty(t, got[key].Scope, "%s scope", key)
		} else {
			assert.Equal(t, w[1], got[key].Scope, "%s scope", key)
		}
	}
}

func TestIntegrationChDBAttributesAcrossBoundariesLogs(t *testing.T) {
	s := testserver.ChDB(t)
	e := logsExporter(t, chdbConfig(s))
	ld := plog.NewLogs()
	add := func(sl plog.ScopeLogs, body string) {
		sl.LogRecords().AppendEmpty().Body().SetStr(body)
	}
	ra := ld.ResourceLogs().AppendEmpty()
	putAll(ra.Resource().Attributes(), resA)
	s1 := ra.ScopeLogs().AppendEmpty()
	putAll(s1.Scope().Attributes(), scope1)
	add(s1, "i1")
	add(s1, "i2")
	ra.ScopeLogs().AppendEmpty().Scope().Attributes().PutStr("k", "2")
	add(ra.ScopeLogs().AppendEmpty(), "i3")
	ld.ResourceLogs().AppendEmpty().Resource().Attributes().PutStr("service.name", "b")
	rc := ld.ResourceLogs().AppendEmpty()
	putAll(rc.Resource().Attributes(), resC)
	s4 := rc.ScopeLogs().AppendEmpty()
	putAll(s4.Scope().Attributes(), scope4)
	add(s4, "i4")
	require.NoError(t, e.ConsumeLogs(context.Background(), ld))
	checkAttrRows(t, readAttrRows(t, s, "SELECT Body AS Key, ResourceAttributes, ScopeAttributes FROM otel.otel_logs"))
}

// Metrics: the gauge table's rows come from scopes s1 and s3 and
// resource C; scope s2 holds only a sum, so the gauge table sees s1 then
// s3 with nothing of its own in between.
func TestIntegrationChDBAttributesAcrossBoundariesMetrics(t *testing.T) {
	s := testserver.ChDB(t)
	e := metricsExporter(t, chdbConfig(s))
	md := pmetric.NewMetrics()
	add := func(sm pmetric.ScopeMetrics, name string) {
		m := sm.Metrics().AppendEmpty()
		m.SetName(name)
		m.SetEmptyGauge().DataPoints().AppendEmpty().SetDoubleValue(1)
	}
	ra := md.ResourceMetrics().AppendEmpty()
	putAll(ra.Resource().Attributes(), resA)
	s1 := ra.ScopeMetrics().AppendEmpty()
	putAll(s1.Scope().Attributes(), scope1)
	add(s1, "i1")
	add(s1, "i2")
	s2 := ra.ScopeMetrics().AppendEmpty()
	s2.Scope().Attributes().PutStr("k", "2")
	sum := s2.Metrics().AppendEmpty()
	sum.SetName("only-sum")
	sum.SetEmptySum().DataPoints().AppendEmpty().SetIntValue(1)
	add(ra.ScopeMetrics().AppendEmpty(), "i3")
	md.ResourceMetrics().AppendEmpty().Resource().Attributes().PutStr("service.name", "b")
	rc := md.ResourceMetrics().AppendEmpty()
	putAll(rc.Resource().Attributes(), resC)
	s4 := rc.ScopeMetrics().AppendEmpty()
	putAll(s4.Scope().Attributes(), scope4)
	add(s4, "i4")
	require.NoError(t, e.ConsumeMetrics(context.Background(), md))
	checkAttrRows(t, readAttrRows(t, s, "SELECT MetricName AS Key, ResourceAttributes, ScopeAttributes FROM otel.otel_metrics_gauge"))
	sums := readAttrRows(t, s, "SELECT MetricName AS Key, ResourceAttributes, ScopeAttributes FROM otel.otel_metrics_sum")
	assert.Equal(t, map[string]string{"k": "2"}, sums["only-sum"].Scope)
	assert.Equal(t, resA, sums["only-sum"].Res)
}
