package components

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/connector"
	"go.opentelemetry.io/collector/otelcol"
	"go.opentelemetry.io/collector/otelcol/otelcoltest"
	"go.opentelemetry.io/collector/service/telemetry/otelconftelemetry"
)

// only keeps the factories whose package is one of imps.
func only[F any](news []func() F, imps []string) []func() F {
	var out []func() F
	for _, n := range news {
		if slices.Contains(imps, pkgPaths([]func() F{n})[0]) {
			out = append(out, n)
		}
	}
	return out
}

// The lite distribution, which `make run` builds, is a subset of the full
// one and holds everything configs/default.yaml uses: the default config
// loads and validates with the lite set of factories alone.
func TestLiteDistributionRunsTheDefaultConfig(t *testing.T) {
	lite := manifestImports(t, filepath.Join(repoRoot, "distributions/otelhub-lite/manifest.yaml"))
	full := factoryImports()
	for kind, imps := range lite {
		for _, imp := range imps {
			assert.Contains(t, full[kind], imp, "lite %s %s is not in the full distribution", kind, imp)
		}
	}

	var f otelcol.Factories
	var err error
	f.Receivers, err = otelcol.MakeFactoryMap(build(only(Receivers, lite["receivers"]))...)
	require.NoError(t, err)
	f.Processors, err = otelcol.MakeFactoryMap(build(only(Processors, lite["processors"]))...)
	require.NoError(t, err)
	f.Exporters, err = otelcol.MakeFactoryMap(build(only(Exporters, lite["exporters"]))...)
	require.NoError(t, err)
	f.Extensions, err = otelcol.MakeFactoryMap(build(only(Extensions, lite["extensions"]))...)
	require.NoError(t, err)
	f.Connectors, err = otelcol.MakeFactoryMap[connector.Factory]()
	require.NoError(t, err)
	f.Telemetry = otelconftelemetry.NewFactory()
	require.Len(t, f.Receivers, len(lite["receivers"]))

	_, err = otelcoltest.LoadConfigAndValidate(filepath.Join(repoRoot, "configs", "default.yaml"), f)
	require.NoError(t, err)
}
