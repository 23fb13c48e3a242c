package charttest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
)

// renderNotes renders NOTES.txt, which helm template skips and helm
// install --dry-run only prints with a reachable cluster: a copy of the
// chart turns it into a named template and a ConfigMap that holds it.
func renderNotes(t *testing.T, valuesFile string, sets ...string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "otelhub")
	require.NoError(t, os.CopyFS(dir, os.DirFS(chartDir)))
	// The test module is not part of the chart.
	require.NoError(t, os.RemoveAll(filepath.Join(dir, "test")))
	notes, err := os.ReadFile(filepath.Join(dir, "templates", "NOTES.txt"))
	require.NoError(t, err)
	require.NoError(t, os.Remove(filepath.Join(dir, "templates", "NOTES.txt")))
	tpl := `{{- define "test.notes" -}}` + string(notes) + `{{- end -}}`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "templates", "_notes.tpl"), []byte(tpl), 0o644))
	cm := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: test-notes\ndata:\n  notes: {{ include \"test.notes\" . | quote }}\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "templates", "test-notes.yaml"), []byte(cm), 0o644))

	args := []string{"template", "otelhub", dir, "--namespace", "observability", "--show-only", "templates/test-notes.yaml"}
	if valuesFile != "" {
		args = append(args, "--values", valuesFile)
	}
	for _, s := range sets {
		args = append(args, "--set", s)
	}
	out, err := helm(t, args...)
	require.NoError(t, err)
	r, err := Decode(out)
	require.NoError(t, err)
	return r.Get("ConfigMap", "test-notes").(*corev1.ConfigMap).Data["notes"]
}

// NOTES tell how to send data in each mode, name the pipelines left out,
// and warn when the persistent queue sits on an emptyDir.
func TestNotes(t *testing.T) {
	n := renderNotes(t, filepath.Join(chartDir, "ci", "victoriametrics-values.yaml"))
	assert.Contains(t, n, "http://otelhub.observability.svc:4318")
	assert.Contains(t, n, "Left out (no exporter): logs, traces")
	assert.Contains(t, n, "WARNING: presets.persistentQueue is on, but /var/lib/otelhub is an emptyDir")

	n = renderNotes(t, filepath.Join(chartDir, "ci", "statefulset-values.yaml"))
	assert.NotContains(t, n, "WARNING", "statefulset: a PVC per replica")

	n = renderNotes(t, filepath.Join(chartDir, "ci", "daemonset-values.yaml"))
	assert.Contains(t, n, "fieldPath: status.hostIP")
	assert.NotContains(t, n, "WARNING", "daemonset on a hostPath")
	assert.Contains(t, n, "/var/lib/otelhub on each node must be writable by uid 10001")

	n = renderNotes(t, "", "mode=sidecar")
	assert.Contains(t, n, "kubectl -n observability patch deployment MYAPP")
	assert.Contains(t, n, "get configmap otelhub-patch")
	assert.True(t, strings.Contains(n, "http://localhost:4318"))
}
