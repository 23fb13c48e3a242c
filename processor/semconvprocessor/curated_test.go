package semconvprocessor

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor/processortest"
	"go.yaml.in/yaml/v3"

	"github.com/otelhub/otelhub/processor/semconvprocessor/internal/metadata"
)

// curatedCase is one row of testdata/curated.yaml, written by hand from
// the model files.
type curatedCase struct {
	Src    string `yaml:"src"`
	Signal string `yaml:"signal"`
	Kind   string `yaml:"kind"`
	Event  string `yaml:"event"`
	Metric struct{ Name, Unit, Instrument string }
	Attrs  map[string]any `yaml:"attrs"`
	Want   []string       `yaml:"want"`
	Action string         `yaml:"action"`
	Out    map[string]any `yaml:"out"`
}

func loadCurated(t *testing.T) []curatedCase {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "curated.yaml"))
	require.NoError(t, err)
	var cases []curatedCase
	require.NoError(t, yaml.Unmarshal(raw, &cases))
	return cases
}

var spanKindOf = map[string]ptrace.SpanKind{"": ptrace.SpanKindUnspecified, "server": ptrace.SpanKindServer,
	"client": ptrace.SpanKindClient, "internal": ptrace.SpanKindInternal,
	"producer": ptrace.SpanKindProducer, "consumer": ptrace.SpanKindConsumer}

// runCase sends the case through a processor with cfg and returns the
// findings annotated and the item's attributes afterwards.
func runCase(t *testing.T, cfg *Config, c curatedCase) ([]string, pcommon.Map) {
	t.Helper()
	ctx := context.Background()
	set := processortest.NewNopSettings(metadata.Type)
	f := NewFactory()
	var attrs, annotated pcommon.Map
	switch c.Signal {
	case "span", "span_event", "resource":
		p, err := f.CreateTraces(ctx, set, cfg, consumertest.NewNop())
		require.NoError(t, err)
		td := ptrace.NewTraces()
		rs := td.ResourceSpans().AppendEmpty()
		span := rs.ScopeSpans().AppendEmpty().Spans().AppendEmpty()
		span.SetKind(spanKindOf[c.Kind])
		switch c.Signal {
		case "span":
			attrs = span.Attributes()
		case "resource":
			attrs = rs.Resource().Attributes()
		default:
			ev := span.Events().AppendEmpty()
			ev.SetName(c.Event)
			attrs = ev.Attributes()
		}
		require.NoError(t, attrs.FromRaw(c.Attrs))
		require.NoError(t, p.ConsumeTraces(ctx, td))
		annotated = attrs
	case "log":
		p, err := f.CreateLogs(ctx, set, cfg, consumertest.NewNop())
		require.NoError(t, err)
		ld := plog.NewLogs()
		lr := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
		lr.SetEventName(c.Event)
		attrs = lr.Attributes()
		require.NoError(t, attrs.FromRaw(c.Attrs))
		require.NoError(t, p.ConsumeLogs(ctx, ld))
		annotated = attrs
	case "metric":
		p, err := f.CreateMetrics(ctx, set, cfg, consumertest.NewNop())
		require.NoError(t, err)
		md := pmetric.NewMetrics()
		m := md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty().Metrics().AppendEmpty()
		m.SetName(c.Metric.Name)
		m.SetUnit(c.Metric.Unit)
		addPoint(m, c.Metric.Instrument)
		attrs = pointAttrs(m)
		require.NoError(t, attrs.FromRaw(c.Attrs))
		require.NoError(t, p.ConsumeMetrics(ctx, md))
		annotated = m.Metadata()
	default:
		t.Fatalf("unknown signal %q", c.Signal)
	}
	return findingsOf(annotated, cfg.FindingsAttribute), attrs
}

func pointAttrs(m pmetric.Metric) (attrs pcommon.Map) {
	forEachPointAttrs(m, func(a pcommon.Map) { attrs = a })
	return attrs
}

// TestCuratedCases runs the hand-written table: the exact findings with
// annotate, the attributes after fix, and precision and recall per
// finding id, asserted at the level reached (a regression guard; the
// README states the numbers).
func TestCuratedCases(t *testing.T) {
	cases := loadCurated(t)
	require.GreaterOrEqual(t, len(cases), 100)
	tp, fp, fn := map[string]int{}, map[string]int{}, map[string]int{}
	fixes, fixesRight := 0, 0
	for i, c := range cases {
		name := fmt.Sprintf("%d_%s", i+1, c.Src)
		got, _ := runCase(t, annotateConfig(), c)
		for _, g := range got {
			if slices.Contains(c.Want, g) {
				tp[idOf(g)]++
			} else {
				fp[idOf(g)]++
				t.Errorf("%s %v: unexpected %s", name, c.Attrs, g)
			}
		}
		for _, w := range c.Want {
			if !slices.Contains(got, w) {
				fn[idOf(w)]++
				t.Errorf("%s %v: missing %s", name, c.Attrs, w)
			}
		}
		if c.Action == ActionFix {
			cfg := createDefaultConfig().(*Config)
			cfg.Action = ActionFix
			_, after := runCase(t, cfg, c)
			fixes++
			if assert.Equal(t, rawOf(t, c.Out), after.AsRaw(), "%s: fix", name) {
				fixesRight++
			}
		}
	}
	ids := append([]string(nil), findingIDs[:]...)
	sort.Strings(ids)
	for _, id := range ids {
		if tp[id]+fn[id]+fp[id] == 0 {
			t.Errorf("%s: no case", id)
			continue
		}
		prec, rec := ratio(tp[id], tp[id]+fp[id]), ratio(tp[id], tp[id]+fn[id])
		t.Logf("%-31s expected %3d found %3d  precision %.2f recall %.2f", id, tp[id]+fn[id], tp[id]+fp[id], prec, rec)
		// Goal 1.00; the guard is the level reached.
		assert.GreaterOrEqual(t, prec, 1.0, "%s precision", id)
		assert.GreaterOrEqual(t, rec, 1.0, "%s recall", id)
	}
	t.Logf("%d cases, %d fix cases, %d fixed as expected", len(cases), fixes, fixesRight)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// rawOf normalizes YAML values (int) to what pcommon gives back (int64).
func rawOf(t *testing.T, m map[string]any) map[string]any {
	t.Helper()
	p := pcommon.NewMap()
	require.NoError(t, p.FromRaw(m))
	return p.AsRaw()
}
