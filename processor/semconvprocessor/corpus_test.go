package semconvprocessor

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/processor/processortest"
	"go.yaml.in/yaml/v3"

	"github.com/otelhub/otelhub/processor/semconvprocessor/internal/metadata"
)

// The vendored YAML model, inside the repository.
var modelDir = filepath.Join("..", "..", "third_party", "semconv", "v1.43.0", "model")

// yamlAttr and yamlMetric are read from the model by this test's own
// reader (generic YAML, no code of the processor), so the corpus does not
// come from the table the processor uses.
type yamlAttr struct {
	id, typ, stability string
	enum               []any // member values, string or int
	deprecated         bool
	reason, renamedTo  string
}

type yamlMetric struct {
	name, unit, instrument string
	deprecated             bool
}

func readYAMLModel(t testing.TB) (map[string]yamlAttr, map[string]yamlMetric) {
	t.Helper()
	attrs, metrics := map[string]yamlAttr{}, map[string]yamlMetric{}
	err := filepath.WalkDir(modelDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.Contains(path, ".y") {
			return err
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var f struct {
			Groups []map[string]any `yaml:"groups"`
		}
		if err := yaml.Unmarshal(raw, &f); err != nil {
			return err
		}
		for _, g := range f.Groups {
			if g["type"] == "metric" {
				_, dep := g["deprecated"]
				m := yamlMetric{name: str(g["metric_name"]), unit: str(g["unit"]), instrument: str(g["instrument"]), deprecated: dep}
				if old, ok := metrics[m.name]; !ok || old.deprecated && !dep {
					metrics[m.name] = m
				}
			}
			list, _ := g["attributes"].([]any)
			for _, x := range list {
				a := x.(map[string]any)
				if id := str(a["id"]); id != "" {
					ya := readAttr(a)
					if old, ok := attrs[id]; !ok || old.deprecated && !ya.deprecated {
						attrs[id] = ya
					}
				}
			}
		}
		return nil
	})
	require.NoError(t, err)
	return attrs, metrics
}

func readAttr(a map[string]any) yamlAttr {
	ya := yamlAttr{id: str(a["id"]), stability: str(a["stability"])}
	switch typ := a["type"].(type) {
	case string:
		ya.typ = typ
	case map[string]any:
		ya.typ = "enum"
		for _, m := range typ["members"].([]any) {
			ya.enum = append(ya.enum, m.(map[string]any)["value"])
		}
	}
	switch d := a["deprecated"].(type) {
	case nil:
	case map[string]any:
		ya.deprecated, ya.reason, ya.renamedTo = true, str(d["reason"]), str(d["renamed_to"])
	default:
		ya.deprecated = true
	}
	return ya
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// sample is one attribute with the findings it must give, exactly.
type sample struct {
	key  string
	set  func(pcommon.Map)
	want []string
}

// corpus: for every attribute of the model a valid and a wrong-type
// sample, for every enum a non-member, for every template a free-form key,
// for every deprecated name one sample, plus unknown and badly formatted
// names.
func corpus(attrs map[string]yamlAttr) []sample {
	var out []sample
	for _, a := range attrs {
		key := a.id
		if strings.HasPrefix(a.typ, "template[") {
			key = a.id + ".Some-Key/x"
			a.typ = strings.TrimSuffix(strings.TrimPrefix(a.typ, "template["), "]")
		}
		if a.deprecated {
			out = append(out, sample{key, func(m pcommon.Map) { m.PutStr(key, "x") }, []string{"deprecated:" + key}})
			continue
		}
		var stable []string
		if a.stability != "stable" {
			stable = []string{"not_stable:" + key}
		}
		good, bad := values(a)
		out = append(out, sample{key, func(m pcommon.Map) { good(m.PutEmpty(key)) }, stable})
		if bad != nil {
			out = append(out, sample{key, func(m pcommon.Map) { bad(m.PutEmpty(key)) }, []string{"type_mismatch:" + key}})
		}
		if a.typ == "enum" {
			want := append([]string{"undefined_enum_variant:" + key}, stable...)
			if _, isInt := a.enum[0].(int); isInt {
				out = append(out, sample{key, func(m pcommon.Map) { m.PutInt(key, 987654) }, want})
			} else {
				out = append(out, sample{key, func(m pcommon.Map) { m.PutStr(key, "zz.not_a_member") }, want})
			}
		}
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
func values(a yamlAttr) (good, bad func(pcommon.Value)) {
	switch a.typ {
	case "enum":
		switch v := a.enum[0].(type) {
		case int:
			return func(x pcommon.Value) { x.SetInt(int64(v)) }, func(x pcommon.Value) { x.SetBool(true) }
		default:
			s, _ := v.(string)
			return func(x pcommon.Value) { x.SetStr(s) }, func(x pcommon.Value) { x.SetBool(true) }
		}
	case "string":
		return func(x pcommon.Value) { x.SetStr("value") }, func(x pcommon.Value) { x.SetBool(true) }
	case "int":
		return func(x pcommon.Value) { x.SetInt(1) }, func(x pcommon.Value) { x.SetStr("1") }
	case "double":
		return func(x pcommon.Value) { x.SetDouble(1.5) }, func(x pcommon.Value) { x.SetStr("1.5") }
	case "boolean":
		return func(x pcommon.Value) { x.SetBool(true) }, func(x pcommon.Value) { x.SetStr("true") }
	case "string[]":
		return func(x pcommon.Value) { x.SetEmptySlice().AppendEmpty().SetStr("a") }, func(x pcommon.Value) { x.SetStr("a") }
	case "int[]":
		return func(x pcommon.Value) { x.SetEmptySlice().AppendEmpty().SetInt(1) }, func(x pcommon.Value) { x.SetInt(1) }
	case "double[]":
		return func(x pcommon.Value) { x.SetEmptySlice().AppendEmpty().SetDouble(1) }, func(x pcommon.Value) { x.SetDouble(1) }
	case "boolean[]":
		return func(x pcommon.Value) { x.SetEmptySlice().AppendEmpty().SetBool(true) }, func(x pcommon.Value) { x.SetBool(true) }
	case "any":
		return func(x pcommon.Value) { x.SetStr("any") }, nil
	}
	panic("unknown type " + a.typ + " of " + a.id)
}

// TestCorpusPrecisionAndRecall runs every sample through the processor
// (annotate, one log record per sample) and requires exactly the expected
// findings: precision and recall 1.00 for every finding id.
func TestCorpusPrecisionAndRecall(t *testing.T) {
	attrs, _ := readYAMLModel(t)
	samples := corpus(attrs)
	cfg := annotateConfig()
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
	t.Logf("%d attributes and templates in the model, %d samples", len(attrs), len(samples))
}

// Every deprecated attribute of the model: fix renames it exactly when
// its reason is renamed and renamed_to names a current attribute of the
// same kind (a template for a template); otherwise it stays.
func TestModelRenamesCorpus(t *testing.T) {
	attrs, _ := readYAMLModel(t)
	cfg := createDefaultConfig().(*Config)
	cfg.Action = ActionFix
	p := newTraces(t, cfg, nil)
	renamed, kept := 0, 0
	for _, a := range attrs {
		if !a.deprecated {
			continue
		}
		isTemplate := strings.HasPrefix(a.typ, "template[")
		key, suffix := a.id, ""
		if isTemplate {
			suffix = ".app"
			key += suffix
		}
		want := key
		if to, ok := attrs[a.renamedTo]; ok && a.reason == "renamed" && !to.deprecated &&
			strings.HasPrefix(to.typ, "template[") == isTemplate {
			want = a.renamedTo + suffix
			renamed++
		} else {
			kept++
		}
		got := spanAttrsWith(t, p, func(m pcommon.Map) { m.PutStr(key, "v") }).AsRaw()
		assert.Equal(t, map[string]any{want: "v"}, got, "%s (reason %q, renamed_to %q)", a.id, a.reason, a.renamedTo)
	}
	t.Logf("deprecated attributes: %d renamed, %d kept", renamed, kept)
}

// Every metric of the model (each name once) is clean with its own unit
// and instrument and gives exactly unit_mismatch / unexpected_instrument
// with a wrong one; a deprecated metric also gives deprecated.
func TestMetricsCorpus(t *testing.T) {
	_, metrics := readYAMLModel(t)
	cfg := annotateConfig()
	p, err := NewFactory().CreateMetrics(context.Background(), processortest.NewNopSettings(metadata.Type), cfg, consumertest.NewNop())
	require.NoError(t, err)
	md := pmetric.NewMetrics()
	ms := md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty().Metrics()
	var wants [][]string
	for _, rm := range metrics {
		for _, variant := range []string{"ok", "unit", "instrument"} {
			m := ms.AppendEmpty()
			m.SetName(rm.name)
			m.SetUnit(rm.unit)
			instr := rm.instrument
			var want []string
			if rm.deprecated {
				want = append(want, "deprecated:"+rm.name)
			}
			switch variant {
			case "unit":
				m.SetUnit(rm.unit + "_wrong")
				want = append(want, "unit_mismatch:"+rm.name)
			case "instrument":
				instr = map[string]string{"counter": "gauge", "gauge": "histogram", "histogram": "counter", "updowncounter": "gauge"}[instr]
				want = append(want, "unexpected_instrument:"+rm.name)
			}
			addPoint(m, instr)
			wants = append(wants, want)
		}
	}
	require.NoError(t, p.ConsumeMetrics(context.Background(), md))
	for i, want := range wants {
		got := findingsOf(ms.At(i).Metadata(), cfg.FindingsAttribute)
		var metricLevel []string
		for _, g := range got {
			if idOf(g) != RequiredNotPresent {
				metricLevel = append(metricLevel, g)
			}
		}
		slices.Sort(want)
		assert.Equal(t, want, metricLevel, ms.At(i).Name())
	}
	assert.Len(t, metrics, 532)
	t.Logf("%d model metrics, 3 variants each", len(metrics))
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
	id, _, _ := strings.Cut(finding, ":")
	return id
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
