// Package registry is the semantic-conventions registry the semconv
// processor checks against: attributes, templates, metrics and deprecated
// names, generated from the Go module (see gen/), read-only after init.
package registry

//go:generate go run ./gen

import (
	"sort"
	"strings"
)

// Type is an attribute's value type.
type Type uint8

// Attribute value types.
const (
	TypeAny Type = iota
	TypeString
	TypeInt
	TypeDouble
	TypeBool
	TypeStringSlice
	TypeIntSlice
	TypeDoubleSlice
	TypeBoolSlice
)

// Attribute is one registry attribute.
type Attribute struct {
	Name      string
	Type      Type
	Stability string
	Enum      []string // members, for enums
	// Deprecated marks a name the registry no longer defines; RenamedTo is
	// its replacement when known.
	Deprecated bool
	RenamedTo  string
}

// Metric is one registry metric.
type Metric struct {
	Name, Unit, Instrument string
}

// Registry answers lookups; it is safe for concurrent use (read-only).
type Registry struct {
	attrs      map[string]*Attribute
	templates  []string
	metrics    map[string]*Metric
	namespaces map[string]bool
	list       []Attribute // every defined (not deprecated) attribute, sorted
	// From the YAML model only (LoadModel).
	requiredByMetric map[string][]string
	requiredByEvent  map[string][]string
}

// Builtin returns the registry generated from the Go module.
func Builtin() *Registry {
	r := &Registry{attrs: map[string]*Attribute{}, metrics: map[string]*Metric{},
		namespaces: map[string]bool{}, templates: append([]string(nil), builtinTemplates...),
		list: builtinAttributes}
	for i := range builtinAttributes {
		a := &builtinAttributes[i]
		r.attrs[a.Name] = a
		if ns, _, ok := strings.Cut(a.Name, "."); ok {
			r.namespaces[ns] = true
		}
	}
	for i := range builtinMetrics {
		r.metrics[builtinMetrics[i].Name] = &builtinMetrics[i]
	}
	// Deprecated names share the attribute map, so one lookup answers both.
	for _, d := range builtinDeprecated {
		if _, ok := r.attrs[d]; !ok {
			r.attrs[d] = &Attribute{Name: d, Deprecated: true}
		}
	}
	return r
}

// Attribute returns the registry attribute of that name, which may be a
// deprecated one.
func (r *Registry) Attribute(name string) (*Attribute, bool) {
	a, ok := r.attrs[name]
	return a, ok
}

// Template reports whether name belongs to a template attribute, such as
// http.request.header.<key>.
func (r *Registry) Template(name string) bool {
	for _, p := range r.templates {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// Metric returns the registry metric of that name.
func (r *Registry) Metric(name string) (*Metric, bool) {
	m, ok := r.metrics[name]
	return m, ok
}

// KnownNamespace reports whether the first segment of a name is a
// registry namespace (http, db, k8s, …).
func (r *Registry) KnownNamespace(ns string) bool { return r.namespaces[ns] }

// Attributes returns every defined attribute, for tests and corpus
// generation.
func (r *Registry) Attributes() []Attribute { return r.list }

// Metrics returns every metric.
func (r *Registry) Metrics() []Metric { return builtinMetrics }

// DeprecatedNames returns every deprecated name, sorted.
func (r *Registry) DeprecatedNames() []string {
	var out []string
	for name, a := range r.attrs {
		if a.Deprecated {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}
