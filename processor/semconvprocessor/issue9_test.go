package semconvprocessor

// Regression tests for issue 9. Each uses only the factory, the config and
// pdata, and its expected values come from the semconv v1.43.0 model files
// (third_party/semconv/v1.43.0/model), read by hand.

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processortest"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.yaml.in/yaml/v3"

	"github.com/otelhub/otelhub/processor/semconvprocessor/internal/metadata"
)

// spanAttrs runs one span with the attributes set by put through a traces
// processor of cfg and returns the span's attributes afterwards.
func spanAttrs(t *testing.T, cfg *Config, put func(pcommon.Map)) pcommon.Map {
	t.Helper()
	return spanAttrsWith(t, newTraces(t, cfg, nil), put)
}

func spanAttrsWith(t *testing.T, p processor.Traces, put func(pcommon.Map)) pcommon.Map {
	t.Helper()
	td := ptrace.NewTraces()
	a := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty().Attributes()
	put(a)
	require.NoError(t, p.ConsumeTraces(context.Background(), td))
	return a
}

func annotateConfig() *Config {
	cfg := createDefaultConfig().(*Config)
	cfg.Action = ActionAnnotate
	return cfg
}

// Attributes the model defines (jvm/, aspnetcore/, v8js/, dotnet/,
// nodejs/, cpython/ registry.yaml) are neither deprecated nor missing, and a
// global drop_attribute keeps them.
func TestIssue9RuntimeNamespacesAreDefined(t *testing.T) {
	put := func(a pcommon.Map) {
		a.PutStr("jvm.memory.type", "heap")
		a.PutStr("jvm.gc.name", "G1 Young Generation")
		a.PutStr("jvm.thread.state", "runnable")
		a.PutStr("jvm.gc.cause", "System.gc()")
		a.PutStr("aspnetcore.routing.match_status", "success")
		a.PutStr("v8js.gc.type", "major")
		a.PutStr("dotnet.gc.heap.generation", "gen0")
		a.PutStr("nodejs.eventloop.state", "active")
		a.PutInt("cpython.gc.generation", 0)
	}
	got := findingsOf(spanAttrs(t, annotateConfig(), put), "otel.semconv.findings")
	slices.Sort(got)
	// Only the development-stability ones are reported, as not_stable.
	assert.Equal(t, []string{"not_stable:cpython.gc.generation", "not_stable:jvm.gc.cause",
		"not_stable:nodejs.eventloop.state", "not_stable:v8js.gc.type"}, got)

	cfg := createDefaultConfig().(*Config)
	cfg.Action = ActionDrop
	a := spanAttrs(t, cfg, put)
	assert.Equal(t, 9, a.Len(), "drop_attribute removed defined attributes: %v", a.AsRaw())
}

// Template keys are checked before the name format; their values are
// type-checked; deprecated template keys are deprecated.
func TestIssue9TemplateKeys(t *testing.T) {
	a := spanAttrs(t, annotateConfig(), func(a pcommon.Map) {
		a.PutEmptySlice("http.request.header.content-type").AppendEmpty().SetStr("application/json")
		a.PutStr("k8s.pod.label.app.kubernetes.io/name", "checkout")
	})
	assert.Empty(t, findingsOf(a, "otel.semconv.findings"))

	a = spanAttrs(t, annotateConfig(), func(a pcommon.Map) {
		a.PutStr("http.request.header.x", "string, not string[]")
		a.PutStr("k8s.pod.labels.app", "checkout")
	})
	got := findingsOf(a, "otel.semconv.findings")
	slices.Sort(got)
	assert.Equal(t, []string{"deprecated:k8s.pod.labels.app", "type_mismatch:http.request.header.x"}, got)
}

// fix renames only for reason renamed, to a name the registry has.
func TestIssue9FixRenamesOnlyRenamed(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.Action = ActionFix
	a := spanAttrs(t, cfg, func(a pcommon.Map) {
		a.PutInt("db.redis.database_index", 3)  // reason: uncategorized
		a.PutStr("container.labels.app", "web") // renamed to the template container.label
		a.PutStr("http.method", "GET")          // renamed to http.request.method
	})
	assert.Equal(t, map[string]any{"db.redis.database_index": int64(3), "container.label.app": "web",
		"http.request.method": "GET"}, a.AsRaw())
}

// configs/semconv.yaml says deprecated names are fixed: with its processor
// settings and the built-in registry, they are.
func TestIssue9ShippedConfigFixesDeprecated(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "configs", "semconv.yaml"))
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, yaml.Unmarshal(raw, &doc))
	procs := doc["processors"].(map[string]any)
	cfg := createDefaultConfig().(*Config)
	require.NoError(t, confmap.NewFromStringMap(procs["semconv"].(map[string]any)).Unmarshal(cfg))
	require.NoError(t, cfg.Validate())
	a := spanAttrs(t, cfg, func(a pcommon.Map) {
		a.PutStr("http.method", "GET")
		a.PutStr("net.host.name", "example.com")
		a.PutStr("network.transport", "TCP")
	})
	m := a.AsRaw()
	delete(m, cfg.FindingsAttribute)
	assert.Equal(t, map[string]any{"http.request.method": "GET", "server.address": "example.com", "network.transport": "tcp"}, m)
}

// A second pass does not duplicate annotations; entries and keys are capped.
func TestIssue9AnnotationsBounded(t *testing.T) {
	cfg := annotateConfig()
	p := newTraces(t, cfg, nil)
	td := ptrace.NewTraces()
	a := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty().Attributes()
	for i := range 10 {
		a.PutStr("zzz.unknown_"+string(rune('a'+i)), "x")
	}
	require.NoError(t, p.ConsumeTraces(context.Background(), td))
	first := findingsOf(a, cfg.FindingsAttribute)
	require.Len(t, first, 10)
	require.NoError(t, p.ConsumeTraces(context.Background(), td))
	assert.Equal(t, first, findingsOf(a, cfg.FindingsAttribute), "a second pass appended again")

	a.Clear()
	a.PutStr("zzz."+strings.Repeat("k", 1<<20), "x")
	for i := range 500 {
		a.PutStr("zzz.many_"+strings.Repeat("a", i%50)+string(rune('a'+i%26))+string(rune('a'+i/26)), "x")
	}
	require.NoError(t, p.ConsumeTraces(context.Background(), td))
	got := findingsOf(a, cfg.FindingsAttribute)
	assert.LessOrEqual(t, len(got), 64, "entries are capped")
	for _, g := range got {
		assert.LessOrEqual(t, len(g), 300, "an entry holds the whole key")
	}
}

// Annotating metrics leaves the attributes of every data point (the
// series identity) as they were.
func TestIssue9MetricAnnotationKeepsSeries(t *testing.T) {
	cfg := annotateConfig()
	p, err := NewFactory().CreateMetrics(context.Background(), processortest.NewNopSettings(metadata.Type), cfg, consumertest.NewNop())
	require.NoError(t, err)
	md := pmetric.NewMetrics()
	m := md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty().Metrics().AppendEmpty()
	m.SetName("http.server.request.duration")
	m.SetUnit("ms") // the model says s
	dp := m.SetEmptyHistogram().DataPoints().AppendEmpty()
	dp.Attributes().PutStr("http.request.method", "GET")
	dp.Attributes().PutStr("zzz.unknown", "x")
	before := dp.Attributes().AsRaw()
	require.NoError(t, p.ConsumeMetrics(context.Background(), md))
	assert.Equal(t, before, dp.Attributes().AsRaw())
}

// A global drop_attribute removes violations only: development attributes
// and custom values of open enums stay; per-id drop still works.
func TestIssue9DropOnlyViolations(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.Action = ActionDrop
	put := func(a pcommon.Map) {
		a.PutStr("error.type", "MyCustomError")         // open enum, custom value
		a.PutStr("jvm.gc.cause", "System.gc()")         // development
		a.PutStr("db.system.name", "a_new_db")          // open enum, custom value
		a.PutStr("zzz.unknown", "x")                    // violation: dropped
		a.PutStr("http.response.status_code", "200")    // violation: dropped
		a.PutStr("http.request.header.x-id", "not []s") // violation: dropped
	}
	a := spanAttrs(t, cfg, put)
	assert.Equal(t, map[string]any{"error.type": "MyCustomError", "jvm.gc.cause": "System.gc()",
		"db.system.name": "a_new_db"}, a.AsRaw())

	cfg.Actions = map[string]string{NotStable: ActionDrop}
	a = spanAttrs(t, cfg, put)
	_, ok := a.Get("jvm.gc.cause")
	assert.False(t, ok, "not_stable configured to drop")
}

// Metric-level findings are counted once per metric, with or without
// data points.
func TestIssue9MetricFindingsCountedOnce(t *testing.T) {
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	set := processortest.NewNopSettings(metadata.Type)
	set.TelemetrySettings = tel.NewTelemetrySettings()
	p, err := NewFactory().CreateMetrics(context.Background(), set, createDefaultConfig(), consumertest.NewNop())
	require.NoError(t, err)
	md := pmetric.NewMetrics()
	ms := md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty().Metrics()
	five := ms.AppendEmpty()
	five.SetName("jvm.memory.used") // updowncounter, By
	five.SetUnit("MiBy")
	sum := five.SetEmptySum()
	for range 5 {
		dp := sum.DataPoints().AppendEmpty()
		dp.Attributes().PutStr("jvm.memory.type", "heap")
		dp.Attributes().PutStr("jvm.memory.pool.name", "G1 Eden Space")
	}
	empty := ms.AppendEmpty()
	empty.SetName("http.server.request.duration") // histogram, s
	empty.SetUnit("ms")
	empty.SetEmptyHistogram()
	require.NoError(t, p.ConsumeMetrics(context.Background(), md))
	assert.Equal(t, int64(2), findingCount(t, tel, UnitMismatch))
}

func findingCount(t *testing.T, tel *componenttest.Telemetry, id string) int64 {
	t.Helper()
	m, err := tel.GetMetric("otelcol_processor_semconv_findings")
	if err != nil {
		return 0
	}
	var n int64
	for _, dp := range m.Data.(metricdata.Sum[int64]).DataPoints {
		if f, _ := dp.Attributes.Value("finding"); f.AsString() == id {
			n += dp.Value
		}
	}
	return n
}
