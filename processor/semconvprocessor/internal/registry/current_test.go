package registry

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelhub/otelhub/processor/semconvprocessor/internal/model"
)

// The vendored model, inside the repository.
var modelDir = filepath.Join("..", "..", "..", "..", "third_party", "semconv", "v1.43.0", "model")

// The committed registry_gen.go is what the generator writes today from
// the vendored model: a model update must come with `go generate`.
func TestGeneratedRegistryIsCurrent(t *testing.T) {
	tables, err := model.Load(modelDir)
	require.NoError(t, err)
	want, err := model.Render(tables, "registry", "builtinTables", "third_party/semconv/v1.43.0/model")
	require.NoError(t, err)
	got, err := os.ReadFile("registry_gen.go")
	require.NoError(t, err)
	if !bytes.Equal(got, want) {
		t.Fatal("registry_gen.go is stale: run go generate ./processor/semconvprocessor/...")
	}
}

// Every metric name appears once (the Go module's XObservable twins made
// 642 entries of 344 names).
func TestBuiltinMetricsUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, m := range builtinTables.Metrics {
		assert.False(t, seen[m.Name], m.Name)
		seen[m.Name] = true
	}
	assert.Len(t, seen, 532, "metric_name values in the v1.43.0 model (grep -rh metric_name: | sort -u | wc -l)")
}

func TestLoadModelErrors(t *testing.T) {
	_, err := LoadModel(t.TempDir())
	assert.ErrorContains(t, err, "no semantic-convention groups")
	_, err = LoadModel("/nonexistent/model")
	assert.ErrorContains(t, err, "semconv model")
	bad := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(bad, "x.yaml"), []byte("groups: [\n"), 0o600))
	_, err = LoadModel(bad)
	assert.ErrorContains(t, err, "x.yaml")
}

// Templates match by their longest name and need a non-empty key.
func TestTemplateLookup(t *testing.T) {
	r := Builtin()
	a, ok := r.Template("k8s.pod.label.app.kubernetes.io/name")
	require.True(t, ok)
	assert.Equal(t, "k8s.pod.label", a.Name)
	_, ok = r.Template("k8s.pod.label.")
	assert.False(t, ok)
	_, ok = r.Template("k8s.pod.label")
	assert.False(t, ok)
}
