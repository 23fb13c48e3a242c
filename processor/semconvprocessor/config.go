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
	// model/ folder); it adds renamed_to and requirement levels.
	RegistryPath string `mapstructure:"registry_path"`

	// prevent unkeyed literal initialization
	_ struct{}
}

var _ component.Config = (*Config)(nil)

func createDefaultConfig() component.Config {
	return &Config{Action: ActionCount, FindingsAttribute: "otel.semconv.findings"}
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
	if c.FindingsAttribute == "" {
		errs = append(errs, errors.New("findings_attribute: must not be empty"))
	}
	return errors.Join(errs...)
}

// actionFor is the action configured for a finding.
func (c *Config) actionFor(id string) string {
	if a, ok := c.Actions[id]; ok {
		return a
	}
	return c.Action
}
