package semconvprocessor

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/otelhub/otelhub/processor/semconvprocessor/internal/metadata"
)

// registry_path loads a model folder in place of the built-in registry;
// the vendored copy gives the same answers.
func TestRegistryPathLoadsModel(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.Action = ActionFix
	cfg.RegistryPath = modelDir
	require.NoError(t, cfg.Validate())
	reg, err := registryFor(cfg)
	require.NoError(t, err)
	assert.Equal(t, len(builtin.Tables().Attributes), len(reg.Tables().Attributes))
	a := spanAttrs(t, cfg, func(m pcommon.Map) {
		m.PutStr("http.method", "GET")
	})
	assert.Equal(t, map[string]any{"http.request.method": "GET"}, a.AsRaw())
}

// For every metric and event of the registry with required attributes, a
// data point (record) lacking each one gives exactly that
// required_attribute_not_present finding; one with all of them gives none.
func TestRequiredAttributesCorpus(t *testing.T) {
	cfg := annotateConfig()
	mp, err := NewFactory().CreateMetrics(context.Background(), processortest.NewNopSettings(metadata.Type), cfg, consumertest.NewNop())
	require.NoError(t, err)
	lp, err := NewFactory().CreateLogs(context.Background(), processortest.NewNopSettings(metadata.Type), cfg, consumertest.NewNop())
	require.NoError(t, err)
	tp, wrong := 0, 0
	score := func(got []string, want string) {
		var req []string
		for _, g := range got {
			if strings.HasPrefix(g, RequiredNotPresent+":") {
				req = append(req, g)
			}
		}
		if want == "" && len(req) == 0 {
			return
		}
		if want != "" && slices.Equal(req, []string{want}) {
			tp++
			return
		}
		wrong++
		t.Errorf("want %q, got %v", want, req)
	}
	metrics := 0
	for _, m := range builtin.Tables().Metrics {
		if len(m.Required) == 0 {
			continue
		}
		metrics++
		for skip := -1; skip < len(m.Required); skip++ {
			md := pmetric.NewMetrics()
			mt := md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty().Metrics().AppendEmpty()
			mt.SetName(m.Name)
			mt.SetUnit(m.Unit)
			addPoint(mt, m.Instrument)
			forEachPointAttrs(mt, func(attrs pcommon.Map) {
				for i, r := range m.Required {
					if i != skip {
						attrs.PutStr(r, "x")
					}
				}
			})
			require.NoError(t, mp.ConsumeMetrics(context.Background(), md))
			want := ""
			if skip >= 0 {
				want = RequiredNotPresent + ":" + m.Required[skip]
			}
			score(findingsOf(mt.Metadata(), cfg.FindingsAttribute), want)
		}
	}
	for _, e := range builtin.Tables().Events {
		for skip := -1; skip < len(e.Required); skip++ {
			ld := plog.NewLogs()
			lr := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
			lr.SetEventName(e.Name)
			for i, r := range e.Required {
				if i != skip {
					lr.Attributes().PutStr(r, "x")
				}
			}
			require.NoError(t, lp.ConsumeLogs(context.Background(), ld))
			want := ""
			if skip >= 0 {
				want = RequiredNotPresent + ":" + e.Required[skip]
			}
			score(findingsOf(lr.Attributes(), cfg.FindingsAttribute), want)
		}
	}
	t.Logf("%d metrics and %d events with required attributes: %d found, %d wrong", metrics, len(builtin.Tables().Events), tp, wrong)
	assert.Positive(t, tp)
	assert.Zero(t, wrong)
}
