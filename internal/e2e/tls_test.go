package e2e

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/plog/plogotlp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// selfSigned writes a certificate for 127.0.0.1 and its key, and returns
// their paths and a pool that trusts the certificate.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "otelhub-e2e"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	keyDER, err := x509.MarshalECPrivateKey(key)
	require.NoError(t, err)
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "server.crt"), filepath.Join(dir, "server.key")
	require.NoError(t, os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600))
	require.NoError(t, os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600))
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// configs/gateway-auth.yaml, the config meant for exposure, takes OTLP only
// over TLS and only with the token: the token never crosses in cleartext.
func TestGatewayAuthTakesTokenOnlyOverTLS(t *testing.T) {
	certFile, keyFile, pool := selfSigned(t)
	p := newPorts(t)
	const token = "e2e-secret-token"
	start(t, "otelhub-gateway", p, []string{
		"OTELHUB_TOKEN=" + token, "OTELHUB_TLS_CERT=" + certFile, "OTELHUB_TLS_KEY=" + keyFile,
		"OTELHUB_DATA_DIR=" + t.TempDir(),
	}, "configs/gateway-auth.yaml", p.overlay(t, ""))

	send := func(scheme, auth string) int {
		t.Helper()
		client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
		req, err := http.NewRequest(http.MethodPost, fmt.Sprintf("%s://127.0.0.1:%d/v1/logs", scheme, p.http),
			strings.NewReader(logJSON("tls")))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		if auth != "" {
			req.Header.Set("Authorization", "Bearer "+auth)
		}
		resp, err := client.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	assert.Equal(t, http.StatusOK, send("https", token), "TLS with the token")
	assert.Equal(t, http.StatusUnauthorized, send("https", ""), "TLS without a token")
	assert.Equal(t, http.StatusBadRequest, send("http", token), "cleartext must not be served")

	// gRPC: a TLS handshake succeeds on the gRPC port with the same cert.
	conn, err := tls.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", p.grpc), &tls.Config{RootCAs: pool, NextProtos: []string{"h2"}})
	require.NoError(t, err, "gRPC port must speak TLS")
	conn.Close()

	// and an OTLP/gRPC export over it needs the token too.
	cc, err := grpc.NewClient(fmt.Sprintf("127.0.0.1:%d", p.grpc),
		grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{RootCAs: pool})))
	require.NoError(t, err)
	defer cc.Close()
	export := func(auth string) codes.Code {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if auth != "" {
			ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+auth)
		}
		ld, err := (&plog.JSONUnmarshaler{}).UnmarshalLogs([]byte(logJSON("grpc")))
		require.NoError(t, err)
		_, err = plogotlp.NewGRPCClient(cc).Export(ctx, plogotlp.NewExportRequestFromLogs(ld))
		return status.Code(err)
	}
	assert.Equal(t, codes.OK, export(token), "gRPC with the token")
	assert.Equal(t, codes.Unauthenticated, export(""), "gRPC without a token")
	assert.Equal(t, codes.Unauthenticated, export("wrong"), "gRPC with a wrong token")
}

// Without its certificate the gateway does not start: it never falls back
// to cleartext.
func TestGatewayAuthDoesNotStartWithoutCertificate(t *testing.T) {
	p := newPorts(t)
	missing := filepath.Join(t.TempDir(), "missing")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary(t, "otelhub-gateway"), "--config", "configs/gateway-auth.yaml", "--config", p.overlay(t, ""))
	cmd.Dir = repoRoot
	cmd.Env = append(os.Environ(), "OTELHUB_TOKEN=t", "OTELHUB_DATA_DIR="+t.TempDir(),
		"OTELHUB_TLS_CERT="+missing+".crt", "OTELHUB_TLS_KEY="+missing+".key")
	out, err := cmd.CombinedOutput()
	require.Error(t, err, "%s", out)
	assert.Contains(t, string(out), "failed to load TLS config")
}
