package components

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An OTLP receiver with bearertokenauth refuses requests without the
// token, and takes them with it. The token comes from the environment.
func TestOTLPReceiverRequiresBearerToken(t *testing.T) {
	t.Setenv("OTELHUB_TEST_TOKEN", "s3cret")
	port := freePort(t)
	out := filepath.Join(t.TempDir(), "in.jsonl")
	startCollector(t, "auth", fmt.Sprintf(`
extensions:
  bearertokenauth/in:
    token: ${env:OTELHUB_TEST_TOKEN}
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:%d
        auth:
          authenticator: bearertokenauth/in
exporters:
  jsonlfile:
    path: %s
    flush_interval: 0s
service:
  extensions: [bearertokenauth/in]
  telemetry: {metrics: {level: none}}
  pipelines:
    logs: {receivers: [otlp], exporters: [jsonlfile]}
`, port, out))

	post := func(token string) int {
		body := `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"hi"}}]}]}]}`
		req, err := http.NewRequest(http.MethodPost, fmt.Sprintf("http://127.0.0.1:%d/v1/logs", port), strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	assert.Equal(t, http.StatusUnauthorized, post(""))
	assert.Equal(t, http.StatusUnauthorized, post("wrong"))
	assert.Equal(t, http.StatusOK, post("s3cret"))
	require.Eventually(t, func() bool {
		_, _, logs := counts(t, out)
		return logs == 1
	}, 10*time.Second, 20*time.Millisecond, "only the authorized request is taken")
}
