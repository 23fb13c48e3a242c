package semconvprocessor

// Review tests: cases picked by the reviewer from the v1.43.0 model files
// (not from testdata/curated.yaml), each expected value read from the YAML.

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor/processortest"

	"go.yaml.in/yaml/v3"

	"github.com/otelhub/otelhub/processor/semconvprocessor/internal/metadata"
)

// Two names that differ only after max_annotation_key_length bytes give
// the same entry text; the list must still hold each entry once.
func TestReviewCutNamesDeduplicated(t *testing.T) {
	cfg := annotateConfig()
	cfg.MaxAnnotationKeyLength = 16
	a := spanAttrs(t, cfg, func(a pcommon.Map) {
		a.PutStr("zzz.aaaaaaaaaaaaaaaaaaaa.one", "x")
		a.PutStr("zzz.aaaaaaaaaaaaaaaaaaaa.two", "x")
	})
	got := findingsOf(a, cfg.FindingsAttribute)
	assert.Equal(t, []string{"missing_attribute:zzz.aaaaaaaaaaaa…"}, got)
}

// Deprecations picked from the model's deprecated/ files: renamed ones
// move, obsoleted and uncategorized ones stay, all are reported.
func TestReviewDeprecationReasons(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.Actions = map[string]string{Deprecated: ActionFix, NotStable: ActionCount}
	cfg.Action = ActionAnnotate
	a := spanAttrs(t, cfg, func(a pcommon.Map) {
		a.PutStr("http.scheme", "https")                                    // renamed: url.scheme
		a.PutStr("otel.library.name", "lib")                                // renamed: otel.scope.name
		a.PutStr("messaging.servicebus.destination.subscription_name", "s") // renamed: messaging.destination.subscription.name
		a.PutInt("message.id", 1)                                           // obsoleted
		a.PutBool("exception.escaped", true)                                // obsoleted
		a.PutInt("net.peer.port", 80)                                       // uncategorized
		a.PutDouble("gen_ai.request.temperature", 0.2)                      // uncategorized (moved out)
		a.PutStr("k8s.pod.labels.app.kubernetes.io/name", "web")            // template renamed: k8s.pod.label
		a.PutStr("process.executable.build_id.profiling", "abc")            // renamed: ...htlhash
	})
	m := a.AsRaw()
	delete(m, cfg.FindingsAttribute)
	assert.Equal(t, map[string]any{
		"url.scheme": "https", "otel.scope.name": "lib", "messaging.destination.subscription.name": "s",
		"message.id": int64(1), "exception.escaped": true, "net.peer.port": int64(80),
		"gen_ai.request.temperature": 0.2, "k8s.pod.label.app.kubernetes.io/name": "web",
		"process.executable.build_id.htlhash": "abc",
	}, m)
	// Nothing is annotated for deprecated (its action is fix); a second
	// pass over the fixed map finds nothing deprecated.
	a2 := spanAttrs(t, cfg, func(n pcommon.Map) { a.CopyTo(n) })
	for _, f := range findingsOf(a2, cfg.FindingsAttribute) {
		assert.False(t, strings.HasPrefix(f, "deprecated:url.") || strings.HasPrefix(f, "deprecated:otel.scope"), f)
	}
}

// Int enums (rpc.grpc.status_code, cpython.gc.generation): members pass,
// other ints are open-enum information; a double is a type mismatch.
func TestReviewIntEnums(t *testing.T) {
	a := spanAttrs(t, annotateConfig(), func(a pcommon.Map) {
		a.PutInt("cpython.gc.generation", 2)
		a.PutInt("rpc.grpc.status_code", 16)
		a.PutInt("rpc.grpc.status_code", 99)
		a.PutDouble("cpython.gc.generation", 1.5)
	})
	got := findingsOf(a, "otel.semconv.findings")
	assert.Equal(t, []string{"deprecated:rpc.grpc.status_code", "type_mismatch:cpython.gc.generation"}, got)
}

// Two annotating passes over metrics give the same metadata, and the
// required-attribute finding counts per point, unit once per metric.
func TestReviewMetricsSecondPassAndCounts(t *testing.T) {
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	set := processortest.NewNopSettings(metadata.Type)
	set.TelemetrySettings = tel.NewTelemetrySettings()
	cfg := annotateConfig()
	p, err := NewFactory().CreateMetrics(context.Background(), set, cfg, consumertest.NewNop())
	require.NoError(t, err)
	md := pmetric.NewMetrics()
	m := md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty().Metrics().AppendEmpty()
	// db/metrics.yaml: db.client.operation.duration, histogram, s,
	// db.system.name required.
	m.SetName("db.client.operation.duration")
	m.SetUnit("ms")
	h := m.SetEmptyHistogram()
	for i := range 3 {
		dp := h.DataPoints().AppendEmpty()
		if i == 0 {
			dp.Attributes().PutStr("db.system.name", "postgresql")
		}
	}
	require.NoError(t, p.ConsumeMetrics(context.Background(), md))
	first := findingsOf(m.Metadata(), cfg.FindingsAttribute)
	assert.Equal(t, []string{"required_attribute_not_present:db.system.name", "unit_mismatch:db.client.operation.duration"}, first)
	require.NoError(t, p.ConsumeMetrics(context.Background(), md))
	assert.Equal(t, first, findingsOf(m.Metadata(), cfg.FindingsAttribute))
	assert.Equal(t, int64(2), findingCount(t, tel, UnitMismatch))
	assert.Equal(t, int64(4), findingCount(t, tel, RequiredNotPresent))
}

// A deprecated template key whose successor is already set is reported
// and kept; drop_attribute removes a deprecated template key.
func TestReviewTemplateFixAndDrop(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.Action = ActionFix
	a := spanAttrs(t, cfg, func(a pcommon.Map) {
		a.PutEmptySlice("rpc.grpc.response.metadata.k").AppendEmpty().SetStr("old")
		a.PutEmptySlice("rpc.response.metadata.k").AppendEmpty().SetStr("new")
	})
	assert.Equal(t, map[string]any{"rpc.grpc.response.metadata.k": []any{"old"}, "rpc.response.metadata.k": []any{"new"}}, a.AsRaw())
	cfg.Action = ActionDrop
	a = spanAttrs(t, cfg, func(a pcommon.Map) {
		a.PutStr("k8s.pod.labels.x", "y")
		a.PutStr("k8s.statefulset.annotation.x", "y")
		a.PutInt("k8s.job.label.x", 1)
	})
	assert.Equal(t, map[string]any{"k8s.statefulset.annotation.x": "y"}, a.AsRaw())
}

// gen-ai/deprecated/events-deprecated.yaml and spans-deprecated.yaml: the
// event gen_ai.client.inference.operation.details and the span
// span.gen_ai.execute_tool.internal are deprecated ("Moved to the GenAI
// semantic conventions repository"), and so is the gen_ai.operation.name
// they require. A deprecated convention's requirements are not enforced:
// otherwise a record gets a violation whether it carries the attribute
// (deprecated) or not (required_attribute_not_present). The same holds
// for a deprecated metric (gen-ai/deprecated/metrics-deprecated.yaml:
// gen_ai.client.token.usage), which is reported deprecated itself.
func TestReviewDeprecatedConventionsRequireNothing(t *testing.T) {
	cfg := annotateConfig()
	lp, err := NewFactory().CreateLogs(context.Background(), processortest.NewNopSettings(metadata.Type), cfg, consumertest.NewNop())
	require.NoError(t, err)
	ld := plog.NewLogs()
	lr := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	lr.SetEventName("gen_ai.client.inference.operation.details")
	require.NoError(t, lp.ConsumeLogs(context.Background(), ld))
	assert.Empty(t, findingsOf(lr.Attributes(), cfg.FindingsAttribute))

	td := ptrace.NewTraces()
	span := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty()
	span.SetKind(ptrace.SpanKindInternal)
	span.Attributes().PutStr("gen_ai.tool.name", "search")
	require.NoError(t, newTraces(t, cfg, nil).ConsumeTraces(context.Background(), td))
	for _, f := range findingsOf(span.Attributes(), cfg.FindingsAttribute) {
		assert.NotContains(t, f, RequiredNotPresent)
	}

	mp, err := NewFactory().CreateMetrics(context.Background(), processortest.NewNopSettings(metadata.Type), cfg, consumertest.NewNop())
	require.NoError(t, err)
	md := pmetric.NewMetrics()
	m := md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty().Metrics().AppendEmpty()
	m.SetName("gen_ai.client.token.usage")
	m.SetUnit("{token}")
	m.SetEmptyHistogram().DataPoints().AppendEmpty()
	require.NoError(t, mp.ConsumeMetrics(context.Background(), md))
	assert.Equal(t, []string{"deprecated:gen_ai.client.token.usage"}, findingsOf(m.Metadata(), cfg.FindingsAttribute))
}

// configs/semconv.yaml says every span is checked against v1.43.0, but
// `app` is a namespace of the model (app/registry.yaml:
// app.screen.coordinate.x is an int; app/events.yaml: app.widget.click
// requires app.widget.id), so allowing "app." as a custom prefix hides
// real findings. The shipped settings must check the model's namespaces.
func TestReviewShippedConfigChecksModelNamespaces(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "configs", "semconv.yaml"))
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, yaml.Unmarshal(raw, &doc))
	cfg := createDefaultConfig().(*Config)
	require.NoError(t, confmap.NewFromStringMap(doc["processors"].(map[string]any)["semconv"].(map[string]any)).Unmarshal(cfg))
	a := spanAttrs(t, cfg, func(a pcommon.Map) { a.PutStr("app.screen.coordinate.x", "ten") })
	assert.Equal(t, []string{"type_mismatch:app.screen.coordinate.x"}, findingsOf(a, cfg.FindingsAttribute))
	for _, p := range cfg.AllowPrefixes {
		for _, d := range builtin.Tables().Attributes {
			if strings.HasPrefix(d.Name, p) {
				t.Errorf("allow_prefixes %q hides the model's %s", p, d.Name)
				break
			}
		}
	}
}

// A rename by fix is checked under its new name in the same pass, so a
// second pass (agent then gateway) annotates nothing new: http.method
// (renamed to http.request.method, http/deprecated/registry-deprecated.yaml)
// with a value outside the members, http.status_code as a string (the
// successor http.response.status_code is an int).
func TestReviewFixedNamesCheckedInTheSamePass(t *testing.T) {
	cfg := annotateConfig()
	cfg.Actions = map[string]string{Deprecated: ActionFix}
	p := newTraces(t, cfg, nil)
	a := spanAttrsWith(t, p, func(a pcommon.Map) {
		a.PutStr("http.method", "get")
		a.PutStr("http.status_code", "200")
	})
	first := findingsOf(a, cfg.FindingsAttribute)
	assert.Equal(t, []string{"type_mismatch:http.response.status_code", "undefined_enum_variant:http.request.method"}, first)
	second := spanAttrsWith(t, p, func(n pcommon.Map) { a.CopyTo(n) })
	assert.Equal(t, first, findingsOf(second, cfg.FindingsAttribute))
}

// Every model name, as a plain key and as a template key, with values of
// every type, through every action on logs and metrics: no panic, and the
// findings attribute of an earlier pass (here of a wrong type) is
// replaced, not appended to.
func TestReviewEveryNameEveryActionNoPanic(t *testing.T) {
	put := []func(pcommon.Map, string){
		func(m pcommon.Map, k string) { m.PutStr(k, "\xff\xfe") },
		func(m pcommon.Map, k string) { m.PutInt(k, -1) },
		func(m pcommon.Map, k string) { m.PutDouble(k, 1e308) },
		func(m pcommon.Map, k string) { m.PutBool(k, true) },
		func(m pcommon.Map, k string) { m.PutEmptyBytes(k).FromRaw([]byte{0}) },
		func(m pcommon.Map, k string) { m.PutEmptyMap(k).PutEmptySlice("x").AppendEmpty() },
		func(m pcommon.Map, k string) { m.PutEmptySlice(k).AppendEmpty().SetInt(1) },
		func(m pcommon.Map, k string) { m.PutEmpty(k) },
	}
	for _, action := range allActions {
		cfg := createDefaultConfig().(*Config)
		cfg.Action = action
		cfg.MaxAnnotations = 3
		cfg.MaxAnnotationKeyLength = 5
		lp, err := NewFactory().CreateLogs(context.Background(), processortest.NewNopSettings(metadata.Type), cfg, consumertest.NewNop())
		require.NoError(t, err)
		mp, err := NewFactory().CreateMetrics(context.Background(), processortest.NewNopSettings(metadata.Type), cfg, consumertest.NewNop())
		require.NoError(t, err)
		ld := plog.NewLogs()
		lr := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
		lr.SetEventName("session.start")
		md := pmetric.NewMetrics()
		mt := md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty().Metrics().AppendEmpty()
		mt.SetName("http.server.request.duration")
		sum := mt.SetEmptySum()
		for i, a := range builtin.Tables().Attributes {
			k := a.Name
			if a.Template {
				k += ".é\xff/x"
			}
			put[i%len(put)](lr.Attributes(), k)
			put[(i+1)%len(put)](sum.DataPoints().AppendEmpty().Attributes(), k)
		}
		lr.Attributes().PutInt(cfg.FindingsAttribute, 7)
		require.NoError(t, lp.ConsumeLogs(context.Background(), ld))
		require.NoError(t, mp.ConsumeMetrics(context.Background(), md))
		require.NoError(t, mp.ConsumeMetrics(context.Background(), md))
		if action == ActionAnnotate {
			assert.Len(t, findingsOf(lr.Attributes(), cfg.FindingsAttribute), 3)
			assert.Len(t, findingsOf(mt.Metadata(), cfg.FindingsAttribute), 3)
		}
	}
}
