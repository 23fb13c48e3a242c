package registry

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The semantic-conventions model, used in place beside the repository.
var modelDir = filepath.Join("..", "..", "..", "..", "..", "shared", "semconv", "v1.43.0", "model")

func TestLoadModel(t *testing.T) {
	r, err := LoadModel(modelDir)
	require.NoError(t, err)
	a, ok := r.Attribute("http.method")
	require.True(t, ok)
	assert.True(t, a.Deprecated)
	assert.Equal(t, "http.request.method", a.RenamedTo)
	a, _ = r.Attribute("http.request.method")
	assert.False(t, a.Deprecated)
	assert.Contains(t, r.RequiredForMetric("http.server.request.duration"), "http.request.method")
	assert.Contains(t, r.RequiredForMetric("http.server.request.duration"), "url.scheme")
	assert.NotContains(t, r.RequiredForMetric("http.server.request.duration"), "server.address", "opt_in is not required")
	t.Logf("%d metrics and %d events with required attributes", len(r.requiredByMetric), len(r.requiredByEvent))
	assert.NotEmpty(t, r.requiredByEvent)
}

func TestLoadModelErrors(t *testing.T) {
	_, err := LoadModel(t.TempDir())
	assert.ErrorContains(t, err, "no semantic-convention groups")
	_, err = LoadModel("/nonexistent/model")
	assert.ErrorContains(t, err, "registry_path")
}
