package clickhouseexporter

import (
	"context"
	"crypto/x509"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/confmap"

	"github.com/otelhub/otelhub/internal/testserver"
)

// tlsConfig is the exporter's config as a user writes it: the TLS port
// of the server in a tcp:// endpoint, and a tls section.
func tlsConfig(t *testing.T, srv *testserver.ClickHouse, tls map[string]any) *Config {
	t.Helper()
	cfg := createDefaultConfig().(*Config)
	raw := map[string]any{"endpoint": "tcp://" + srv.TLSAddr}
	if tls != nil {
		raw["tls"] = tls
	}
	require.NoError(t, confmap.NewFromStringMap(raw).Unmarshal(cfg))
	require.NoError(t, cfg.Validate())
	return cfg
}

// The native protocol over TLS: with the CA that signed the server's
// certificate, rows arrive; without it (system roots only), or without
// TLS on the TLS port, the insert fails, and the exporter keeps the rows
// for a retry instead of dropping them.
func TestIntegrationNativeTLS(t *testing.T) {
	srv := testserver.ClickHouseServer(t, testserver.ClickHouseTLS())
	ctx := context.Background()
	require.NoError(t, nativeReader(t, srv).Exec(ctx, compatTable))

	_, push := compatExporter(t, tlsConfig(t, srv, map[string]any{"ca_file": srv.TLS.CAFile}))
	require.NoError(t, push(ctx, nativeLogs(0, 500)))
	// configtls's insecure_skip_verify: encrypted, the certificate unchecked.
	_, push = compatExporter(t, tlsConfig(t, srv, map[string]any{"insecure_skip_verify": true}))
	require.NoError(t, push(ctx, nativeLogs(500, 500)))

	conn := nativeReader(t, srv)
	assert.Equal(t, uint64(1000), count(t, conn, "SELECT count() FROM default.logs_compat"))
	assert.Equal(t, uint64(1000), count(t, conn, "SELECT uniqExact(N) FROM default.logs_compat"))

	t.Run("unknown CA", func(t *testing.T) {
		_, push := compatExporter(t, tlsConfig(t, srv, map[string]any{}))
		err := push(ctx, nativeLogs(1000, 10))
		require.Error(t, err)
		t.Log(err)
		var unknown x509.UnknownAuthorityError
		assert.True(t, errors.As(err, &unknown), "%v", err)
		_, permanent := classify(err)
		assert.False(t, permanent, "kept for a retry: %v", err)
	})
	t.Run("no TLS on the TLS port", func(t *testing.T) {
		_, push := compatExporter(t, tlsConfig(t, srv, nil))
		err := push(ctx, nativeLogs(1000, 10))
		require.Error(t, err)
		t.Log(err)
		_, permanent := classify(err)
		assert.False(t, permanent, "kept for a retry: %v", err)
	})
	assert.Equal(t, uint64(1000), count(t, conn, "SELECT count() FROM default.logs_compat"))
}
