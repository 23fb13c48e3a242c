package victoriametricsexporter

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelhub/otelhub/exporter/victoriametricsexporter/internal/metadata"
)

// Issue 14, item 3: the metrics endpoint's headers (here its bearer token)
// never reach the logs endpoint, which is another host; the logs endpoint
// sends only its own.
func TestLogsEndpointGetsOnlyItsOwnClientSettings(t *testing.T) {
	var mu sync.Mutex
	var got []http.Header
	capture := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Header.Clone())
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	})}
	addr := listen(t, capture)

	cfg := createDefaultConfig().(*Config)
	cfg.Endpoint = "http://metrics.invalid:8428"
	cfg.Headers.Set("Authorization", "Bearer metrics-token")
	cfg.Headers.Set("X-Metrics-Only", "yes")
	cfg.Logs.Endpoint = "http://" + addr
	setLogsHeader(cfg, "X-Logs-Key", "logs-key")
	cfg.QueueConfig.Get().WaitForResult = true
	exp, err := NewFactory().CreateLogs(context.Background(), exportertest.NewNopSettings(metadata.Type), cfg)
	require.NoError(t, err)
	require.NoError(t, exp.Start(context.Background(), componenttest.NewNopHost()))
	t.Cleanup(func() { require.NoError(t, exp.Shutdown(context.Background())) })

	ld := plog.NewLogs()
	ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty().Body().SetStr("hello")
	require.NoError(t, exp.ConsumeLogs(context.Background(), ld))

	mu.Lock()
	defer mu.Unlock()
	require.Len(t, got, 1)
	assert.Empty(t, got[0].Get("Authorization"), "the metrics token must not reach the logs endpoint")
	assert.Empty(t, got[0].Get("X-Metrics-Only"))
	assert.Equal(t, "logs-key", got[0].Get("X-Logs-Key"))
}

func setLogsHeader(cfg *Config, k, v string) { cfg.Logs.Headers.Set(k, configopaque.String(v)) }
