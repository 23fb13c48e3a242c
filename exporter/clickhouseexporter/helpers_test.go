package clickhouseexporter

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/exporter/exportertest"

	"github.com/otelhub/otelhub/internal/testserver"
)

// chdbConfig is a synchronous exporter config for the chDB test server
// (HTTP, no compression: chdbhttp speaks plain and gzip bodies only).
func chdbConfig(s *testserver.Server) *Config {
	cfg := createDefaultConfig().(*Config)
	cfg.Endpoint = s.URL
	cfg.Compression = "none"
	cfg.QueueConfig = configoptional.None[exporterhelper.QueueBatchConfig]()
	cfg.RetryConfig.Enabled = false
	return cfg
}

// reader is a second clickhouse-go connection, for reading back: the
// values come from the server, decoded by the driver, not from the
// exporter's own buffers.
func reader(t *testing.T, s *testserver.Server) driver.Conn {
	t.Helper()
	conn, err := clickhouse.Open(&clickhouse.Options{Addr: []string{strings.TrimPrefix(s.URL, "http://")}, Protocol: clickhouse.HTTP})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

func count(t *testing.T, conn driver.Conn, query string) uint64 {
	t.Helper()
	var n uint64
	if err := conn.QueryRow(context.Background(), query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

type startable interface {
	Start(context.Context, component.Host) error
	Shutdown(context.Context) error
}

func start[T startable](t *testing.T, create func(context.Context, exporter.Settings, component.Config) (T, error), cfg *Config) T {
	t.Helper()
	e, err := create(context.Background(), exportertest.NewNopSettings(NewFactory().Type()), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Start(context.Background(), componenttest.NewNopHost()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Shutdown(context.Background()) })
	return e
}

func logsExporter(t *testing.T, cfg *Config) exporter.Logs {
	return start(t, NewFactory().CreateLogs, cfg)
}

func tracesExporter(t *testing.T, cfg *Config) exporter.Traces {
	return start(t, NewFactory().CreateTraces, cfg)
}

func metricsExporter(t *testing.T, cfg *Config) exporter.Metrics {
	return start(t, NewFactory().CreateMetrics, cfg)
}

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.UTC)

type (
	exporterhelperQueue = exporterhelper.QueueBatchConfig
	componentHost       = component.Host
)
