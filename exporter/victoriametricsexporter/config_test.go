package victoriametricsexporter

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/configoptional"

	"github.com/otelhub/otelhub/exporter/victoriametricsexporter/internal/metadata"
	"github.com/otelhub/otelhub/internal/configtest"
)

func TestLoadConfig(t *testing.T) {
	full := createDefaultConfig().(*Config)
	full.Endpoint = "http://vminsert:8480"
	full.Tenant = "42:7"
	full.ExtraLabels = map[string]string{"cluster": "eu-1"}
	full.ResourceToLabels = []string{"host.name", "k8s.namespace.name"}
	full.Namespace = "otel"
	full.AddMetricSuffixes = false
	full.ExponentialHistograms = "vmrange"
	full.SendExemplars = true
	full.RemoteWriteCompression = "zstd"
	full.Shards = 8
	full.DeltaToCumulative = DeltaConfig{MaxSeries: 5000, TTL: time.Hour}
	full.Logs.Endpoint = "http://vlogs:9428"
	full.Logs.StreamFields = []string{"service.name"}
	full.Logs.Tenant = "1"
	full.Logs.Headers.Set("Authorization", "Bearer logs-secret")
	full.Headers.Set("Authorization", "Bearer secret")

	configtest.Run(t, filepath.Join("testdata", "config.yaml"), metadata.Type, createDefaultConfig, []configtest.Case{
		{Name: "full", Want: full},
		{Name: "no_endpoint", WantErr: "endpoint: must be set"},
		{Name: "bad_tenant", WantErr: `tenant: "acme" is not accountID[:projectID]`},
		{Name: "bad_exp", WantErr: `exponential_histograms: "native" is not buckets or vmrange`},
		{Name: "bad_compression", WantErr: `remote_write_compression: "gzip" is not snappy or zstd`},
		{Name: "http_compression", WantErr: "compression: remote write compresses its body itself"},
		{Name: "consumers", WantErr: "sending_queue::num_consumers: must be 1, got 10"},
		{Name: "bad_url", WantErr: `endpoint: "localhost:8428" is not an http(s) URL`},
		{Name: "shards", WantErr: "shards: must be 1..256, got 0"},
		{Name: "no_queue", WantErr: "sending_queue: must be enabled"},
		{Name: "logs_compression", WantErr: "logs::compression: the exporter gzips logs itself"},
	})
}

func TestDefaultConfigNeedsOnlyAnEndpoint(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	require.ErrorContains(t, cfg.Validate(), "endpoint: must be set")
	cfg.Endpoint = "http://localhost:8428"
	require.NoError(t, cfg.Validate())
	assert.Equal(t, 1, cfg.QueueConfig.Get().NumConsumers)
}

func TestURLs(t *testing.T) {
	assert.Equal(t, "http://vm:8428/api/v1/write", metricsURL("http://vm:8428", ""))
	assert.Equal(t, "http://vm:8428/api/v1/write", metricsURL("http://vm:8428/", ""))
	assert.Equal(t, "http://vminsert:8480/insert/42:7/prometheus/api/v1/write", metricsURL("http://vminsert:8480", "42:7"))
	assert.Equal(t, "http://vmagent:8429/custom/write", metricsURL("http://vmagent:8429/custom/write", ""))
	assert.Equal(t, "http://vl:9428/insert/jsonline?_msg_field=_msg&_stream_fields=service.name%2Chost.name&_time_field=_time",
		logsURL(LogsConfig{ClientConfig: confighttp.ClientConfig{Endpoint: "http://vl:9428/"}, StreamFields: []string{"service.name", "host.name"}}))
}

// Item 5: without a queue, exporterhelper retries in the caller, and a
// newer batch of another caller can overtake a retried one; delta totals
// and sample order would then depend on timing. Such a config is refused.
func TestConfigRefusesMetricsWithoutAQueue(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.Endpoint = "http://localhost:8428"
	cfg.QueueConfig = configoptional.None[exporterhelperQueue]()
	require.ErrorContains(t, cfg.Validate(), "sending_queue: must be enabled")

	logsOnly := createDefaultConfig().(*Config)
	logsOnly.Logs.Endpoint = "http://localhost:9428"
	logsOnly.QueueConfig = configoptional.None[exporterhelperQueue]()
	require.NoError(t, logsOnly.Validate(), "logs carry no per-series state")
}
