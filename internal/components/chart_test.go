package components

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/otelcol/otelcoltest"
	"go.yaml.in/yaml/v3"
)

// The chart's default values and every ci/*-values.yaml scenario hold a
// collector config that the distribution loads and validates, and only
// keys its values schema allows.
func TestChartValuesAreValidConfigs(t *testing.T) {
	chart := filepath.Join(repoRoot, "charts", "otelhub")
	factories, err := Factories()
	require.NoError(t, err)
	t.Setenv("MY_POD_IP", "127.0.0.1")

	var schema struct {
		Properties map[string]struct {
			Enum []string `json:"enum"`
		} `json:"properties"`
	}
	raw, err := os.ReadFile(filepath.Join(chart, "values.schema.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &schema))

	files, err := filepath.Glob(filepath.Join(chart, "ci", "*-values.yaml"))
	require.NoError(t, err)
	files = append([]string{filepath.Join(chart, "values.yaml")}, files...)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			raw, err := os.ReadFile(f)
			require.NoError(t, err)
			var values map[string]any
			require.NoError(t, yaml.Unmarshal(raw, &values))
			for k, v := range values {
				p, ok := schema.Properties[k]
				require.True(t, ok, "values key %q is not in values.schema.json", k)
				if len(p.Enum) > 0 {
					assert.True(t, slices.Contains(p.Enum, v.(string)), "%s: %v not in %v", k, v, p.Enum)
				}
			}
			cfg, err := yaml.Marshal(values["config"])
			require.NoError(t, err)
			path := filepath.Join(t.TempDir(), "config.yaml")
			require.NoError(t, os.WriteFile(path, cfg, 0o600))
			_, err = otelcoltest.LoadConfigAndValidate(path, factories)
			require.NoError(t, err)
		})
	}
}
