// Package model reads the semantic-conventions YAML model (the model/
// folder of open-telemetry/semantic-conventions) into flat tables: the
// registry's attributes and templates, metrics, and the attributes that
// metrics, events and spans require. The registry generator renders these
// tables as Go; registry_path loads them at start.
package model

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

// Attribute is one registry attribute, or a template (Template: the name
// is a prefix, the key is Name + "." + anything; Type is the value type).
type Attribute struct {
	Name      string
	Type      Type
	Stability string
	Enum      []string // members' values, for enums (all open in v1.43.0)
	Template  bool
	// Deprecated marks a name the registry still lists but no longer
	// recommends. RenamedTo is set only for `reason: renamed` whose target
	// the registry defines (a template for a template), so fix is safe.
	Deprecated bool
	RenamedTo  string
}

// Metric is one metric (metric_name, deduplicated).
type Metric struct {
	Name, Unit, Instrument, Stability string
	Deprecated                        bool
	Required                          []string // attributes every data point must have
}

// Event is an event (log record or span event, by name) that requires
// attributes.
type Event struct {
	Name     string
	Required []string
}

// Span is a span convention that requires attributes: it applies to a
// span of that kind carrying one of its required attributes of its own
// namespace (see the processor's README).
type Span struct {
	ID, Kind, Namespace string
	Required            []string
}

// Tables is the whole model, each slice sorted by name (ID for spans).
type Tables struct {
	Attributes []Attribute
	Metrics    []Metric
	Events     []Event
	Spans      []Span
}
