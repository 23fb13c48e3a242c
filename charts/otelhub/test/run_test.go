package charttest

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"
)

// The statefulset scenario's rendered config, run by the built binary
// with the container's environment (runRendered): the Secret's token
// reaches both the VictoriaMetrics and the VictoriaLogs endpoint (capture
// servers here), and the persistent queue's json_depth guard refuses a
// deeply nested OTLP/JSON request with a 400 while a normal one beside it
// arrives.
func TestIntegrationRenderedConfigRuns(t *testing.T) {
	metrics, logs := newCapture(t, ""), newCapture(t, "")
	base := runRendered(t, mustRender(t, filepath.Join(chartDir, "ci", "statefulset-values.yaml"),
		"presets.victoriametrics.endpoint="+metrics.URL, "presets.victoriametrics.logsEndpoint="+logs.URL))

	code, body := postJSON(t, base+"/v1/logs", deepLogs(1000))
	assert.Equal(t, http.StatusBadRequest, code, "a depth-1000 record was accepted: %s", body)
	assert.Contains(t, body, "nested deeper")
	code, body = postJSON(t, base+"/v1/logs", oneLog("beside the deep one"))
	require.Equal(t, http.StatusOK, code, body)
	now := strconv.FormatInt(time.Now().UnixNano(), 10)
	code, body = postJSON(t, base+"/v1/metrics", `{"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"app"}}]},`+
		`"scopeMetrics":[{"metrics":[{"name":"up","gauge":{"dataPoints":[{"asDouble":1,"timeUnixNano":"`+now+`"}]}}]}]}]}`)
	require.Equal(t, http.StatusOK, code, body)

	want := "Bearer " + secretValue("vm-credentials", "token")
	m := metrics.wait(t, "/api/v1/write")
	assert.Equal(t, want, m.auth, "metrics endpoint")
	l := logs.wait(t, "/insert/jsonline")
	assert.Equal(t, want, l.auth, "logs endpoint")
	assert.Contains(t, l.body, "beside the deep one")
}

// The elasticsearch preset's credentials, from the Secret, reach the
// server in the form Elasticsearch's REST API takes them: `ApiKey <key>`,
// or HTTP basic auth (RFC 7617) for username and password.
func TestIntegrationElasticsearchCredentials(t *testing.T) {
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("elastic:"+secretValue("es-user", "elastic")))
	cases := map[string]struct {
		file string
		sets []string
		want string
	}{
		"API key": {filepath.Join(chartDir, "ci", "elasticsearch-values.yaml"), nil, "ApiKey " + secretValue("es-credentials", "api-key")},
		"basic auth": {"", []string{"presets.debug.enabled=false", "presets.elasticsearch.enabled=true", "presets.elasticsearch.username=elastic",
			"presets.elasticsearch.existingSecret.name=es-user", "presets.elasticsearch.existingSecret.passwordKey=elastic"}, basic},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			es := newCapture(t, `{"errors":false,"items":[]}`)
			base := runRendered(t, mustRender(t, tc.file, append(tc.sets, "presets.elasticsearch.endpoint="+es.URL)...))
			code, body := postJSON(t, base+"/v1/logs", oneLog("to elasticsearch"))
			require.Equal(t, http.StatusOK, code, body)
			got := es.wait(t, "/_bulk")
			// The scheme is case-insensitive (RFC 7235 2.1): the
			// transport sends "APIKey", Elasticsearch documents "ApiKey".
			wantScheme, wantCred, _ := strings.Cut(tc.want, " ")
			scheme, cred, _ := strings.Cut(got.auth, " ")
			assert.True(t, strings.EqualFold(wantScheme, scheme), "scheme %q, want %q", scheme, wantScheme)
			assert.Equal(t, wantCred, cred)
			assert.Contains(t, got.body, "to elasticsearch")
		})
	}
}

// The clickhouse preset's password, from the Secret, reaches the server in
// one of the forms ClickHouse's HTTP interface takes (HTTP basic auth,
// X-ClickHouse-User/X-ClickHouse-Key headers, or user/password URL
// parameters). A capture server stands in for ClickHouse over http://.
func TestIntegrationClickHouseCredentials(t *testing.T) {
	ch := newCapture(t, "")
	base := runRendered(t, mustRender(t, filepath.Join(chartDir, "ci", "clickhouse-values.yaml"),
		"presets.clickhouse.endpoint="+ch.URL))
	code, body := postJSON(t, base+"/v1/logs", oneLog("to clickhouse"))
	require.Equal(t, http.StatusOK, code, body)
	got := ch.wait(t, "/")
	pass := secretValue("clickhouse-credentials", "password")
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("otel:"+pass))
	q, _ := url.ParseQuery(got.query)
	assert.True(t, got.auth == basic ||
		(got.header.Get("X-ClickHouse-User") == "otel" && got.header.Get("X-ClickHouse-Key") == pass) ||
		(q.Get("user") == "otel" && q.Get("password") == pass),
		"no credentials in the request: headers %v, query %q", got.header, got.query)
}

// runRendered runs a release's rendered config with the built binary its
// image holds and the container's environment, and returns the base URL
// of its OTLP/HTTP receiver. Only what cannot run in a test is changed:
// listen addresses (free loopback ports), the queue directory (a temp
// dir) and the collector's own metrics (off); exporters, extensions and
// pipelines are as rendered.
func runRendered(t *testing.T, r *Rendered) string {
	t.Helper()
	cfg := releaseConfig(t, r)
	_, _, pod := r.Workload()
	c := otelhubContainer(t, pod)
	httpAddr, healthAddr := freeAddr(t), freeAddr(t)
	setAt(cfg, httpAddr, "receivers", "otlp", "protocols", "http", "endpoint")
	delete(cfg.At("receivers", "otlp", "protocols").(map[string]any), "grpc")
	setAt(cfg, healthAddr, "extensions", "health_check", "endpoint")
	if cfg.At("extensions", "file_storage/queue") != nil {
		setAt(cfg, t.TempDir(), "extensions", "file_storage/queue", "directory")
	}
	setAt(cfg, map[string]any{"metrics": map[string]any{"level": "none"}}, "service", "telemetry")
	runCollector(t, binaryFor(t, c.Image), cfg, containerEnv(t, c), "http://"+healthAddr+"/")
	return "http://" + httpAddr
}

func oneLog(body string) string {
	return `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"` + body + `"}}]}]}]}`
}

type captured struct {
	path, auth, body string
	header           http.Header
	query            string
}

// capture is an HTTP server that records what it is sent and answers 204,
// or 200 with answer when one is given.
type capture struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []captured
}

func newCapture(t *testing.T, answer string) *capture {
	c := &capture{}
	c.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if r.Header.Get("Content-Encoding") == "gzip" {
			b = gunzip(b)
		}
		c.mu.Lock()
		c.reqs = append(c.reqs, captured{r.URL.Path, r.Header.Get("Authorization"), string(b), r.Header.Clone(), r.URL.RawQuery})
		c.mu.Unlock()
		if answer == "" {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Elastic-Product", "Elasticsearch")
		_, _ = io.WriteString(w, answer)
	}))
	t.Cleanup(c.Close)
	return c
}

// wait returns the first request to a path, failing after 20s.
func (c *capture) wait(t *testing.T, path string) captured {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		c.mu.Lock()
		for _, r := range c.reqs {
			if r.path == path {
				c.mu.Unlock()
				return r
			}
		}
		c.mu.Unlock()
	}
	t.Fatalf("%s: nothing sent to %s", c.URL, path)
	return captured{}
}

// runCollector starts the binary on a config and waits until its health
// check answers; it is killed when the test ends.
func runCollector(t *testing.T, bin string, cfg Config, env []string, health string) {
	t.Helper()
	raw, err := yaml.Marshal(cfg)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "config.yaml")
	require.NoError(t, os.WriteFile(path, raw, 0o600))
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "--config="+path)
	cmd.Env = env
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("collector output:\n%s", out.String())
		}
	})
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if resp, err := http.Get(health); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
	}
	t.Fatalf("collector not healthy after 30s:\n%s", out.String())
}

func postJSON(t *testing.T, url, body string) (int, string) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// deepLogs is an OTLP/JSON logs request whose record body nests depth
// kvlist values.
func deepLogs(depth int) string {
	v := `{"stringValue":"leaf"}`
	for range depth {
		v = `{"kvlistValue":{"values":[{"key":"k","value":` + v + `}]}}`
	}
	return `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":` + v + `}]}]}]}`
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().String()
}

// setAt sets a value at a path of map keys, creating maps on the way.
func setAt(c Config, v any, path ...string) {
	m := map[string]any(c)
	for _, p := range path[:len(path)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	m[path[len(path)-1]] = v
}

func gunzip(b []byte) []byte {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return b
	}
	out, _ := io.ReadAll(zr)
	return out
}
