package charttest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// chartDir is the chart, one level up from this package.
const chartDir = ".."

// helmBin is the helm binary: $HELM, or .tools/helm at the repository root.
func helmBin(t *testing.T) string {
	t.Helper()
	if h := os.Getenv("HELM"); h != "" {
		return h
	}
	h, err := filepath.Abs(filepath.Join(chartDir, "..", "..", ".tools", "helm"))
	require.NoError(t, err)
	if _, err := os.Stat(h); err != nil {
		t.Fatalf("no helm at %s: run `make chart-test` (it installs helm into .tools/) or set HELM", h)
	}
	return h
}

// helm runs the helm binary and returns stdout, or stderr as the error.
func helm(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	cmd := exec.Command(helmBin(t), args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	// No kube context, no repositories: helm template and lint only read
	// the chart, but keep its caches out of $HOME.
	dir := t.TempDir()
	cmd.Env = append(os.Environ(), "HELM_CACHE_HOME="+dir, "HELM_CONFIG_HOME="+dir, "HELM_DATA_HOME="+dir)
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("helm %s: %v: %s", strings.Join(args, " "), err, errb.String())
	}
	return out.String(), nil
}

// render runs helm template for release "otelhub" in namespace
// "observability" with a values file (may be empty) and --set flags.
func render(t *testing.T, valuesFile string, sets ...string) (string, error) {
	t.Helper()
	args := []string{"template", "otelhub", chartDir, "--namespace", "observability"}
	if valuesFile != "" {
		args = append(args, "--values", valuesFile)
	}
	for _, s := range sets {
		args = append(args, "--set", s)
	}
	return helm(t, args...)
}

// mustRender renders and decodes, failing the test on any error.
func mustRender(t *testing.T, valuesFile string, sets ...string) *Rendered {
	t.Helper()
	out, err := render(t, valuesFile, sets...)
	require.NoError(t, err)
	r, err := Decode(out)
	require.NoError(t, err)
	return r
}

// scenarios lists charts/otelhub/ci/*-values.yaml, plus "" for the defaults.
func scenarios(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(chartDir, "ci", "*-values.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	return append([]string{""}, files...)
}

func scenarioName(f string) string {
	if f == "" {
		return "defaults"
	}
	return strings.TrimSuffix(filepath.Base(f), "-values.yaml")
}
