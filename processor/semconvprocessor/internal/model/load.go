package model

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// The YAML model, as much of it as the checks need.
type modelFile struct {
	Groups []group `yaml:"groups"`
}

type group struct {
	ID         string      `yaml:"id"`
	Type       string      `yaml:"type"`
	Extends    string      `yaml:"extends"`
	MetricName string      `yaml:"metric_name"`
	Instrument string      `yaml:"instrument"`
	Unit       string      `yaml:"unit"`
	Stability  string      `yaml:"stability"`
	SpanKind   string      `yaml:"span_kind"`
	Name       string      `yaml:"name"` // event name
	Deprecated yaml.Node   `yaml:"deprecated"`
	Attributes []attribute `yaml:"attributes"`
}

type attribute struct {
	ID               string    `yaml:"id"`
	Ref              string    `yaml:"ref"`
	Type             yaml.Node `yaml:"type"`
	Stability        string    `yaml:"stability"`
	RequirementLevel yaml.Node `yaml:"requirement_level"`
	Deprecated       yaml.Node `yaml:"deprecated"`
}

func (a attribute) name() string {
	if a.ID != "" {
		return a.ID
	}
	return a.Ref
}

// required reports a requirement_level of plain "required".
func (a attribute) required() bool {
	return a.RequirementLevel.Kind == yaml.ScalarNode && a.RequirementLevel.Value == "required"
}

// deprecation reads `deprecated:` in either form: a note (older models) or
// {reason, renamed_to, note}.
type deprecation struct {
	set       bool
	reason    string
	renamedTo string
}

func readDeprecation(n yaml.Node) deprecation {
	switch n.Kind {
	case yaml.ScalarNode:
		return deprecation{set: n.Value != ""}
	case yaml.MappingNode:
		var d struct {
			Reason    string `yaml:"reason"`
			RenamedTo string `yaml:"renamed_to"`
		}
		_ = n.Decode(&d) // a malformed mapping is still a deprecation
		return deprecation{set: true, reason: d.Reason, renamedTo: d.RenamedTo}
	}
	return deprecation{}
}

// Load reads every *.yaml and *.yml file under dir.
func Load(dir string) (*Tables, error) {
	var groups []group
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml")) {
			return err
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var f modelFile
		if err := yaml.Unmarshal(raw, &f); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		groups = append(groups, f.Groups...)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("semconv model: %w", err)
	}
	if len(groups) == 0 {
		return nil, fmt.Errorf("semconv model: no semantic-convention groups under %s", dir)
	}
	return build(groups), nil
}

func build(groups []group) *Tables {
	byID := map[string]*group{}
	for i := range groups {
		byID[groups[i].ID] = &groups[i]
	}
	attrs, renames := attributes(groups)
	t := &Tables{Attributes: resolveRenames(attrs, renames)}
	metrics := map[string]Metric{}
	for i := range groups {
		g := &groups[i]
		req := required(g, byID, map[string]bool{})
		dep := readDeprecation(g.Deprecated).set
		if dep {
			// A deprecated convention (the gen_ai ones moved out of the
			// registry) is not enforced: it requires attributes that are
			// deprecated too, so a record would be a violation with or
			// without them. A deprecated metric is reported as such.
			req = nil
		}
		switch {
		case g.Type == "metric" && g.MetricName != "":
			m := Metric{Name: g.MetricName, Unit: g.Unit, Instrument: g.Instrument,
				Stability: orDevelopment(g.Stability), Deprecated: dep, Required: req}
			// A metric name defined twice keeps its current definition.
			if old, ok := metrics[m.Name]; !ok || old.Deprecated && !m.Deprecated {
				metrics[m.Name] = m
			}
		case g.Type == "event" && g.Name != "" && len(req) > 0:
			t.Events = append(t.Events, Event{Name: g.Name, Required: req})
		case g.Type == "span" && g.SpanKind != "" && len(req) > 0:
			t.Spans = append(t.Spans, Span{ID: g.ID, Kind: g.SpanKind, Namespace: spanNamespace(g.ID), Required: req})
		}
	}
	for _, m := range metrics {
		t.Metrics = append(t.Metrics, m)
	}
	sort.Slice(t.Metrics, func(i, j int) bool { return t.Metrics[i].Name < t.Metrics[j].Name })
	sort.Slice(t.Events, func(i, j int) bool { return t.Events[i].Name < t.Events[j].Name })
	sort.Slice(t.Spans, func(i, j int) bool { return t.Spans[i].ID < t.Spans[j].ID })
	return t
}

// spanNamespace is the namespace a span convention belongs to:
// span.http.client -> http.
func spanNamespace(id string) string {
	rest := strings.TrimPrefix(id, "span.")
	ns, _, _ := strings.Cut(rest, ".")
	return ns
}

func orDevelopment(s string) string {
	if s == "" {
		return "development"
	}
	return s
}

// attributes collects the attribute definitions (those with an id) and
// the renames their deprecations ask for.
func attributes(groups []group) (map[string]*Attribute, map[string]string) {
	attrs := map[string]*Attribute{}
	renames := map[string]string{}
	for _, g := range groups {
		for _, a := range g.Attributes {
			if a.ID == "" {
				continue
			}
			def := define(a)
			dep := readDeprecation(a.Deprecated)
			def.Deprecated = dep.set
			if old, ok := attrs[a.ID]; ok && !old.Deprecated && def.Deprecated {
				continue // defined twice: the current definition wins
			}
			attrs[a.ID] = def
			delete(renames, a.ID)
			if dep.reason == "renamed" && dep.renamedTo != "" {
				renames[a.ID] = dep.renamedTo
			}
		}
	}
	return attrs, renames
}

// resolveRenames keeps a rename only when its target is a current
// attribute of the same kind (template or not), following renames of
// renames, and returns the attributes sorted by name.
func resolveRenames(attrs map[string]*Attribute, renames map[string]string) []Attribute {
	for from, to := range renames {
		for hops := 0; hops < 8; hops++ {
			t, ok := attrs[to]
			if !ok || t.Template != attrs[from].Template {
				break
			}
			if !t.Deprecated {
				attrs[from].RenamedTo = to
				break
			}
			next, ok := renames[to]
			if !ok {
				break
			}
			to = next
		}
	}
	out := make([]Attribute, 0, len(attrs))
	for _, a := range attrs {
		out = append(out, *a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// define reads an attribute's type, enum members and stability.
func define(a attribute) *Attribute {
	def := &Attribute{Name: a.ID, Type: TypeAny, Stability: orDevelopment(a.Stability)}
	switch a.Type.Kind {
	case yaml.ScalarNode:
		t := a.Type.Value
		if inner, ok := strings.CutPrefix(t, "template["); ok {
			def.Template = true
			t = strings.TrimSuffix(inner, "]")
		}
		def.Type = scalarType(t)
	case yaml.MappingNode:
		var e struct {
			Members []struct {
				Value yaml.Node `yaml:"value"`
			} `yaml:"members"`
		}
		if err := a.Type.Decode(&e); err == nil {
			def.Type = TypeString
			for _, m := range e.Members {
				switch m.Value.Tag {
				case "!!int":
					def.Type = TypeInt
				case "!!float":
					def.Type = TypeDouble
				}
				def.Enum = append(def.Enum, m.Value.Value)
			}
		}
	}
	return def
}

func scalarType(t string) Type {
	switch t {
	case "string":
		return TypeString
	case "int":
		return TypeInt
	case "double":
		return TypeDouble
	case "boolean":
		return TypeBool
	case "string[]":
		return TypeStringSlice
	case "int[]":
		return TypeIntSlice
	case "double[]":
		return TypeDoubleSlice
	case "boolean[]":
		return TypeBoolSlice
	}
	return TypeAny
}

// required lists a group's required attributes, its own and those it
// extends; its own level wins over the extended one.
func required(g *group, groups map[string]*group, seen map[string]bool) []string {
	if seen[g.ID] {
		return nil // a cycle in extends
	}
	seen[g.ID] = true
	level := map[string]bool{}
	var names []string
	if p := groups[g.Extends]; p != nil {
		for _, n := range required(p, groups, seen) {
			level[n] = true
			names = append(names, n)
		}
	}
	for _, a := range g.Attributes {
		n := a.name()
		if a.RequirementLevel.Kind == 0 {
			continue // not stated here: the extended level stands
		}
		if _, known := level[n]; !known {
			names = append(names, n)
		}
		level[n] = a.required()
	}
	out := names[:0]
	for _, n := range names {
		if level[n] {
			out = append(out, n)
			level[n] = false // once
		}
	}
	return out
}
