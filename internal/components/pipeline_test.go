package components

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/provider/envprovider"
	"go.opentelemetry.io/collector/confmap/provider/fileprovider"
	"go.opentelemetry.io/collector/otelcol"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// startCollector runs a collector of the full distribution on a config
// text, until the test ends.
func startCollector(t *testing.T, name, config string) *otelcol.Collector {
	t.Helper()
	path := filepath.Join(t.TempDir(), name+".yaml")
	require.NoError(t, os.WriteFile(path, []byte(config), 0o600))
	col, err := otelcol.NewCollector(otelcol.CollectorSettings{
		Factories:               Factories,
		BuildInfo:               component.BuildInfo{Command: name, Version: "test"},
		DisableGracefulShutdown: true,
		ConfigProviderSettings: otelcol.ConfigProviderSettings{ResolverSettings: confmap.ResolverSettings{
			URIs:              []string{path},
			ProviderFactories: []confmap.ProviderFactory{fileprovider.NewFactory(), envprovider.NewFactory()},
		}},
	})
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- col.Run(context.Background()) }()
	require.Eventually(t, func() bool { return col.GetState() == otelcol.StateRunning }, 30*time.Second, 10*time.Millisecond)
	t.Cleanup(func() {
		col.Shutdown()
		require.NoError(t, <-done)
	})
	return col
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// counts reads a jsonlfile output and counts spans, data points and log
// records, decoding every line with pdata's own JSON unmarshalers.
func counts(t *testing.T, path string) (spans, points, logs int) {
	t.Helper()
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return 0, 0, 0
	}
	require.NoError(t, err)
	// The collector may be writing: a last line without its newline is
	// not complete yet, so it is left for the next read.
	data = data[:bytes.LastIndexByte(data, '\n')+1]
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		line := sc.Bytes()
		switch {
		case hasKey(line, "resourceSpans"):
			td, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces(line)
			require.NoError(t, err)
			spans += td.SpanCount()
		case hasKey(line, "resourceMetrics"):
			md, err := (&pmetric.JSONUnmarshaler{}).UnmarshalMetrics(line)
			require.NoError(t, err)
			points += md.DataPointCount()
		default:
			ld, err := (&plog.JSONUnmarshaler{}).UnmarshalLogs(line)
			require.NoError(t, err)
			logs += ld.LogRecordCount()
		}
	}
	require.NoError(t, sc.Err())
	return spans, points, logs
}

func hasKey(line []byte, key string) bool {
	return len(line) > len(key)+3 && string(line[2:2+len(key)]) == key
}

// loadgen -> batch -> otlphttp delivers exactly the configured count of each
// signal to a second collector, which writes what it receives to a file.
func TestLoadgenDeliversExactCountToSecondCollector(t *testing.T) {
	const total = 5000
	port := freePort(t)
	out := filepath.Join(t.TempDir(), "received.jsonl")

	startCollector(t, "backend", fmt.Sprintf(`
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:%d
exporters:
  jsonlfile:
    path: %s
    flush_interval: 0s
service:
  telemetry:
    metrics:
      level: none
  pipelines:
    traces: {receivers: [otlp], exporters: [jsonlfile]}
    metrics: {receivers: [otlp], exporters: [jsonlfile]}
    logs: {receivers: [otlp], exporters: [jsonlfile]}
`, port, out))

	startCollector(t, "agent", fmt.Sprintf(`
receivers:
  loadgen:
    rate: 0
    batch_size: 97
    total: %d
    seed: 3
processors:
  batch:
    send_batch_size: 512
    timeout: 50ms
exporters:
  otlp_http:
    endpoint: http://127.0.0.1:%d
service:
  telemetry:
    metrics:
      level: none
  pipelines:
    traces: {receivers: [loadgen], processors: [batch], exporters: [otlp_http]}
    metrics: {receivers: [loadgen], processors: [batch], exporters: [otlp_http]}
    logs: {receivers: [loadgen], processors: [batch], exporters: [otlp_http]}
`, total, port))

	require.Eventually(t, func() bool {
		s, p, l := counts(t, out)
		return s >= total && p >= total && l >= total
	}, 60*time.Second, 50*time.Millisecond)
	// Give a duplicate the time to show up before checking for exactness.
	time.Sleep(300 * time.Millisecond)
	s, p, l := counts(t, out)
	assert.Equal(t, total, s, "spans")
	assert.Equal(t, total, p, "data points")
	assert.Equal(t, total, l, "log records")
}
