package semconvprocessor

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processortest"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"

	"github.com/otelhub/otelhub/internal/configtest"
	"github.com/otelhub/otelhub/processor/semconvprocessor/internal/metadata"
)

func TestLoadConfig(t *testing.T) {
	configtest.Run(t, filepath.Join("testdata", "config.yaml"), metadata.Type, createDefaultConfig, []configtest.Case{
		{Name: "", Want: createDefaultConfig()},
		{Name: "custom", Want: &Config{Action: "annotate", Actions: map[string]string{"deprecated": "fix", "not_stable": "count"},
			AllowPrefixes: []string{"app.", "mycompany."}, FindingsAttribute: "semconv.findings",
			MaxAnnotations: 8, MaxAnnotationKeyLength: 64}},
		{Name: "bad_action", WantErr: `action: "shout" is not one of`},
		{Name: "bad_id", WantErr: "actions::nope: unknown finding id"},
		{Name: "bad_override", WantErr: `actions::deprecated: "rename" is not one of`},
		{Name: "bad_caps", WantErr: "max_annotations: 0 must be at least 1"},
		{Name: "bad_key_length", WantErr: "max_annotation_key_length: -1 must be at least 1"},
		{Name: "bad_path", WantErr: `registry_path: "/nonexistent/semconv/model" is not a folder`},
	})
}

func newTraces(t *testing.T, cfg *Config, tel *componenttest.Telemetry) processor.Traces {
	t.Helper()
	set := processortest.NewNopSettings(metadata.Type)
	if tel != nil {
		set.TelemetrySettings = tel.NewTelemetrySettings()
	}
	p, err := NewFactory().CreateTraces(context.Background(), set, cfg, consumertest.NewNop())
	require.NoError(t, err)
	require.NoError(t, p.Start(context.Background(), componenttest.NewNopHost()))
	t.Cleanup(func() { require.NoError(t, p.Shutdown(context.Background())) })
	return p
}

func putKV(m pcommon.Map, kvs ...attribute.KeyValue) {
	for _, kv := range kvs {
		k := string(kv.Key)
		switch kv.Value.Type() {
		case attribute.STRING:
			m.PutStr(k, kv.Value.AsString())
		case attribute.INT64:
			m.PutInt(k, kv.Value.AsInt64())
		case attribute.FLOAT64:
			m.PutDouble(k, kv.Value.AsFloat64())
		case attribute.BOOL:
			m.PutBool(k, kv.Value.AsBool())
		case attribute.STRINGSLICE:
			s := m.PutEmptySlice(k)
			for _, v := range kv.Value.AsStringSlice() {
				s.AppendEmpty().SetStr(v)
			}
		}
	}
}

// cleanSpans builds spans with the semconv v1.43.0 Go helpers: stable
// HTTP server attributes (12 per span) on a resource with 8 attributes.
func cleanSpans(n int) ptrace.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	putKV(rs.Resource().Attributes(), semconv.ServiceName("checkout"), semconv.ServiceVersion("1.2.3"),
		semconv.TelemetrySDKName("opentelemetry"), semconv.TelemetrySDKLanguageGo, semconv.TelemetrySDKVersion("1.38.0"),
		semconv.ServiceInstanceID("b5e4"), semconv.ServiceNamespace("shop"), semconv.DeploymentEnvironmentNameProduction)
	spans := rs.ScopeSpans().AppendEmpty().Spans()
	for range n {
		span := spans.AppendEmpty()
		span.SetKind(ptrace.SpanKindServer) // the http.server span convention applies
		putKV(span.Attributes(),
			semconv.HTTPRequestMethodGet, semconv.HTTPRoute("/api/v1/orders/{id}"), semconv.HTTPResponseStatusCode(200),
			semconv.URLPath("/api/v1/orders/42"), semconv.URLScheme("https"), semconv.ServerAddress("api.example"),
			semconv.ServerPort(443), semconv.ClientAddress("10.0.0.1"), semconv.NetworkProtocolVersion("1.1"),
			semconv.UserAgentOriginal("curl/8"), semconv.NetworkPeerAddress("10.0.0.1"), semconv.NetworkPeerPort(51234))
	}
	return td
}

// Telemetry built with the semconv v1.43.0 Go helpers gives no violation.
func TestGoHelpersCorpusHasNoViolation(t *testing.T) {
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	cfg := createDefaultConfig().(*Config)
	cfg.Action = ActionAnnotate
	p := newTraces(t, cfg, tel)
	td := cleanSpans(10)
	require.NoError(t, p.ConsumeTraces(context.Background(), td))
	violations := 0
	if m, err := tel.GetMetric("otelcol_processor_semconv_findings"); err == nil {
		for _, dp := range m.Data.(metricdata.Sum[int64]).DataPoints {
			if l, _ := dp.Attributes.Value("level"); l.AsString() == "violation" {
				f, _ := dp.Attributes.Value("finding")
				t.Errorf("violation %s x%d", f.AsString(), dp.Value)
				violations += int(dp.Value)
			}
		}
	}
	assert.Zero(t, violations)
}

func TestActions(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.Action = ActionAnnotate
	cfg.Actions = map[string]string{UndefinedEnumVariant: ActionFix, MissingAttribute: ActionDrop, NotStable: ActionCount}
	cfg.AllowPrefixes = []string{"app."}
	p := newTraces(t, cfg, nil)
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("http.method", "GET") // deprecated, on the resource
	attrs := rs.ScopeSpans().AppendEmpty().Spans().AppendEmpty().Attributes()
	attrs.PutStr("http.request.method", "get")       // enum, wrong case: fixed
	attrs.PutStr("zzz.unknown", "x")                 // dropped
	attrs.PutStr("app.custom", "x")                  // allowed
	attrs.PutStr("http.response.status_code", "200") // wrong type: annotated
	require.NoError(t, p.ConsumeTraces(context.Background(), td))

	v, _ := attrs.Get("http.request.method")
	assert.Equal(t, "GET", v.Str())
	_, ok := attrs.Get("zzz.unknown")
	assert.False(t, ok)
	_, ok = attrs.Get("app.custom")
	assert.True(t, ok)
	assert.Equal(t, []string{"type_mismatch:http.response.status_code"}, findingsOf(attrs, cfg.FindingsAttribute))
	assert.Equal(t, []string{"deprecated:http.method"}, findingsOf(rs.Resource().Attributes(), cfg.FindingsAttribute))
}

// Odd input never panics, and concurrent consumers share nothing mutable.
func TestOddInputAndConcurrency(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.Action = ActionAnnotate
	p := newTraces(t, cfg, nil)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				td := ptrace.NewTraces()
				a := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty().Attributes()
				a.PutStr("", "empty key")
				a.PutStr("http.route", string(make([]byte, 1<<16)))
				a.PutEmptyMap("nested").PutEmptyMap("deeper").PutInt("x", int64(g))
				s := a.PutEmptySlice("http.request.header.accept")
				s.AppendEmpty().SetInt(1)
				s.AppendEmpty().SetStr("mixed")
				a.PutEmptySlice("process.command_args").AppendEmpty().SetBool(true)
				a.PutStr("\xff\xfe", "bad utf8 key")
				td.ResourceSpans().AppendEmpty() // empty resource
				assert.NoError(t, p.ConsumeTraces(context.Background(), td))
				assert.Contains(t, findingsOf(a, cfg.FindingsAttribute), "invalid_format:")
			}
		}()
	}
	wg.Wait()
}

// What the caps cut is counted: entries beyond max_annotations, and names
// longer than max_annotation_key_length (cut at a rune boundary, "…").
func TestAnnotationCutsCounted(t *testing.T) {
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	cfg := annotateConfig()
	cfg.MaxAnnotations = 3
	cfg.MaxAnnotationKeyLength = 10
	p := newTraces(t, cfg, tel)
	td := ptrace.NewTraces()
	a := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty().Attributes()
	a.PutStr("zzz.ééééééé", "x") // 4 + 14 bytes: cut inside no rune
	for _, k := range []string{"zzz.a", "zzz.b", "zzz.c", "zzz.d"} {
		a.PutStr(k, "x")
	}
	require.NoError(t, p.ConsumeTraces(context.Background(), td))
	got := findingsOf(a, cfg.FindingsAttribute)
	// Sorted, then cut: the non-ASCII name is invalid_format.
	assert.Equal(t, []string{"invalid_format:zzz.ééé…", "missing_attribute:zzz.a", "missing_attribute:zzz.b"}, got)
	m, err := tel.GetMetric("otelcol_processor_semconv_annotations_cut")
	require.NoError(t, err)
	cuts := map[string]int64{}
	for _, dp := range m.Data.(metricdata.Sum[int64]).DataPoints {
		r, _ := dp.Attributes.Value("reason")
		cuts[r.AsString()] += dp.Value
	}
	assert.Equal(t, map[string]int64{"max_annotations": 2, "max_annotation_key_length": 1}, cuts)

	cfg.MaxAnnotations = 32
	a = spanAttrs(t, cfg, func(m pcommon.Map) { m.PutStr("zzz.ééééééé", "x") })
	assert.Equal(t, []string{"invalid_format:zzz.ééé…"}, findingsOf(a, cfg.FindingsAttribute))
}

// The same finding on many data points is one entry on the metric, and a
// cut name is counted once.
func TestMetricAnnotationsDeduplicated(t *testing.T) {
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	set := processortest.NewNopSettings(metadata.Type)
	set.TelemetrySettings = tel.NewTelemetrySettings()
	cfg := annotateConfig()
	p, err := NewFactory().CreateMetrics(context.Background(), set, cfg, consumertest.NewNop())
	require.NoError(t, err)
	md := pmetric.NewMetrics()
	m := md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty().Metrics().AppendEmpty()
	m.SetName("myapp.requests")
	long := "zzz." + strings.Repeat("k", 300)
	g := m.SetEmptyGauge()
	for i := range 1000 {
		dp := g.DataPoints().AppendEmpty()
		dp.Attributes().PutStr(long, "x")
		dp.Attributes().PutInt("zzz.i", int64(i))
	}
	require.NoError(t, p.ConsumeMetrics(context.Background(), md))
	assert.Equal(t, []string{"missing_attribute:zzz.i", "missing_attribute:" + long[:128] + "…"}, findingsOf(m.Metadata(), cfg.FindingsAttribute))
	assert.Equal(t, int64(2000), findingCount(t, tel, MissingAttribute), "data-point findings count per point")
	cut, err := tel.GetMetric("otelcol_processor_semconv_annotations_cut")
	require.NoError(t, err)
	assert.Equal(t, int64(1), cut.Data.(metricdata.Sum[int64]).DataPoints[0].Value)
}
