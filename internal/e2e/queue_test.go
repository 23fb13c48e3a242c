package e2e

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelhub/otelhub/internal/testserver"
)

// vlCount asks VictoriaLogs how many records contain word.
func vlCount(t *testing.T, vl *testserver.Server, word string) int {
	t.Helper()
	vl.Flush(t)
	resp, err := http.Get(vl.URL + "/select/logsql/query?query=" + url.QueryEscape(`"`+word+`"`))
	require.NoError(t, err)
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(out))
	return strings.Count(string(out), word)
}

func waitArrives(t *testing.T, vl *testserver.Server, word string) {
	t.Helper()
	require.Eventually(t, func() bool { return vlCount(t, vl, word) > 0 }, 60*time.Second, 200*time.Millisecond,
		"%q never arrived in VictoriaLogs", word)
}

// A record answered 200 by bin/otelhub on configs/victoriametrics.yaml,
// while the backend is unreachable, and followed at once by kill -9,
// arrives after a restart on the same data folder. (With a batch
// processor in front of the disk queue it stayed in memory and was lost.)
func TestIntegrationPersistentQueueKeepsAcknowledgedRecord(t *testing.T) {
	vl := testserver.VictoriaLogs(t)
	data := t.TempDir()
	down := fmt.Sprintf("http://127.0.0.1:%d", freePort(t)) // nothing listens there
	p := newPorts(t)
	cfg := []string{"configs/victoriametrics.yaml", p.overlay(t, "")}
	env := func(backend string) []string {
		return []string{"OTELHUB_DATA_DIR=" + data, "OTELHUB_VL_ENDPOINT=" + backend, "OTELHUB_VM_ENDPOINT=" + backend}
	}

	first := start(t, "otelhub", p, env(down), cfg...)
	word := fmt.Sprintf("acknowledged%d", time.Now().UnixNano())
	code, msg := post(t, fmt.Sprintf("http://127.0.0.1:%d/v1/logs", p.http), logJSON(word))
	require.Equal(t, http.StatusOK, code, msg)
	first.kill9(t)

	start(t, "otelhub", p, env(vl.URL), cfg...)
	waitArrives(t, vl, word)
	assert.Equal(t, 1, vlCount(t, vl, word), "once")
}

// On the same config, a depth-1000 OTLP/JSON record is refused with 400
// before it is acknowledged, and counted; a normal record sent right beside
// it, in its own request, arrives.
func TestIntegrationDeepJSONRefusedNormalRecordArrives(t *testing.T) {
	vl := testserver.VictoriaLogs(t)
	p := newPorts(t)
	start(t, "otelhub", p, []string{"OTELHUB_DATA_DIR=" + t.TempDir(), "OTELHUB_VL_ENDPOINT=" + vl.URL},
		"configs/victoriametrics.yaml", p.overlay(t, ""))
	logs := fmt.Sprintf("http://127.0.0.1:%d/v1/logs", p.http)

	code, msg := post(t, logs, deepLogJSON(1000))
	assert.Equal(t, http.StatusBadRequest, code, msg)
	assert.Contains(t, msg, "nested deeper than 103 levels")
	// Compressed, it is looked at after decompression.
	code, msg = postGzip(t, logs, deepLogJSON(1000))
	assert.Equal(t, http.StatusBadRequest, code, msg)
	// Protobuf is not scanned: pdata's protobuf decoder refuses it itself.
	resp, err := http.Post(logs, "application/x-protobuf", bytes.NewReader(deepLogProto(t, 1000)))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "deep protobuf")
	word := fmt.Sprintf("beside%d", time.Now().UnixNano())
	code, msg = post(t, logs, logJSON(word))
	require.Equal(t, http.StatusOK, code, msg)

	waitArrives(t, vl, word)
	assert.Equal(t, 2.0, metricValue(t, p.metrics, "otelcol_extension_json_depth_refused_requests"))
}

// deepLogProto is an OTLP/protobuf logs request whose body nests n kvlists.
func deepLogProto(t *testing.T, n int) []byte {
	t.Helper()
	ld := plog.NewLogs()
	v := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty().Body()
	for range n {
		v = v.SetEmptyMap().PutEmpty("k")
	}
	v.SetStr("x")
	pb, err := (&plog.ProtoMarshaler{}).MarshalLogs(ld)
	require.NoError(t, err)
	return pb
}

func postGzip(t *testing.T, url, body string) (int, string) {
	t.Helper()
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	_, err := zw.Write([]byte(body))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	req, err := http.NewRequest(http.MethodPost, url, &zipped)
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Content-Encoding", "gzip")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	msg, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(msg)
}

// metricValue reads one counter from the collector's own Prometheus
// endpoint (summed over its series).
func metricValue(t *testing.T, port int, name string) float64 {
	t.Helper()
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/metrics", port))
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var sum float64
	found := false
	for _, line := range strings.Split(string(body), "\n") {
		if !strings.HasPrefix(line, name+"{") && !strings.HasPrefix(line, name+" ") {
			continue
		}
		var v float64
		_, err := fmt.Sscan(line[strings.LastIndexByte(line, ' ')+1:], &v)
		require.NoError(t, err, line)
		sum += v
		found = true
	}
	require.True(t, found, "%s not in the collector's metrics:\n%s", name, body)
	return sum
}
