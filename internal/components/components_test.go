package components

import (
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/confmap/confmaptest"
	"go.opentelemetry.io/collector/otelcol/otelcoltest"
)

const repoRoot = "../.."

// manifestImports returns the import path of every component a manifest
// declares, by kind.
func manifestImports(t *testing.T, path string) map[string][]string {
	t.Helper()
	cm, err := confmaptest.LoadConf(path)
	require.NoError(t, err)
	out := map[string][]string{}
	for _, kind := range []string{"receivers", "processors", "exporters", "extensions"} {
		entries, _ := cm.Get(kind).([]any)
		for _, e := range entries {
			m := e.(map[string]any)
			imp, _ := m["import"].(string)
			if imp == "" {
				imp = strings.Fields(m["gomod"].(string))[0]
			}
			out[kind] = append(out[kind], imp)
		}
		slices.Sort(out[kind])
	}
	return out
}

// pkgPaths names the package of each NewFactory function in a list.
func pkgPaths[F any](news []func() F) []string {
	var out []string
	for _, n := range news {
		name := runtime.FuncForPC(reflect.ValueOf(n).Pointer()).Name()
		out = append(out, strings.TrimSuffix(name, ".NewFactory"))
	}
	slices.Sort(out)
	return out
}

func factoryImports() map[string][]string {
	return map[string][]string{
		"receivers":  pkgPaths(Receivers),
		"processors": pkgPaths(Processors),
		"exporters":  pkgPaths(Exporters),
		"extensions": pkgPaths(Extensions),
	}
}

// The full distribution and the gateway hold exactly what this package lists,
// so config tests here test what ships.
func TestManifestsMatchFactories(t *testing.T) {
	want := factoryImports()
	for _, m := range []string{"builder-config.yaml", "distributions/otelhub-gateway/manifest.yaml"} {
		assert.Equal(t, want, manifestImports(t, filepath.Join(repoRoot, m)), m)
	}
	sidecar := manifestImports(t, filepath.Join(repoRoot, "distributions/otelhub-sidecar/manifest.yaml"))
	for kind, imps := range sidecar {
		for _, imp := range imps {
			assert.Contains(t, want[kind], imp, "sidecar %s %s is not in the full distribution", kind, imp)
		}
	}
	assert.Contains(t, sidecar["receivers"], "go.opentelemetry.io/collector/receiver/otlpreceiver")
	assert.Contains(t, sidecar["processors"], "go.opentelemetry.io/collector/processor/memorylimiterprocessor")
}

func TestShippedConfigsAreValid(t *testing.T) {
	t.Setenv("OTELHUB_TOKEN", "a-token") // configs/gateway-auth.yaml requires one
	factories, err := Factories()
	require.NoError(t, err)
	files, err := filepath.Glob(filepath.Join(repoRoot, "configs", "*.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			cfg, err := otelcoltest.LoadConfigAndValidate(f, factories)
			require.NoError(t, err)
			assert.NotEmpty(t, cfg.Service.Pipelines)
		})
	}
}

func TestInvalidConfigNamesTheField(t *testing.T) {
	factories, err := Factories()
	require.NoError(t, err)
	_, err = otelcoltest.LoadConfigAndValidate(filepath.Join("testdata", "bad_loadgen.yaml"), factories)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "receivers::loadgen")
	assert.Contains(t, err.Error(), "rate: must be >= 0")
	assert.Contains(t, err.Error(), `unknown signal "spans"`)
}
