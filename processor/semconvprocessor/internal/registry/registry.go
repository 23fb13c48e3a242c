// Package registry is the semantic-conventions registry the semconv
// processor checks against. The built-in one is generated from the YAML
// model vendored in third_party/semconv (see gen/); LoadModel reads another
// model folder at start. Read-only once built.
package registry

//go:generate go run ./gen

import (
	"sort"
	"strings"

	"github.com/otelhub/otelhub/processor/semconvprocessor/internal/model"
)

// Version is the semantic-conventions version of the built-in registry.
const Version = "v1.43.0"

// Type and Attribute are the model's.
type (
	Type      = model.Type
	Attribute = model.Attribute
	Metric    = model.Metric
)

// Attribute value types.
const (
	TypeAny         = model.TypeAny
	TypeString      = model.TypeString
	TypeInt         = model.TypeInt
	TypeDouble      = model.TypeDouble
	TypeBool        = model.TypeBool
	TypeStringSlice = model.TypeStringSlice
	TypeIntSlice    = model.TypeIntSlice
	TypeDoubleSlice = model.TypeDoubleSlice
	TypeBoolSlice   = model.TypeBoolSlice
)

// Registry answers lookups; it is safe for concurrent use (read-only).
type Registry struct {
	attrs     map[string]*Entry       // plain attributes, current and deprecated
	templates map[string][]*Attribute // by namespace, longest name first
	metrics   map[string]*Metric
	events    map[string][]string
	spans     []model.Span
	tables    *model.Tables
}

// Entry is a plain attribute with the span conventions it anchors.
type Entry struct {
	Attribute // a copy, so a lookup reads one block of memory
	// Spans indexes the span conventions (Span) that apply to a span of
	// their kind carrying this attribute: it is one of their required
	// attributes and in their own namespace.
	Spans []int
}

// Builtin returns the registry generated from the vendored model.
func Builtin() *Registry { return New(builtinTables) }

// LoadModel returns the registry of the YAML model under dir.
func LoadModel(dir string) (*Registry, error) {
	t, err := model.Load(dir)
	if err != nil {
		return nil, err
	}
	return New(t), nil
}

// New indexes t.
func New(t *model.Tables) *Registry {
	r := &Registry{attrs: map[string]*Entry{}, templates: map[string][]*Attribute{}, metrics: map[string]*Metric{},
		events: map[string][]string{}, spans: t.Spans, tables: t}
	for i := range t.Attributes {
		a := &t.Attributes[i]
		if a.Template {
			ns := namespace(a.Name)
			r.templates[ns] = append(r.templates[ns], a)
		} else {
			r.attrs[a.Name] = &Entry{Attribute: *a}
		}
	}
	for i, s := range t.Spans {
		for _, req := range s.Required {
			if e := r.attrs[req]; e != nil && strings.HasPrefix(req, s.Namespace+".") {
				e.Spans = append(e.Spans, i)
			}
		}
	}
	// The longest prefix wins: k8s.pod.label.<key> before a shorter base.
	for _, list := range r.templates {
		sort.SliceStable(list, func(i, j int) bool { return len(list[i].Name) > len(list[j].Name) })
	}
	for i := range t.Metrics {
		r.metrics[t.Metrics[i].Name] = &t.Metrics[i]
	}
	for _, e := range t.Events {
		r.events[e.Name] = e.Required
	}
	return r
}

// Attribute returns the plain (not template) attribute of that name,
// which may be deprecated.
func (r *Registry) Attribute(name string) (*Entry, bool) {
	e, ok := r.attrs[name]
	return e, ok
}

// Template returns the template a key belongs to: name is the template's
// name, a dot and a non-empty key of any spelling
// (http.request.header.content-type, k8s.pod.label.app.kubernetes.io/name).
func (r *Registry) Template(name string) (*Attribute, bool) {
	for _, t := range r.templates[namespace(name)] {
		if len(name) > len(t.Name)+1 && name[len(t.Name)] == '.' && strings.HasPrefix(name, t.Name) {
			return t, true
		}
	}
	return nil, false
}

// Metric returns the registry metric of that name.
func (r *Registry) Metric(name string) (*Metric, bool) {
	m, ok := r.metrics[name]
	return m, ok
}

// RequiredForEvent lists the attributes an event's records must have.
func (r *Registry) RequiredForEvent(name string) []string { return r.events[name] }

// Span returns the span convention i of an Entry's Spans.
func (r *Registry) Span(i int) *model.Span { return &r.spans[i] }

// Tables returns what the registry was built from, for tests.
func (r *Registry) Tables() *model.Tables { return r.tables }

// namespace is a name's first segment: http of http.request.method.
func namespace(name string) string {
	ns, _, _ := strings.Cut(name, ".")
	return ns
}
