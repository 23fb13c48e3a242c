package patternprocessor

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/otelhub/otelhub/internal/configtest"
	"github.com/otelhub/otelhub/processor/patternprocessor/internal/metadata"
)

func TestLoadConfig(t *testing.T) {
	configtest.Run(t, filepath.Join("testdata", "config.yaml"), metadata.Type, createDefaultConfig, []configtest.Case{
		{Name: "", Want: createDefaultConfig()},
		{Name: "custom", Want: &Config{
			BodyField: "msg", IDAttribute: "pattern.id", TemplateAttribute: "pattern.template", TagsAttribute: "pattern.tags",
			PartitionBy: []string{}, MaxPatterns: 500, MaxPartitions: 10, MaxLineLength: 1024,
			MaxMemoryMiB: 16, SimilarityThreshold: 0.6, SaveInterval: 30 * time.Second,
			Rules: []Rule{{Name: "error", Keywords: []string{"error", "exception", "fatal"}}, {Name: "timeout", Regex: "(?i)timed? ?out"}},
		}},
		{Name: "bad_regex", WantErr: "rules[0]::regex: error parsing regexp"},
		{Name: "empty_rule", WantErr: `rules[0]: "nothing" needs a regex or keywords`},
		{Name: "dup_rule", WantErr: `rules[1]::name: "a" is used twice`},
		{Name: "zero_patterns", WantErr: "max_patterns: must be > 0, got 0"},
		{Name: "zero_memory", WantErr: "max_memory_mib: must be > 0, got 0"},
		{Name: "bad_threshold", WantErr: "similarity_threshold: must be in (0, 1], got 1.5"},
		{Name: "negative_save", WantErr: "save_interval: must not be negative, got -1s"},
		{Name: "no_id", WantErr: "id_attribute: must not be empty"},
	})
}
