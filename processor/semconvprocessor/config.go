package semconvprocessor

import (
	"errors"
	"fmt"
	"os"
	"slices"

	"go.opentelemetry.io/collector/component"
)

// Actions on a finding.
const (
	ActionCount    = "count"
	ActionAnnotate = "annotate"
	ActionFix      = "fix"
	ActionDrop     = "drop_attribute"
)

var allActions = []string{ActionCount, ActionAnnotate, ActionFix, ActionDrop}

// Config is the semconv processor's configuration.
type Config struct {
	// Action is the default action for every finding.
	Action string `mapstructure:"action"`
	// Actions overrides the action per finding id.
	Actions map[string]string `mapstructure:"actions"`
	// AllowPrefixes are custom namespaces (e.g. "app.") that are not checked.
	AllowPrefixes []string `mapstructure:"allow_prefixes"`
	// FindingsAttribute is the string-array attribute annotate writes.
	FindingsAttribute string `mapstructure:"findings_attribute"`
	// RegistryPath is an optional semantic-conventions YAML model (the
	// model/ folder of another release); it replaces the built-in v1.43.0.
	RegistryPath string `mapstructure:"registry_path"`
	// MaxAnnotations caps the entries annotate writes on one item.
	MaxAnnotations int `mapstructure:"max_annotations"`
	// MaxAnnotationKeyLength caps the attribute or metric name in one
	// entry, in bytes; longer names are cut and end in "…".
	MaxAnnotationKeyLength int `mapstructure:"max_annotation_key_length"`

	// prevent unkeyed literal initialization
	_ struct{}
}

var _ component.Config = (*Config)(nil)

func createDefaultConfig() component.Config {
	return &Config{Action: ActionCount, FindingsAttribute: "otel.semconv.findings",
		MaxAnnotations: 32, MaxAnnotationKeyLength: 128}
}

// Validate checks the configuration and names the offending field.
func (c *Config) Validate() error {
	var errs []error
	if !slices.Contains(allActions, c.Action) {
		errs = append(errs, fmt.Errorf("action: %q is not one of %v", c.Action, allActions))
	}
	for id, a := range c.Actions {
		if kindOf(id) < 0 {
			errs = append(errs, fmt.Errorf("actions::%s: unknown finding id (want one of %v)", id, findingIDs[:]))
		}
		if !slices.Contains(allActions, a) {
			errs = append(errs, fmt.Errorf("actions::%s: %q is not one of %v", id, a, allActions))
		}
	}
	if c.RegistryPath != "" {
		if st, err := os.Stat(c.RegistryPath); err != nil || !st.IsDir() {
			errs = append(errs, fmt.Errorf("registry_path: %q is not a folder", c.RegistryPath))
		}
	}
	if c.MaxAnnotations < 1 {
		errs = append(errs, fmt.Errorf("max_annotations: %d must be at least 1", c.MaxAnnotations))
	}
	if c.MaxAnnotationKeyLength < 1 {
		errs = append(errs, fmt.Errorf("max_annotation_key_length: %d must be at least 1", c.MaxAnnotationKeyLength))
	}
	if c.FindingsAttribute == "" {
		errs = append(errs, errors.New("findings_attribute: must not be empty"))
	}
	return errors.Join(errs...)
}

// actionFor is the action for a finding kind: its own setting, else the
// default action, except that a default drop_attribute removes violations
// only (an improvement or an information, such as a development attribute
// or a custom value of an open enum, is then counted and kept).
func (c *Config) actionFor(kind int) string {
	id := findingIDs[kind]
	if a, ok := c.Actions[id]; ok {
		return a
	}
	if c.Action == ActionDrop && levels[id] != "violation" {
		return ActionCount
	}
	return c.Action
}
