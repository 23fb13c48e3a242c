package clickhouseexporter

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/config/configtls"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelhub/otelhub/exporter/clickhouseexporter/internal/metadata"
	"github.com/otelhub/otelhub/internal/configtest"
)

func TestLoadConfig(t *testing.T) {
	full := createDefaultConfig().(*Config)
	full.Endpoint = "tcp://ch1:9000,ch2:9000"
	full.Username = "otel"
	full.Password = "s3cret"
	full.Database = "observability"
	full.Compression = "zstd"
	full.ConnectionOpenStrategy = "round_robin"
	full.DialTimeout = 5 * time.Second
	full.MaxOpenConns = 4
	full.AsyncInsert = true
	full.InsertDeduplicationToken = false
	full.CreateSchema = false
	full.TTL = 72 * time.Hour
	full.ClusterName = "main"
	full.TableEngine = "ReplicatedMergeTree"
	full.DeduplicationWindow = 100
	full.LogsTableName = "logs"
	full.TracesTableName = "traces"
	full.MetricsTableName = "metrics"
	full.Timeout = 10 * time.Second
	full.TLS = configoptional.Some(configtls.ClientConfig{InsecureSkipVerify: true})

	configtest.Run(t, filepath.Join("testdata", "config.yaml"), metadata.Type, createDefaultConfig, []configtest.Case{
		{Name: "full", Want: full},
		{Name: "no_endpoint", WantErr: `endpoint: "" is not scheme://host:port`},
		{Name: "bad_scheme", WantErr: `endpoint: scheme "mysql" is not tcp, clickhouse, http or https`},
		{Name: "no_port", WantErr: `endpoint: host "ch1" needs a port`},
		{Name: "gzip_native", WantErr: "compression: gzip is for http(s) endpoints"},
		{Name: "bad_compression", WantErr: `compression: "snappy" is not lz4, zstd, gzip or none`},
		{Name: "bad_strategy", WantErr: `connection_open_strategy: "nearest" is not in_order, round_robin or random`},
		{Name: "bad_ttl", WantErr: "ttl: must be 0 (keep) or at least 1s, got 10ms"},
		{Name: "no_table", WantErr: "logs_table_name: must be set"},
	})
}

func TestDefaultConfigNeedsOnlyAnEndpoint(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	require.Error(t, cfg.Validate())
	cfg.Endpoint = "tcp://localhost:9000"
	require.NoError(t, cfg.Validate())
	assert.True(t, cfg.CreateSchema)
	assert.True(t, cfg.InsertDeduplicationToken)
	assert.Equal(t, "lz4", cfg.Compression)
}

// The exporters start with no server (the schema check waits for the
// first insert), refuse data while it cannot be reached with a retryable
// error, and shut down cleanly.
func TestLifecycleWithoutServer(t *testing.T) {
	f := NewFactory()
	cfg := createDefaultConfig().(*Config)
	cfg.Endpoint = "tcp://127.0.0.1:1"
	cfg.DialTimeout = 200 * time.Millisecond
	cfg.QueueConfig = configoptional.None[exporterhelperQueue]()
	cfg.RetryConfig.Enabled = false
	ctx := context.Background()
	set := exportertest.NewNopSettings(f.Type())
	logs, err := f.CreateLogs(ctx, set, cfg)
	require.NoError(t, err)
	traces, err := f.CreateTraces(ctx, set, cfg)
	require.NoError(t, err)
	metrics, err := f.CreateMetrics(ctx, set, cfg)
	require.NoError(t, err)
	for _, c := range []interface {
		Start(context.Context, componentHost) error
		Shutdown(context.Context) error
	}{logs, traces, metrics} {
		require.NoError(t, c.Start(ctx, componenttest.NewNopHost()))
	}
	ld := plog.NewLogs()
	ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	err = logs.ConsumeLogs(ctx, ld)
	require.Error(t, err)
	_, permanent := classify(err)
	assert.False(t, permanent, "an unreachable server is retried: %v", err)
	for _, c := range []interface{ Shutdown(context.Context) error }{logs, traces, metrics} {
		require.NoError(t, c.Shutdown(ctx))
	}
}

// contrib's DSN takes user:password@host; this exporter does not. Such an
// endpoint is refused by the config check, and the error does not repeat
// the password (it would otherwise be dialled as a host name and logged).
func TestEndpointCredentialsRefusedWithoutEcho(t *testing.T) {
	for _, ep := range []string{
		"tcp://otel:hunter2@ch1:9000",
		"http://otel:hunter2@ch1:8123",
		"https://ch1:8443,otel:hunter2@ch2:8443",
		"otel:hunter2@ch1:9000",
		"tcp://otel:hunter2@ch1",
		"clickhouse://otel:hunter2@ch1:9000?secure=maybe",
	} {
		cfg := createDefaultConfig().(*Config)
		cfg.Endpoint = ep
		err := cfg.Validate()
		require.Error(t, err, ep)
		assert.NotContains(t, err.Error(), "hunter2", ep)
		assert.Contains(t, err.Error(), "username and password", ep)
	}
}

// Odd endpoints either mean what the README says or fail Validate with a
// message naming the problem; none is dialled as written to fail later,
// or loses a host or a database quietly.
func TestEndpointForms(t *testing.T) {
	for _, c := range []struct {
		endpoint string
		hosts    []string // nil: refused
		refusal  string
	}{
		{"tcp://[::1]:9000", []string{"[::1]:9000"}, ""},
		{"http://[::1]:8123,127.0.0.1:8124", []string{"[::1]:8123", "127.0.0.1:8124"}, ""},
		{"clickhouse://h1:9000, h2:9000 ", []string{"h1:9000", "h2:9000"}, ""},
		{"https://h:8443/", []string{"h:8443"}, ""},
		{"tcp://h:9000?", []string{"h:9000"}, ""},
		{"tcp://::1:9000", nil, "is not host:port"},
		{"tcp://[::1]", nil, "is not host:port"},
		{"tcp://[h]:9000", nil, "is not an IPv6 address"},
		{"tcp://h1", nil, "needs a port"},
		{"tcp://h1:", nil, "is not a number"},
		{"tcp://h1:abc", nil, "is not a number"},
		{"tcp://h1:99999", nil, "is not a number in 1..65535"},
		{"tcp://:9000", nil, "is not a host name"},
		{"tcp://h1:9000,", nil, "needs a port"},
		{"tcp://h1:9000,,h2:9000", nil, "needs a port"},
		{"tcp://h1:9000,tcp://h2:9000", nil, "is not read"},
		{"tcp://h1:9000;h2:9000", nil, "is not host:port"},
		{"tcp://h1:9000 h2:9000", nil, "is not host:port"},
		{"tcp://h 1:9000", nil, "is not a host name"},
		{"tcp://h:9000#x", nil, "is not a number"},
		{"tcp://h:9000/otel", nil, `path "/otel" is not read; set database`},
		{"TCP://h:9000", nil, `scheme "TCP" is not tcp`},
		{" tcp://h:9000", nil, "is not tcp"},
		{"h:9000", nil, "is not scheme://"},
	} {
		ep, err := parseEndpoint(c.endpoint)
		if c.hosts == nil {
			assert.ErrorContains(t, err, c.refusal, c.endpoint)
			cfg := createDefaultConfig().(*Config)
			cfg.Endpoint = c.endpoint
			assert.ErrorContains(t, cfg.Validate(), c.refusal, c.endpoint)
			continue
		}
		if assert.NoError(t, err, c.endpoint) {
			assert.Equal(t, c.hosts, ep.hosts, c.endpoint)
		}
	}
}

// tls::insecure (configtls: no TLS) with an endpoint that asks for TLS is
// a contradiction: https:// verified against the system's roots anyway,
// and tcp://...?secure=true spoke plain text. Validate refuses it; alone
// it still means a plain connection.
func TestInsecureWithSecureEndpointRefused(t *testing.T) {
	for endpoint, refused := range map[string]bool{
		"https://h:8443":           true,
		"tcp://h:9440?secure=true": true,
		"http://h:8123":            false,
		"tcp://h:9000":             false,
	} {
		cfg := createDefaultConfig().(*Config)
		cfg.Endpoint = endpoint
		cfg.TLS = configoptional.Some(configtls.ClientConfig{Insecure: true})
		err := cfg.Validate()
		if refused {
			assert.ErrorContains(t, err, "tls::insecure: true turns TLS off", endpoint)
		} else {
			assert.NoError(t, err, endpoint)
		}
	}
}
