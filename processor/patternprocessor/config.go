package patternprocessor

import (
	"errors"
	"fmt"
	"regexp"
	"time"

	"go.opentelemetry.io/collector/component"
)

// Config is the pattern processor's configuration.
type Config struct {
	// BodyField is the field of a map body that holds the message.
	BodyField string `mapstructure:"body_field"`
	// IDAttribute, TemplateAttribute and TagsAttribute name the attributes
	// written on each record.
	IDAttribute       string `mapstructure:"id_attribute"`
	TemplateAttribute string `mapstructure:"template_attribute"`
	TagsAttribute     string `mapstructure:"tags_attribute"`
	// PartitionBy lists the resource attributes whose values separate
	// pattern state; empty means one global state.
	PartitionBy []string `mapstructure:"partition_by"`
	// MaxPatterns bounds the patterns of one partition (least recently
	// used ones are forgotten past it).
	MaxPatterns int `mapstructure:"max_patterns"`
	// MaxPartitions bounds the partitions; records of further partitions
	// share one overflow partition.
	MaxPartitions int `mapstructure:"max_partitions"`
	// MaxLineLength is how many bytes of a message are mined; the rest is
	// ignored (the record is still tagged).
	MaxLineLength int `mapstructure:"max_line_length"`
	// MaxMemoryMiB bounds the memory the patterns of all partitions hold,
	// estimated from their text; past it the oldest patterns are forgotten.
	MaxMemoryMiB int `mapstructure:"max_memory_mib"`
	// SimilarityThreshold is the share of a pattern's constant tokens a
	// line must repeat to join it.
	SimilarityThreshold float64 `mapstructure:"similarity_threshold"`
	// SaveInterval is how often the patterns are saved to Storage besides
	// at shutdown (0: only at shutdown).
	SaveInterval time.Duration `mapstructure:"save_interval"`
	// Rules add their names to TagsAttribute when they match.
	Rules []Rule `mapstructure:"rules"`
	// Storage names a storage extension (e.g. file_storage) where the
	// patterns are saved at shutdown and loaded at start, so that ids keep
	// their meaning across restarts.
	Storage *component.ID `mapstructure:"storage"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// Rule tags records whose body or string attributes match its regex or
// contain one of its keywords (case-insensitive).
type Rule struct {
	Name     string   `mapstructure:"name"`
	Regex    string   `mapstructure:"regex"`
	Keywords []string `mapstructure:"keywords"`
}

var _ component.Config = (*Config)(nil)

func createDefaultConfig() component.Config {
	return &Config{
		BodyField:           "message",
		IDAttribute:         "log.pattern.id",
		TemplateAttribute:   "log.pattern.template",
		TagsAttribute:       "log.pattern.tags",
		PartitionBy:         []string{"service.name"},
		MaxPatterns:         10_000,
		MaxPartitions:       1_000,
		MaxLineLength:       4096,
		MaxMemoryMiB:        64,
		SimilarityThreshold: 0.7,
		SaveInterval:        time.Minute,
	}
}

// Validate checks the configuration and names the offending field.
func (c *Config) Validate() error {
	var errs []error
	for _, f := range []struct{ name, v string }{
		{"id_attribute", c.IDAttribute}, {"template_attribute", c.TemplateAttribute}, {"tags_attribute", c.TagsAttribute},
	} {
		if f.v == "" {
			errs = append(errs, fmt.Errorf("%s: must not be empty", f.name))
		}
	}
	if c.MaxPatterns < 1 {
		errs = append(errs, fmt.Errorf("max_patterns: must be > 0, got %d", c.MaxPatterns))
	}
	if c.MaxPartitions < 1 {
		errs = append(errs, fmt.Errorf("max_partitions: must be > 0, got %d", c.MaxPartitions))
	}
	if c.MaxLineLength < 1 {
		errs = append(errs, fmt.Errorf("max_line_length: must be > 0, got %d", c.MaxLineLength))
	}
	if c.MaxMemoryMiB < 1 {
		errs = append(errs, fmt.Errorf("max_memory_mib: must be > 0, got %d", c.MaxMemoryMiB))
	}
	if c.SimilarityThreshold <= 0 || c.SimilarityThreshold > 1 {
		errs = append(errs, fmt.Errorf("similarity_threshold: must be in (0, 1], got %g", c.SimilarityThreshold))
	}
	if c.SaveInterval < 0 {
		errs = append(errs, fmt.Errorf("save_interval: must not be negative, got %s", c.SaveInterval))
	}
	seen := map[string]bool{}
	for i, r := range c.Rules {
		if r.Name == "" {
			errs = append(errs, fmt.Errorf("rules[%d]::name: must be set", i))
		} else if seen[r.Name] {
			errs = append(errs, fmt.Errorf("rules[%d]::name: %q is used twice", i, r.Name))
		}
		seen[r.Name] = true
		if r.Regex == "" && len(r.Keywords) == 0 {
			errs = append(errs, fmt.Errorf("rules[%d]: %q needs a regex or keywords", i, r.Name))
		}
		if _, err := regexp.Compile(r.Regex); err != nil {
			errs = append(errs, fmt.Errorf("rules[%d]::regex: %w", i, err))
		}
	}
	return errors.Join(errs...)
}
