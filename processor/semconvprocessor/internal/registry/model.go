package registry

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// The YAML model of the semantic-conventions repository (its model/
// folder), as much of it as the checks need.
type modelFile struct {
	Groups []modelGroup `yaml:"groups"`
}

type modelGroup struct {
	ID         string           `yaml:"id"`
	Type       string           `yaml:"type"`
	Extends    string           `yaml:"extends"`
	MetricName string           `yaml:"metric_name"`
	Name       string           `yaml:"name"` // event name
	Attributes []modelAttribute `yaml:"attributes"`
}

type modelAttribute struct {
	ID               string    `yaml:"id"`
	Ref              string    `yaml:"ref"`
	Type             yaml.Node `yaml:"type"`
	Stability        string    `yaml:"stability"`
	RequirementLevel yaml.Node `yaml:"requirement_level"`
	Deprecated       yaml.Node `yaml:"deprecated"`
}

func (a modelAttribute) name() string {
	if a.ID != "" {
		return a.ID
	}
	return a.Ref
}

// required reports a requirement_level of plain "required".
func (a modelAttribute) required() bool {
	return a.RequirementLevel.Kind == yaml.ScalarNode && a.RequirementLevel.Value == "required"
}

// renamedTo reads `deprecated: {reason: renamed, renamed_to: x}`.
func (a modelAttribute) renamedTo() (string, bool) {
	if a.Deprecated.Kind != yaml.MappingNode {
		return "", a.Deprecated.Kind == yaml.ScalarNode && a.Deprecated.Value != ""
	}
	var d struct {
		RenamedTo string `yaml:"renamed_to"`
	}
	if err := a.Deprecated.Decode(&d); err != nil {
		return "", true
	}
	return d.RenamedTo, true
}

// LoadModel returns the built-in registry extended with the YAML model
// under dir: deprecated attributes with their renamed_to, and the
// attributes that metrics and events require (resolving ref and extends).
func LoadModel(dir string) (*Registry, error) {
	groups := map[string]*modelGroup{}
	var order []*modelGroup
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".yaml") {
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
		for i := range f.Groups {
			g := &f.Groups[i]
			groups[g.ID] = g
			order = append(order, g)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("registry_path: %w", err)
	}
	if len(order) == 0 {
		return nil, fmt.Errorf("registry_path: no semantic-convention groups under %s", dir)
	}
	r := Builtin()
	r.requiredByMetric = map[string][]string{}
	r.requiredByEvent = map[string][]string{}
	for _, g := range order {
		for _, a := range g.Attributes {
			if a.ID == "" {
				continue
			}
			if to, dep := a.renamedTo(); dep {
				r.attrs[a.ID] = &Attribute{Name: a.ID, Deprecated: true, RenamedTo: to}
				continue
			}
			r.define(a)
		}
	}
	r.list = nil // a new slice: the built-in one is shared
	for _, a := range r.attrs {
		if !a.Deprecated {
			r.list = append(r.list, *a)
		}
	}
	sort.Slice(r.list, func(i, j int) bool { return r.list[i].Name < r.list[j].Name })
	for _, g := range order {
		req := required(g, groups, map[string]bool{})
		switch {
		case g.Type == "metric" && g.MetricName != "" && len(req) > 0:
			r.requiredByMetric[g.MetricName] = req
		case g.Type == "event" && g.Name != "" && len(req) > 0:
			r.requiredByEvent[g.Name] = req
		}
	}
	return r, nil
}

// define takes an attribute's type, enum members and stability from the
// model, over what the Go module said; a template type adds a prefix.
func (r *Registry) define(a modelAttribute) {
	def := &Attribute{Name: a.ID, Type: TypeAny, Stability: a.Stability}
	if def.Stability == "" {
		def.Stability = "development"
	}
	switch a.Type.Kind {
	case yaml.ScalarNode:
		t := a.Type.Value
		if strings.HasPrefix(t, "template[") {
			r.templates = append(r.templates, a.ID+".")
			return
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
				if m.Value.Tag == "!!int" {
					def.Type = TypeInt
				}
				def.Enum = append(def.Enum, m.Value.Value)
			}
		}
	}
	r.attrs[a.ID] = def
	if ns, _, ok := strings.Cut(a.ID, "."); ok {
		r.namespaces[ns] = true
	}
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
func required(g *modelGroup, groups map[string]*modelGroup, seen map[string]bool) []string {
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

// RequiredForMetric lists the attributes a metric's data points must have.
func (r *Registry) RequiredForMetric(name string) []string { return r.requiredByMetric[name] }

// RequiredForEvent lists the attributes an event's log records must have.
func (r *Registry) RequiredForEvent(name string) []string { return r.requiredByEvent[name] }

// Events lists the events that require attributes, sorted.
func (r *Registry) Events() []string {
	out := make([]string, 0, len(r.requiredByEvent))
	for e := range r.requiredByEvent {
		out = append(out, e)
	}
	sort.Strings(out)
	return out
}

// Renames maps each deprecated attribute with a known replacement to it.
func (r *Registry) Renames() map[string]string {
	out := map[string]string{}
	for name, a := range r.attrs {
		if a.Deprecated && a.RenamedTo != "" {
			out[name] = a.RenamedTo
		}
	}
	return out
}
