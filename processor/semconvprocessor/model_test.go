package semconvprocessor

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/otelhub/otelhub/processor/semconvprocessor/internal/metadata"
	"github.com/otelhub/otelhub/processor/semconvprocessor/internal/registry"
)

// The YAML model, used in place beside the repository.
var modelDir = filepath.Join("..", "..", "..", "shared", "semconv", "v1.43.0", "model")

func modelConfig(t *testing.T, action string) (*Config, *registry.Registry) {
	t.Helper()
	cfg := createDefaultConfig().(*Config)
	cfg.Action = action
	cfg.RegistryPath = modelDir
	require.NoError(t, cfg.Validate())
	reg, err := registryFor(cfg)
	require.NoError(t, err)
	return cfg, reg
}

func TestRegistryPathFixRenamesDeprecated(t *testing.T) {
	cfg, _ := modelConfig(t, ActionFix)
	p := newTraces(t, cfg, nil)
	td := ptrace.NewTraces()
	spans := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans()
	a := spans.AppendEmpty().Attributes()
	a.PutStr("http.method", "GET")
	b := spans.AppendEmpty().Attributes()
	b.PutStr("http.method", "GET")
	b.PutStr("http.request.method", "POST") // the new name is taken: no rename
	require.NoError(t, p.ConsumeTraces(context.Background(), td))
	v, ok := a.Get("http.request.method")
	require.True(t, ok)
	assert.Equal(t, "GET", v.Str())
	_, ok = a.Get("http.method")
	assert.False(t, ok)
	v, _ = b.Get("http.request.method")
	assert.Equal(t, "POST", v.Str())
	_, ok = b.Get("http.method")
	assert.True(t, ok)
}

// For every metric and event of the model with required attributes, a
// data point (record) lacking each one gives exactly that
// required_attribute_not_present finding; one with all of them gives none.
func TestRequiredAttributesCorpus(t *testing.T) {
	cfg, reg := modelConfig(t, ActionAnnotate)
	mp, err := NewFactory().CreateMetrics(context.Background(), processortest.NewNopSettings(metadata.Type), cfg, consumertest.NewNop())
	require.NoError(t, err)
	lp, err := NewFactory().CreateLogs(context.Background(), processortest.NewNopSettings(metadata.Type), cfg, consumertest.NewNop())
	require.NoError(t, err)

	tp, fp, fn := 0, 0, 0
	score := func(got []string, want string) {
		var req []string
		for _, g := range got {
			if strings.HasPrefix(g, RequiredNotPresent+":") {
				req = append(req, g)
			}
		}
		switch {
		case want == "" && len(req) == 0:
		case want != "" && slices.Equal(req, []string{want}):
			tp++
		default:
			t.Errorf("want %q, got %v", want, req)
			if want != "" && !slices.Contains(req, want) {
				fn++
			}
			fp += len(req)
			if slices.Contains(req, want) {
				fp--
				tp++
			}
		}
	}

	metrics, events := 0, 0
	for _, m := range builtin.Metrics() {
		required := reg.RequiredForMetric(m.Name)
		if len(required) == 0 {
			continue
		}
		metrics++
		for skip := -1; skip < len(required); skip++ {
			md := pmetric.NewMetrics()
			mt := md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty().Metrics().AppendEmpty()
			mt.SetName(m.Name)
			mt.SetUnit(m.Unit)
			addPoint(mt, m.Instrument)
			attrs := pointAttrs(mt)
			for i, r := range required {
				if i != skip {
					attrs.PutStr(r, "x")
				}
			}
			require.NoError(t, mp.ConsumeMetrics(context.Background(), md))
			want := ""
			if skip >= 0 {
				want = RequiredNotPresent + ":" + required[skip]
			}
			score(findingsOf(attrs, cfg.FindingsAttribute), want)
		}
	}
	for _, name := range reg.Events() {
		required := reg.RequiredForEvent(name)
		if len(required) == 0 {
			continue
		}
		events++
		for skip := -1; skip < len(required); skip++ {
			ld := plog.NewLogs()
			lr := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
			lr.SetEventName(name)
			for i, r := range required {
				if i != skip {
					lr.Attributes().PutStr(r, "x")
				}
			}
			require.NoError(t, lp.ConsumeLogs(context.Background(), ld))
			want := ""
			if skip >= 0 {
				want = RequiredNotPresent + ":" + required[skip]
			}
			score(findingsOf(lr.Attributes(), cfg.FindingsAttribute), want)
		}
	}
	t.Logf("%d metrics and %d events with required attributes: tp %d fp %d fn %d", metrics, events, tp, fp, fn)
	require.Positive(t, tp)
	assert.Equal(t, 1.0, float64(tp)/float64(tp+fp), "precision")
	assert.Equal(t, 1.0, float64(tp)/float64(tp+fn), "recall")
	assert.Positive(t, events)
}

func pointAttrs(m pmetric.Metric) (attrs pcommon.Map) {
	forEachPointAttrs(m, func(a pcommon.Map) { attrs = a })
	return attrs
}

// Every deprecated attribute of the model that has a renamed_to is found
// and, with fix, renamed.
func TestModelDeprecatedCorpus(t *testing.T) {
	cfg, reg := modelConfig(t, ActionFix)
	p := newTraces(t, cfg, nil)
	renames := reg.Renames()
	require.NotEmpty(t, renames)
	td := ptrace.NewTraces()
	spans := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans()
	var olds []string
	for old := range renames {
		olds = append(olds, old)
		spans.AppendEmpty().Attributes().PutStr(old, "v")
	}
	require.NoError(t, p.ConsumeTraces(context.Background(), td))
	for i, old := range olds {
		a := spans.At(i).Attributes()
		_, stillOld := a.Get(old)
		v, renamed := a.Get(renames[old])
		assert.False(t, stillOld, old)
		if assert.True(t, renamed, "%s -> %s", old, renames[old]) {
			assert.Equal(t, "v", v.Str())
		}
	}
	t.Logf("%d deprecated attributes renamed", len(olds))
}

// The same corpus as TestCorpusPrecisionAndRecall, generated from the YAML
// model's attribute definitions, through a processor using registry_path.
func TestModelCorpusPrecisionAndRecall(t *testing.T) {
	cfg, reg := modelConfig(t, ActionAnnotate)
	samples := corpus(reg)
	p, err := NewFactory().CreateLogs(context.Background(), processortest.NewNopSettings(metadata.Type), cfg, consumertest.NewNop())
	require.NoError(t, err)
	ld := plog.NewLogs()
	lrs := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords()
	for _, s := range samples {
		s.set(lrs.AppendEmpty().Attributes())
	}
	require.NoError(t, p.ConsumeLogs(context.Background(), ld))
	perID := map[string][3]int{} // tp, fp, fn
	for i, s := range samples {
		got := findingsOf(lrs.At(i).Attributes(), cfg.FindingsAttribute)
		for _, g := range got {
			c := perID[idOf(g)]
			if slices.Contains(s.want, g) {
				c[0]++
			} else {
				c[1]++
				t.Errorf("sample %q: unexpected %s", s.key, g)
			}
			perID[idOf(g)] = c
		}
		for _, w := range s.want {
			if !slices.Contains(got, w) {
				c := perID[idOf(w)]
				c[2]++
				perID[idOf(w)] = c
				t.Errorf("sample %q: missing %s", s.key, w)
			}
		}
	}
	for id, c := range perID {
		t.Logf("%-24s samples %5d precision %.2f recall %.2f", id, c[0]+c[2],
			float64(c[0])/float64(c[0]+c[1]), float64(c[0])/float64(c[0]+c[2]))
		assert.Zero(t, c[1], id)
		assert.Zero(t, c[2], id)
	}
	assert.Greater(t, len(reg.Attributes()), len(builtin.Attributes()), "the model defines more than the Go module")
}
