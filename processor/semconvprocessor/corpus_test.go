package semconvprocessor

import (
	"context"
	"slices"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/otelhub/otelhub/processor/semconvprocessor/internal/metadata"
	"github.com/otelhub/otelhub/processor/semconvprocessor/internal/registry"
)

// sample is one attribute with the findings it must give, exactly.
type sample struct {
	key  string
	set  func(pcommon.Map)
	want []string
}

// corpus builds, from the built-in registry: for every attribute a valid
// and a wrong-type sample, for every string enum a non-member, for every
// deprecated name one sample, plus unknown and badly formatted names.
func corpus(reg *registry.Registry) []sample {
	var out []sample
	for _, a := range reg.Attributes() {
		var stable []string
		if a.Stability != "stable" {
			stable = []string{"not_stable:" + a.Name}
		}
		good, bad := values(a)
		out = append(out, sample{a.Name, func(m pcommon.Map) { good(m.PutEmpty(a.Name)) }, stable})
		if bad != nil {
			out = append(out, sample{a.Name, func(m pcommon.Map) { bad(m.PutEmpty(a.Name)) }, []string{"type_mismatch:" + a.Name}})
		}
		if len(a.Enum) > 0 && a.Type == registry.TypeString {
			want := append([]string{"undefined_enum_variant:" + a.Name}, stable...)
			out = append(out, sample{a.Name, func(m pcommon.Map) { m.PutStr(a.Name, "zz.not_a_member") }, want})
		}
	}
	for _, d := range reg.DeprecatedNames() {
		out = append(out, sample{d, func(m pcommon.Map) { m.PutStr(d, "x") }, []string{"deprecated:" + d}})
	}
	for _, name := range []string{"mycompany.custom.thing", "zzz.unknown_attr"} {
		out = append(out, sample{name, func(m pcommon.Map) { m.PutStr(name, "x") }, []string{"missing_attribute:" + name}})
	}
	out = append(out, sample{"nonamespace", func(m pcommon.Map) { m.PutStr("nonamespace", "x") },
		[]string{"missing_attribute:nonamespace", "missing_namespace:nonamespace"}})
	for _, name := range []string{"Bad.Name", "a..b", "1abc", "trailing.", "has-dash", "x y"} {
		out = append(out, sample{name, func(m pcommon.Map) { m.PutStr(name, "x") }, []string{"invalid_format:" + name}})
	}
	return out
}

// values returns a setter of a valid value and one of a wrong type.
func values(a registry.Attribute) (good, bad func(pcommon.Value)) {
	switch a.Type {
	case registry.TypeString:
		v := "value"
		if len(a.Enum) > 0 {
			v = a.Enum[0]
		}
		return func(x pcommon.Value) { x.SetStr(v) }, func(x pcommon.Value) { x.SetBool(true) }
	case registry.TypeInt:
		return func(x pcommon.Value) { x.SetInt(1) }, func(x pcommon.Value) { x.SetStr("1") }
	case registry.TypeDouble:
		return func(x pcommon.Value) { x.SetDouble(1.5) }, func(x pcommon.Value) { x.SetStr("1.5") }
	case registry.TypeBool:
		return func(x pcommon.Value) { x.SetBool(true) }, func(x pcommon.Value) { x.SetStr("true") }
	case registry.TypeStringSlice:
		return func(x pcommon.Value) { x.SetEmptySlice().AppendEmpty().SetStr("a") }, func(x pcommon.Value) { x.SetStr("a") }
	case registry.TypeIntSlice:
		return func(x pcommon.Value) { x.SetEmptySlice().AppendEmpty().SetInt(1) }, func(x pcommon.Value) { x.SetInt(1) }
	}
	return func(x pcommon.Value) { x.SetStr("any") }, nil
}

// TestCorpusPrecisionAndRecall runs every sample through the processor
// (annotate, one log record per sample) and requires exactly the expected
// findings: precision and recall 1.00 for every finding id.
func TestCorpusPrecisionAndRecall(t *testing.T) {
	samples := corpus(builtin)
	cfg := createDefaultConfig().(*Config)
	cfg.Action = ActionAnnotate
	sink := new(consumertest.LogsSink)
	p, err := NewFactory().CreateLogs(context.Background(), processortest.NewNopSettings(metadata.Type), cfg, sink)
	require.NoError(t, err)
	require.NoError(t, p.Start(context.Background(), componenttest.NewNopHost()))
	defer func() { require.NoError(t, p.Shutdown(context.Background())) }()

	ld := plog.NewLogs()
	lrs := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords()
	for _, s := range samples {
		s.set(lrs.AppendEmpty().Attributes())
	}
	require.NoError(t, p.ConsumeLogs(context.Background(), ld))

	tp, fp, fn := map[string]int{}, map[string]int{}, map[string]int{}
	for i, s := range samples {
		got := findingsOf(lrs.At(i).Attributes(), cfg.FindingsAttribute)
		for _, g := range got {
			if slices.Contains(s.want, g) {
				tp[idOf(g)]++
			} else {
				fp[idOf(g)]++
				t.Errorf("sample %q: unexpected finding %s", s.key, g)
			}
		}
		for _, w := range s.want {
			if !slices.Contains(got, w) {
				fn[idOf(w)]++
				t.Errorf("sample %q: missing finding %s", s.key, w)
			}
		}
	}
	ids := []string{}
	for id := range tp {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		prec := float64(tp[id]) / float64(tp[id]+fp[id])
		rec := float64(tp[id]) / float64(tp[id]+fn[id])
		t.Logf("%-24s samples %5d precision %.2f recall %.2f", id, tp[id]+fn[id], prec, rec)
		assert.Equal(t, 1.0, prec, id)
		assert.Equal(t, 1.0, rec, id)
	}
	assert.Len(t, ids, 7, "every attribute-level finding id is exercised")
}

func findingsOf(m pcommon.Map, attr string) []string {
	v, ok := m.Get(attr)
	if !ok {
		return nil
	}
	var out []string
	for _, x := range v.Slice().All() {
		out = append(out, x.Str())
	}
	return out
}

func idOf(finding string) string {
	for i := range finding {
		if finding[i] == ':' {
			return finding[:i]
		}
	}
	return finding
}

// Every registry metric with its own unit and instrument is clean; a wrong
// unit and a wrong instrument are found.
func TestMetricsCorpus(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.Action = ActionAnnotate
	p, err := NewFactory().CreateMetrics(context.Background(), processortest.NewNopSettings(metadata.Type), cfg, consumertest.NewNop())
	require.NoError(t, err)
	md := pmetric.NewMetrics()
	ms := md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty().Metrics()
	type want struct{ name, finding string }
	var wants []want
	for _, rm := range builtin.Metrics() {
		for _, variant := range []string{"ok", "unit", "instrument"} {
			m := ms.AppendEmpty()
			m.SetName(rm.Name)
			m.SetUnit(rm.Unit)
			instr := rm.Instrument
			switch variant {
			case "unit":
				m.SetUnit(rm.Unit + "_wrong")
				wants = append(wants, want{rm.Name, "unit_mismatch:" + rm.Name})
			case "instrument":
				instr = map[string]string{"counter": "gauge", "gauge": "histogram", "histogram": "counter", "updowncounter": "gauge"}[instr]
				wants = append(wants, want{rm.Name, "unexpected_instrument:" + rm.Name})
			default:
				wants = append(wants, want{rm.Name, ""})
			}
			addPoint(m, instr)
		}
	}
	require.NoError(t, p.ConsumeMetrics(context.Background(), md))
	for i, w := range wants {
		var attrs pcommon.Map
		forEachPointAttrs(ms.At(i), func(m pcommon.Map) { attrs = m })
		got := findingsOf(attrs, cfg.FindingsAttribute)
		if w.finding == "" {
			assert.Empty(t, got, w.name)
		} else {
			assert.Equal(t, []string{w.finding}, got, w.name)
		}
	}
	t.Logf("%d registry metrics, 3 variants each", len(builtin.Metrics()))
}

func addPoint(m pmetric.Metric, instrument string) {
	switch instrument {
	case "counter", "updowncounter":
		s := m.SetEmptySum()
		s.SetIsMonotonic(instrument == "counter")
		s.DataPoints().AppendEmpty().SetIntValue(1)
	case "histogram":
		m.SetEmptyHistogram().DataPoints().AppendEmpty().SetCount(1)
	default:
		m.SetEmptyGauge().DataPoints().AppendEmpty().SetIntValue(1)
	}
}
