package patternprocessor

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processortest"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/otelhub/otelhub/processor/patternprocessor/internal/metadata"
)

// Tests written by an independent review of issue 10, on inputs the
// author did not design on.

// A map body whose message is under "msg" (not body_field, "message") is
// mined field by field like one with "message"; before, every such
// record got the one pattern "<non-string:Map>".
func TestMapBodyWithMsgKeyIsMined(t *testing.T) {
	p := newTestProcessor(t, createDefaultConfig().(*Config), nil)
	ld := logs("svc")
	lrs := ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
	for _, m := range []string{"server started", "database connection refused", "server started"} {
		b := lrs.AppendEmpty().Body().SetEmptyMap()
		b.PutStr("level", "info")
		b.PutStr("msg", m)
		b.PutInt("pid", 42)
	}
	lrs.AppendEmpty().Body().SetEmptyMap().PutStr("user", "alice") // no message at all
	require.NoError(t, p.ConsumeLogs(context.Background(), ld))
	rs := records(ld)
	assert.Equal(t, "level=info server started pid=<*>", attr(rs[0], "log.pattern.template"))
	assert.Equal(t, "level=info database connection refused pid=<*>", attr(rs[1], "log.pattern.template"))
	assert.Equal(t, attr(rs[0], "log.pattern.id"), attr(rs[2], "log.pattern.id"))
	assert.Equal(t, "user=<*>", attr(rs[3], "log.pattern.template"))
}

// A JSON or logfmt line longer than max_line_length (a stack trace in a
// field) is still mined by field: the cut object keeps its level and
// message. Before, the cut line was no longer JSON and every quoted span
// was masked, so records with different messages and the same stack
// shared a pattern.
func TestLongStructuredLineKeepsItsFields(t *testing.T) {
	stack := strings.Repeat(`at com.example.Foo.bar(Foo.java:12)\n\t`, 200)
	bodies := []string{
		`{"level":"error","msg":"payment declined","stack":"` + stack + `"}`,
		`{"level":"error","msg":"database connection refused","stack":"` + stack + `"}`,
		`{"level":"error","msg":"payment declined","stack":"` + stack + `x"}`,
		`level=error msg="payment declined" stack="` + stack + `"`,
		`level=error msg="database connection refused" stack="` + stack + `"`,
	}
	ids, tpls := mineBodies(t, bodies...)
	require.Greater(t, len(bodies[0]), createDefaultConfig().(*Config).MaxLineLength)
	assert.Equal(t, "level=error payment declined stack=<*>", tpls[0])
	assert.NotEqual(t, ids[0], ids[1])
	assert.Equal(t, ids[0], ids[2])
	assert.Equal(t, "level=error payment declined stack=<*>", tpls[3])
	assert.NotEqual(t, ids[3], ids[4])
}

func mineBodies(t *testing.T, bodies ...string) (ids, tpls []string) {
	t.Helper()
	p := newTestProcessor(t, createDefaultConfig().(*Config), nil)
	ld := logs("svc", bodies...)
	require.NoError(t, p.ConsumeLogs(context.Background(), ld))
	for _, lr := range records(ld) {
		ids = append(ids, attr(lr, "log.pattern.id"))
		tpls = append(tpls, attr(lr, "log.pattern.template"))
	}
	return ids, tpls
}

// When the pipeline cannot be read from the logger (a collector that
// wraps its loggers differently), two instances of the same processor
// with storage must not share a state silently: the second Start fails
// and says why. A storage that does not lock (memStorage) would
// otherwise let the last shutdown overwrite the other's state.
func TestUnknownPipelineSharingStorageFailsLoudly(t *testing.T) {
	host := hostWith{storageID: &memStorage{data: map[string][]byte{}}}
	cfg := createDefaultConfig().(*Config)
	cfg.Storage = &storageID
	set := processortest.NewNopSettings(metadata.Type) // its logger names no pipeline
	first, err := NewFactory().CreateLogs(context.Background(), set, cfg, consumertest.NewNop())
	require.NoError(t, err)
	require.NoError(t, first.Start(context.Background(), host))
	second, err := NewFactory().CreateLogs(context.Background(), set, cfg, consumertest.NewNop())
	require.NoError(t, err)
	err = second.Start(context.Background(), host)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "pattern")
	require.NoError(t, second.Shutdown(context.Background()))
	require.NoError(t, first.Shutdown(context.Background()))

	// Once the first has shut down, its state key is free again.
	third, err := NewFactory().CreateLogs(context.Background(), set, cfg, consumertest.NewNop())
	require.NoError(t, err)
	require.NoError(t, third.Start(context.Background(), host))
	require.NoError(t, third.Shutdown(context.Background()))
	_ = component.KindProcessor
}

// A map body is bounded by max_line_length like a string body: a map with
// ten thousand fields (or one huge message field) gives a template of
// at most about max_line_length bytes. Before, every field became a
// token, so one record's pattern could outgrow max_memory_mib on its own.
func TestHugeMapBodyIsBounded(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.MaxLineLength = 1024
	p := newTestProcessor(t, cfg, nil)
	ld := logs("svc")
	lrs := ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
	m := lrs.AppendEmpty().Body().SetEmptyMap()
	for i := range 10_000 {
		m.PutInt(fmt.Sprintf("field_%d", i), int64(i))
	}
	m2 := lrs.AppendEmpty().Body().SetEmptyMap()
	m2.PutStr("level", "info")
	m2.PutStr("msg", strings.Repeat("word ", 1<<18))
	require.NoError(t, p.ConsumeLogs(context.Background(), ld))
	for i, lr := range records(ld) {
		tpl := attr(lr, "log.pattern.template")
		assert.LessOrEqual(t, len(tpl), 2*cfg.MaxLineLength, "record %d: template of %d bytes", i, len(tpl))
	}
}

// BenchmarkConsumeLogsStructured is BenchmarkConsumeLogs on JSON and
// logfmt lines (the structured path, with escapes), which that benchmark
// does not exercise.
func BenchmarkConsumeLogsStructured(b *testing.B) {
	const batches, size = 16, 1000
	proc, err := NewFactory().CreateLogs(context.Background(), processortest.NewNopSettings(metadata.Type),
		createDefaultConfig(), consumertest.NewNop())
	if err != nil {
		b.Fatal(err)
	}
	msgs := []string{"server started", "payment declined", "user \"x\" logged in", "cache flushed after resize"}
	src := make([]plog.Logs, batches)
	for i := range src {
		var bodies []string
		for j := range size {
			m := msgs[(i+j)%len(msgs)]
			if j%2 == 0 {
				q, _ := json.Marshal(m)
				bodies = append(bodies, fmt.Sprintf(`{"ts":"2024-05-01T10:%02d:00Z","level":"info","msg":%s,"user_id":%d,"ctx":{"a":[1,2]}}`, j%60, q, j))
			} else {
				bodies = append(bodies, fmt.Sprintf(`ts=2024-05-01T10:%02d:00Z level=warn msg=%q user_id=%d`, j%60, m, j))
			}
		}
		src[i] = logs("svc", bodies...)
	}
	consumeFresh(b, proc, src, size)
}

// consumeFresh times ConsumeLogs on fresh copies of the batches (so that
// attributes start empty) and reports records per second.
func consumeFresh(b *testing.B, proc processor.Logs, src []plog.Logs, size int) {
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		work := plog.NewLogs()
		src[i%len(src)].CopyTo(work)
		b.StartTimer()
		if err := proc.ConsumeLogs(ctx, work); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*size)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkConsumeLogsNameLikeFirstTokens mines 3,000 distinct templates
// of one length whose first token looks like a name ("com.apple.X:"), the
// case where the first token does not key the group. When such lines
// shared one group per length, each line was compared with every
// template of its length: 34k to 58k records/s on this machine, against
// 2.2M with plain first words.
func BenchmarkConsumeLogsNameLikeFirstTokens(b *testing.B) {
	words := []string{"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo", "lima"}
	w := func(i int) string { return words[i%len(words)] + words[(i/len(words))%len(words)] }
	var bodies []string
	for i := range 3000 {
		bodies = append(bodies, fmt.Sprintf("com.apple.%s: %s %s %s %s", w(i), w(i+1), w(i*7+3), w(i*13+5), w(i*31+7)))
	}
	proc, err := NewFactory().CreateLogs(context.Background(), processortest.NewNopSettings(metadata.Type),
		createDefaultConfig(), consumertest.NewNop())
	if err != nil {
		b.Fatal(err)
	}
	src := logs("svc", bodies...)
	if err := proc.ConsumeLogs(context.Background(), src); err != nil { // learn them first
		b.Fatal(err)
	}
	consumeFresh(b, proc, []plog.Logs{src}, len(bodies))
}

// When a new partition's first pattern goes past max_memory_mib, what is
// forgotten is a few of the oldest patterns of the least recently used
// partition, not the whole partition. Before, one record of a new
// service dropped every pattern of the partition that held the budget.
func TestBudgetShedsPatternsNotWholePartitions(t *testing.T) {
	tel := newTestTelemetry(t)
	cfg := createDefaultConfig().(*Config)
	cfg.MaxMemoryMiB = 1
	p := newTestProcessor(t, cfg, tel)
	tpl := func(i int) string { // about 1.6 KB, one template per i < 676
		return strings.Repeat(fmt.Sprintf("w%c%c ", 'a'+i%26, 'a'+i/26%26), 400)
	}
	active := func() int64 {
		m, err := tel.GetMetric("otelcol_processor_pattern_active_patterns")
		require.NoError(t, err)
		return m.Data.(metricdata.Gauge[int64]).DataPoints[0].Value
	}
	for i := range 600 { // well past the budget
		require.NoError(t, p.ConsumeLogs(context.Background(), logs("A", tpl(i))))
	}
	full := active()
	require.Greater(t, full, int64(100))
	require.NoError(t, p.ConsumeLogs(context.Background(), logs("B", "zz "+tpl(1))))
	assert.GreaterOrEqual(t, active(), full-3, "a new service's first record cost A %d of its %d patterns", full+1-active(), full)
}

// Docker's json-file lines (what a filelog receiver reads from
// /var/lib/docker/containers without the container parser) carry the
// message under "log". Before, every such line had the one template
// "log=<*> stream=<*> time=<*>".
func TestDockerJSONLinesGroupByMessage(t *testing.T) {
	ids, tpls := mineBodies(t,
		`{"log":"server started on port 8080\n","stream":"stdout","time":"2024-05-01T10:00:00.000000001Z"}`,
		`{"log":"database connection refused\n","stream":"stderr","time":"2024-05-01T10:00:01.000000001Z"}`,
		`{"log":"server started on port 9090\n","stream":"stdout","time":"2024-05-01T10:00:02.000000001Z"}`,
	)
	assert.Equal(t, "server started on port <*> stream=<*> time=<*>", tpls[0])
	assert.NotEqual(t, ids[0], ids[1])
	assert.Equal(t, ids[0], ids[2])
}

// A bracketed level as first token ("[INFO]", "(ERROR)") is not a name:
// the same message at two levels keeps two patterns, as it does with a
// bare level word. Before, "[INFO] x" and "[ERROR] x" shared a pattern
// "<*> x" because brackets made the first token look like a name.
func TestBracketedLevelIsNotAName(t *testing.T) {
	ids, tpls := mineBodies(t,
		"[INFO] Server started on port 80",
		"[ERROR] Server started on port 80",
		"[INFO] Server started on port 81",
		"(warn) cache flushed after resize",
		"(error) cache flushed after resize",
	)
	assert.NotEqual(t, ids[0], ids[1], "%q / %q", tpls[0], tpls[1])
	assert.Equal(t, ids[0], ids[2])
	assert.NotEqual(t, ids[3], ids[4], "%q / %q", tpls[3], tpls[4])
}
