package elasticsearchexporter

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap/confmaptest"
	"go.opentelemetry.io/collector/exporter/exportertest"

	"github.com/otelhub/otelhub/exporter/elasticsearchexporter/internal/metadata"
)

func loadConfig(t *testing.T, name string) *Config {
	t.Helper()
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)
	sub, err := cm.Sub(component.NewIDWithName(metadata.Type, name).String())
	require.NoError(t, err)
	cfg := createDefaultConfig().(*Config)
	require.NoError(t, sub.Unmarshal(cfg))
	return cfg
}

func TestDefaultConfig(t *testing.T) {
	cfg := loadConfig(t, "")
	require.NoError(t, cfg.Validate())
	assert.Equal(t, "otel", cfg.Mapping.Mode)
	assert.Equal(t, "data_stream", cfg.Routing.Mode)
	assert.Equal(t, 5_000_000, cfg.Flush.Bytes)
	assert.Equal(t, time.Second, cfg.Flush.Interval)
	assert.Equal(t, 4, cfg.NumWorkers)
	assert.Zero(t, cfg.RetryConfig.MaxElapsedTime, "a finite max_elapsed_time drops batches from the persistent queue during an outage")
	assert.True(t, cfg.QueueConfig.HasValue())
	assert.True(t, cfg.QueueConfig.Get().Batch.HasValue())
}

func TestFullConfig(t *testing.T) {
	cfg := loadConfig(t, "all")
	require.NoError(t, cfg.Validate())
	want := createDefaultConfig().(*Config)
	want.Endpoint = "https://es-1:9200"
	want.Endpoints = []string{"https://es-2:9200", "https://es-1:9200"}
	want.APIKey = "aWQ6a2V5"
	want.Compression = "gzip"
	want.Discovery = DiscoveryConfig{OnStart: true, Interval: 5 * time.Minute}
	want.Mapping.Mode = "ecs"
	want.Routing = RoutingConfig{Mode: "date_index", LogsIndex: "app-logs", DateFormat: "2006-01", Namespace: "default"}
	want.Pipeline = "enrich"
	want.DocumentIDAttribute = "log.id"
	want.Flush = FlushConfig{Bytes: 1_000_000, Interval: 2 * time.Second}
	want.NumWorkers = 8
	want.DeadLetterIndex = "otel-dead-letter"
	assert.Equal(t, want, cfg)
	assert.Equal(t, []string{"https://es-1:9200", "https://es-2:9200"}, cfg.urls())
}

func TestBadConfigs(t *testing.T) {
	for name, msg := range map[string]string{
		"bad_mode":    `mapping::mode: "bodymap" is not otel, ecs or raw`,
		"bad_route":   "one must be set for routing::mode index",
		"no_endpoint": "endpoint: must be set",
		"bad_url":     "is not an http(s) URL",
		"bad_auth":    "api_key: cannot be combined with user and password",
		"bad_flush":   "flush::bytes: must be at least 1024",
		// Elasticsearch refuses such names (invalid_index_name_exception):
		// every document would be rejected.
		"bad_index":       `routing::logs_index: "App-Logs" is not a valid index name`,
		"bad_date_format": `routing::date_format: "2006-Jan-02" gives index names like "app-2026-Nov-27"`,
		"bad_dead_letter": `dead_letter_index: "dead letters" is not a valid index name`,
	} {
		t.Run(name, func(t *testing.T) {
			err := loadConfig(t, name).Validate()
			require.Error(t, err)
			assert.Contains(t, err.Error(), msg)
		})
	}
}

// Secrets never show in the configuration's printed form.
func TestSecretsAreOpaque(t *testing.T) {
	cfg := loadConfig(t, "bad_auth")
	assert.Equal(t, "[REDACTED]", cfg.Password.String())
}

func TestOlderThan(t *testing.T) {
	assert.True(t, olderThan("8.11.4", 8, 12))
	assert.True(t, olderThan("7.17.0", 8, 12))
	assert.False(t, olderThan("8.12.0", 8, 12))
	assert.False(t, olderThan("9.0.0", 8, 12))
	assert.False(t, olderThan("8.19.0-SNAPSHOT", 8, 12))
	assert.False(t, olderThan("x", 8, 12))
}

// A signal routed to an index needs its own index: an empty _index makes
// Elasticsearch refuse every document.
func TestSignalWithoutItsIndex(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.Endpoint = "http://127.0.0.1:1"
	cfg.Routing.Mode = "index"
	cfg.Routing.LogsIndex = "app-logs"
	f := NewFactory()
	set := exportertest.NewNopSettings(metadata.Type)
	_, err := f.CreateLogs(context.Background(), set, cfg)
	require.NoError(t, err)
	_, err = f.CreateTraces(context.Background(), set, cfg)
	require.ErrorContains(t, err, "routing::traces_index: must be set")
	_, err = f.CreateMetrics(context.Background(), set, cfg)
	require.ErrorContains(t, err, "routing::metrics_index: must be set")
}
