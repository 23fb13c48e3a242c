package clickhouseexporter

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/config/configtls"

	"github.com/otelhub/otelhub/internal/testserver"
)

// tlsFront is a TLS reverse proxy in front of chDB, with a certificate
// for 127.0.0.1 signed by a CA made for the test. It counts the requests
// that reached it over TLS and those that came in plain.
type tlsFront struct {
	srv        *httptest.Server
	files      testserver.TLSFiles
	tlsReqs    atomic.Int64
	plainConns atomic.Int64
}

func newTLSFront(t *testing.T, target string) *tlsFront {
	t.Helper()
	u, err := url.Parse(target)
	require.NoError(t, err)
	f := &tlsFront{files: testserver.NewTLSFiles(t, t.TempDir())}
	rp := httputil.NewSingleHostReverseProxy(u)
	f.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS != nil {
			f.tlsReqs.Add(1)
		}
		rp.ServeHTTP(w, r)
	}))
	cert, err := tls.LoadX509KeyPair(f.files.CertFile, f.files.KeyFile)
	require.NoError(t, err)
	f.srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	// Plain HTTP on the TLS port makes net/http log "client sent an HTTP
	// request to an HTTPS server"; count those instead of printing them.
	f.srv.Config.ErrorLog = log.New(writerFunc(func(p []byte) {
		if strings.Contains(string(p), "HTTP request to an HTTPS server") {
			f.plainConns.Add(1)
		}
	}), "", 0)
	f.srv.StartTLS()
	t.Cleanup(f.srv.Close)
	return f
}

type writerFunc func([]byte)

func (w writerFunc) Write(p []byte) (int, error) { w(p); return len(p), nil }

var _ io.Writer = writerFunc(nil)

func (f *tlsFront) addr() string { return strings.TrimPrefix(f.srv.URL, "https://") }

// HTTP(S) over TLS, as the README says: https://, ?secure=true and a tls
// section each turn TLS on for the inserts (chhttp) as for the schema
// check (clickhouse-go); a CA the client does not trust fails the insert
// and keeps the rows for a retry. Before the fix, http:// with a tls
// section checked the schema over TLS but posted the inserts in plain
// text (credentials included) to the TLS port.
func TestIntegrationChDBHTTPS(t *testing.T) {
	s := testserver.ChDB(t)
	front := newTLSFront(t, s.URL)
	ctx := context.Background()
	withCA := configtls.ClientConfig{Config: configtls.Config{CAFile: front.files.CAFile}}
	cases := []struct {
		name     string
		endpoint string
		tls      *configtls.ClientConfig
		ok       bool
	}{
		{"https with ca_file", "https://" + front.addr(), &withCA, true},
		{"http with a tls section", "http://" + front.addr(), &withCA, true},
		{"secure=true with ca_file", "http://" + front.addr() + "?secure=true", &withCA, true},
		{"insecure_skip_verify", "https://" + front.addr(), &configtls.ClientConfig{InsecureSkipVerify: true}, true},
		{"https, system roots", "https://" + front.addr(), nil, false},
	}
	sent := 0
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := chdbConfig(s)
			cfg.Endpoint = c.endpoint
			cfg.InsertDeduplicationToken = false // the same records in every case
			if c.tls != nil {
				cfg.TLS = configoptional.Some(*c.tls)
			}
			require.NoError(t, cfg.Validate())
			plain := front.plainConns.Load()
			err := logsExporter(t, cfg).ConsumeLogs(ctx, testLogs())
			assert.Equal(t, plain, front.plainConns.Load(), "plain HTTP sent to the TLS port")
			if !c.ok {
				var unknown x509.UnknownAuthorityError
				require.ErrorAs(t, err, &unknown)
				_, permanent := classify(err)
				assert.False(t, permanent, "kept for a retry: %v", err)
				return
			}
			require.NoError(t, err)
			sent += testLogs().LogRecordCount()
		})
	}
	assert.Equal(t, uint64(sent), count(t, reader(t, s), "SELECT count() FROM otel.otel_logs"))
	assert.Positive(t, front.tlsReqs.Load())
}
