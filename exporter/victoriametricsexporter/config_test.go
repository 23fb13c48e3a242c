package victoriametricsexporter

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"

	"github.com/otelhub/otelhub/exporter/victoriametricsexporter/internal/metadata"
)

func TestLoadConfig(t *testing.T) {
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)

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
	full.Logs = LogsConfig{Endpoint: "http://vlogs:9428", StreamFields: []string{"service.name"}, Tenant: "1"}
	full.Headers.Set("Authorization", "Bearer secret")

	tests := []struct {
		name    string
		want    *Config
		wantErr string
	}{
		{name: "full", want: full},
		{name: "no_endpoint", wantErr: "endpoint: must be set"},
		{name: "bad_tenant", wantErr: `tenant: "acme" is not accountID[:projectID]`},
		{name: "bad_exp", wantErr: `exponential_histograms: "native" is not buckets or vmrange`},
		{name: "bad_compression", wantErr: `remote_write_compression: "gzip" is not snappy or zstd`},
		{name: "http_compression", wantErr: "compression: remote write compresses its body itself"},
		{name: "consumers", wantErr: "sending_queue::num_consumers: must be 1, got 10"},
		{name: "bad_url", wantErr: `endpoint: "localhost:8428" is not an http(s) URL`},
		{name: "shards", wantErr: "shards: must be 1..256, got 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sub, err := cm.Sub(component.NewIDWithName(metadata.Type, tt.name).String())
			require.NoError(t, err)
			cfg := createDefaultConfig()
			require.NoError(t, sub.Unmarshal(cfg))
			err = confmap.Validate(cfg)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, cfg)
		})
	}
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
		logsURL(LogsConfig{Endpoint: "http://vl:9428/", StreamFields: []string{"service.name", "host.name"}}))
}
