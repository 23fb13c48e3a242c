package patternprocessor

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/extension/storage/filestorage"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/provider/fileprovider"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/extension"
	"go.opentelemetry.io/collector/otelcol"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/receiver"
	"go.opentelemetry.io/collector/receiver/otlpreceiver"
	"go.opentelemetry.io/collector/service/telemetry/otelconftelemetry"
)

// Two pipelines using the processor with file_storage: each instance has
// its own state (issue 10, item 8). Before, both opened the same file and
// the second instance's Start failed with "storage: timeout".
func TestIntegrationTwoPipelinesWithFileStorage(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "config.yaml")
	require.NoError(t, os.WriteFile(cfgPath, []byte(fmt.Sprintf(`
extensions:
  file_storage:
    directory: %s
    timeout: 1s
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:0
processors:
  pattern:
    storage: file_storage
exporters:
  nop:
service:
  extensions: [file_storage]
  telemetry: {metrics: {level: none}}
  pipelines:
    logs/a: {receivers: [otlp], processors: [pattern], exporters: [nop]}
    logs/b: {receivers: [otlp], processors: [pattern], exporters: [nop]}
`, dir)), 0o600))
	factories := func() (otelcol.Factories, error) {
		var f otelcol.Factories
		var err error
		if f.Extensions, err = otelcol.MakeFactoryMap[extension.Factory](filestorage.NewFactory()); err != nil {
			return f, err
		}
		if f.Receivers, err = otelcol.MakeFactoryMap[receiver.Factory](otlpreceiver.NewFactory()); err != nil {
			return f, err
		}
		if f.Processors, err = otelcol.MakeFactoryMap[processor.Factory](NewFactory()); err != nil {
			return f, err
		}
		f.Exporters, err = otelcol.MakeFactoryMap[exporter.Factory](exportertest.NewNopFactory())
		f.Telemetry = otelconftelemetry.NewFactory()
		return f, err
	}
	col, err := otelcol.NewCollector(otelcol.CollectorSettings{
		Factories: factories, BuildInfo: component.BuildInfo{Command: "pattern-test", Version: "test"},
		ConfigProviderSettings: otelcol.ConfigProviderSettings{ResolverSettings: confmap.ResolverSettings{
			URIs: []string{cfgPath}, ProviderFactories: []confmap.ProviderFactory{fileprovider.NewFactory()},
		}},
	})
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- col.Run(context.Background()) }()
	for deadline := time.Now().Add(30 * time.Second); col.GetState() != otelcol.StateRunning; {
		select {
		case err := <-done:
			t.Fatalf("the collector stopped: %v", err)
		case <-time.After(10 * time.Millisecond):
		}
		require.True(t, time.Now().Before(deadline), "the collector did not start")
	}
	col.Shutdown()
	require.NoError(t, <-done)

	files, err := filepath.Glob(filepath.Join(dir, "processor_pattern*"))
	require.NoError(t, err)
	t.Log(files)
	assert.Len(t, files, 2, "one state file per pipeline: %v", files)
}
