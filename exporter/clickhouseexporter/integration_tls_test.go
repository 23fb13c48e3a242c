package clickhouseexporter

import (
	"context"
	"crypto/x509"
	"errors"
	"strings"
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
	// secure=true in the endpoint (contrib's DSN) turns TLS on, with the
	// system's roots unless tls says otherwise: it was ignored before, and
	// the exporter spoke plain TCP to the TLS port.
	t.Run("secure=true", func(t *testing.T) {
		cfg := tlsConfig(t, srv, nil)
		cfg.Endpoint += "?secure=true"
		_, push := compatExporter(t, cfg)
		var unknown x509.UnknownAuthorityError
		assert.ErrorAs(t, push(ctx, nativeLogs(1000, 10)), &unknown)
		cfg = tlsConfig(t, srv, map[string]any{"ca_file": srv.TLS.CAFile})
		cfg.Endpoint += "?secure=true"
		_, push = compatExporter(t, cfg)
		require.NoError(t, push(ctx, nativeLogs(1000, 10)))
	})
	assert.Equal(t, uint64(1010), count(t, conn, "SELECT count() FROM default.logs_compat"))
}

// Other DSN parameters in the endpoint are refused, not ignored.
func TestTLSEndpointQuery(t *testing.T) {
	for endpoint, want := range map[string]string{
		"tcp://h:9440?secure=true":              "",
		"tcp://h:9440,g:9440?secure=false":      "",
		"https://h:8443/?secure=true":           "",
		"tcp://h:9000?database=logs":            `parameter "database" is not read`,
		"tcp://h:9000?secure=true&compress=lz4": `parameter "compress" is not read`,
		"tcp://h:9000?secure=yes":               `secure="yes" is not true or false`,
	} {
		ep, err := parseEndpoint(endpoint)
		if want == "" {
			require.NoError(t, err, endpoint)
			assert.Equal(t, !strings.Contains(endpoint, "false"), ep.secure, endpoint)
			continue
		}
		assert.ErrorContains(t, err, want, endpoint)
	}
}
