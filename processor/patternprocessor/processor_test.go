package patternprocessor

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processortest"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/otelhub/otelhub/processor/patternprocessor/internal/metadata"
)

func newTestProcessor(t *testing.T, cfg *Config, tel *componenttest.Telemetry) processor.Logs {
	t.Helper()
	set := processortest.NewNopSettings(metadata.Type)
	if tel != nil {
		set.TelemetrySettings = tel.NewTelemetrySettings()
	}
	p, err := NewFactory().CreateLogs(context.Background(), set, cfg, consumertest.NewNop())
	require.NoError(t, err)
	require.NoError(t, p.Start(context.Background(), componenttest.NewNopHost()))
	t.Cleanup(func() { require.NoError(t, p.Shutdown(context.Background())) })
	return p
}

// newTestTelemetry is a telemetry sink shut down at the end of the test.
func newTestTelemetry(t *testing.T) *componenttest.Telemetry {
	t.Helper()
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	return tel
}

// logs builds one resource per service with the given bodies.
func logs(service string, bodies ...string) plog.Logs {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", service)
	lrs := rl.ScopeLogs().AppendEmpty().LogRecords()
	for _, b := range bodies {
		lrs.AppendEmpty().Body().SetStr(b)
	}
	return ld
}

func attr(lr plog.LogRecord, k string) string {
	v, _ := lr.Attributes().Get(k)
	return v.AsString()
}

func records(ld plog.Logs) []plog.LogRecord {
	var out []plog.LogRecord
	for _, rl := range ld.ResourceLogs().All() {
		for _, sl := range rl.ScopeLogs().All() {
			for _, lr := range sl.LogRecords().All() {
				out = append(out, lr)
			}
		}
	}
	return out
}

func TestSameTemplateSameIDFromTheFirstRecord(t *testing.T) {
	p := newTestProcessor(t, createDefaultConfig().(*Config), nil)
	ld := logs("api",
		"Accepted connection from 10.0.0.1:5000",
		"Accepted connection from 10.0.0.2:6000",
		"User alice logged in from 10.1.1.1",
		"Accepted connection from 192.168.1.9:7000",
	)
	require.NoError(t, p.ConsumeLogs(context.Background(), ld))
	rs := records(ld)
	id := attr(rs[0], "log.pattern.id")
	assert.Len(t, id, 16)
	assert.Equal(t, id, attr(rs[1], "log.pattern.id"))
	assert.Equal(t, id, attr(rs[3], "log.pattern.id"))
	assert.NotEqual(t, id, attr(rs[2], "log.pattern.id"))
	assert.Equal(t, "Accepted connection from <*>:<*>", attr(rs[3], "log.pattern.template"))
	assert.Equal(t, "User alice logged in from <*>", attr(rs[2], "log.pattern.template"))

	// The id keeps its meaning when the template generalizes later.
	more := logs("api", "User bob logged in from 10.1.1.2", "Accepted connection from 10.9.9.9:1")
	require.NoError(t, p.ConsumeLogs(context.Background(), more))
	ms := records(more)
	assert.Equal(t, attr(rs[2], "log.pattern.id"), attr(ms[0], "log.pattern.id"))
	assert.Equal(t, "User <*> logged in from <*>", attr(ms[0], "log.pattern.template"))
	assert.Equal(t, id, attr(ms[1], "log.pattern.id"))
}

// A replay of the same stream gives the same ids: they come from the
// partition and the first template, not from a counter.
func TestIDsAreReproducible(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	a, b := newTestProcessor(t, cfg, nil), newTestProcessor(t, cfg, nil)
	la, lb := logs("x", "disk sda1 full", "disk sdb2 full"), logs("x", "disk sda1 full", "disk sdb2 full")
	require.NoError(t, a.ConsumeLogs(context.Background(), la))
	require.NoError(t, b.ConsumeLogs(context.Background(), lb))
	assert.Equal(t, attr(records(la)[1], "log.pattern.id"), attr(records(lb)[1], "log.pattern.id"))
}

func TestPartitionsKeepSeparateState(t *testing.T) {
	p := newTestProcessor(t, createDefaultConfig().(*Config), nil)
	a, b := logs("a", "job 1 done"), logs("b", "job 2 done")
	require.NoError(t, p.ConsumeLogs(context.Background(), a))
	require.NoError(t, p.ConsumeLogs(context.Background(), b))
	assert.NotEqual(t, attr(records(a)[0], "log.pattern.id"), attr(records(b)[0], "log.pattern.id"))

	cfg := createDefaultConfig().(*Config)
	cfg.PartitionBy = nil
	g := newTestProcessor(t, cfg, nil)
	a, b = logs("a", "job 1 done"), logs("b", "job 2 done")
	require.NoError(t, g.ConsumeLogs(context.Background(), a))
	require.NoError(t, g.ConsumeLogs(context.Background(), b))
	assert.Equal(t, attr(records(a)[0], "log.pattern.id"), attr(records(b)[0], "log.pattern.id"))
}

func TestRulesTagMatchingRecords(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.Rules = []Rule{
		{Name: "error", Keywords: []string{"ERROR", "exception"}},
		{Name: "timeout", Regex: `(?i)timed? ?out`},
		{Name: "auth_failure", Keywords: []string{"failed password"}},
	}
	p := newTestProcessor(t, cfg, nil)
	ld := logs("s", "Connection timed out after 30s", "NullPointerException in handler", "all good", "Failed password for root")
	rs := records(ld)
	rs[2].Attributes().PutStr("error.type", "an Error attribute")
	require.NoError(t, p.ConsumeLogs(context.Background(), ld))
	tags := func(lr plog.LogRecord) []any {
		v, ok := lr.Attributes().Get("log.pattern.tags")
		if !ok {
			return nil
		}
		return v.Slice().AsRaw()
	}
	assert.Equal(t, []any{"timeout"}, tags(rs[0]))
	assert.Equal(t, []any{"error"}, tags(rs[1]))
	assert.Equal(t, []any{"error"}, tags(rs[2]), "attributes are matched too")
	assert.Equal(t, []any{"auth_failure"}, tags(rs[3]))
}

// Odd input never panics, and every record is tagged: empty and
// non-string bodies get a pattern of their own kind.
func TestBadInputIsTaggedAndCounted(t *testing.T) {
	tel := newTestTelemetry(t)
	cfg := createDefaultConfig().(*Config)
	cfg.MaxLineLength = 64
	p := newTestProcessor(t, cfg, tel)

	ld := logs("s", "", "   ", "bad \xff\xfe utf8 7", strings.Repeat("word ", 10_000), "ok line")
	lrs := ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
	lrs.AppendEmpty().Body().SetInt(42)
	lrs.AppendEmpty().Body().SetEmptyMap().PutStr("message", "from a map body 1")
	lrs.AppendEmpty().Body().SetEmptyMap().PutInt("other", 1)
	lrs.AppendEmpty() // no body at all
	lrs.AppendEmpty().Body().SetEmptySlice().AppendEmpty().SetDouble(1)
	ld.ResourceLogs().AppendEmpty() // empty resource
	require.NoError(t, p.ConsumeLogs(context.Background(), plog.NewLogs()))
	require.NoError(t, p.ConsumeLogs(context.Background(), ld))

	rs := records(ld)
	for i, lr := range rs {
		assert.Len(t, attr(lr, "log.pattern.id"), 16, "record %d", i)
		assert.NotEmpty(t, attr(lr, "log.pattern.template"), "record %d", i)
	}
	assert.Equal(t, "<empty>", attr(rs[0], "log.pattern.template"))
	assert.Equal(t, attr(rs[0], "log.pattern.id"), attr(rs[1], "log.pattern.id"))
	assert.Equal(t, attr(rs[0], "log.pattern.id"), attr(rs[8], "log.pattern.id"), "no body is empty too")
	assert.Equal(t, "bad \ufffd <*> <*>", attr(rs[2], "log.pattern.template"))
	assert.Equal(t, "<non-string:Int>", attr(rs[5], "log.pattern.template"))
	assert.Equal(t, "from a map body <*>", attr(rs[6], "log.pattern.template"))
	assert.Equal(t, "other=<*>", attr(rs[7], "log.pattern.template"), "a map without a message is mined by field")

	m, err := tel.GetMetric("otelcol_processor_pattern_special_records")
	require.NoError(t, err)
	got := map[string]int64{}
	for _, dp := range m.Data.(metricdata.Sum[int64]).DataPoints {
		r, _ := dp.Attributes.Value("reason")
		got[r.AsString()] = dp.Value
	}
	assert.Equal(t, map[string]int64{"empty": 3, "non_string": 2, "truncated": 1, "invalid_utf8": 1}, got)
	tagged, err := tel.GetMetric("otelcol_processor_pattern_records_tagged")
	require.NoError(t, err)
	assert.Equal(t, int64(len(rs)), tagged.Data.(metricdata.Sum[int64]).DataPoints[0].Value)
}

func TestMaxPatternsEvictsLeastRecentlyUsed(t *testing.T) {
	tel := newTestTelemetry(t)
	cfg := createDefaultConfig().(*Config)
	cfg.MaxPatterns = 3
	p := newTestProcessor(t, cfg, tel)
	var bodies []string
	for _, w := range []string{"alpha", "beta", "gamma", "delta", "epsilon"} {
		bodies = append(bodies, w+" started "+w+" worker")
	}
	require.NoError(t, p.ConsumeLogs(context.Background(), logs("s", bodies...)))
	m, err := tel.GetMetric("otelcol_processor_pattern_evictions")
	require.NoError(t, err)
	assert.Equal(t, int64(2), m.Data.(metricdata.Sum[int64]).DataPoints[0].Value)
	active, err := tel.GetMetric("otelcol_processor_pattern_active_patterns")
	require.NoError(t, err)
	assert.Equal(t, int64(3), active.Data.(metricdata.Gauge[int64]).DataPoints[0].Value)
}

func TestMutatesDataCapability(t *testing.T) {
	p := newTestProcessor(t, createDefaultConfig().(*Config), nil)
	assert.True(t, p.Capabilities().MutatesData)
}
