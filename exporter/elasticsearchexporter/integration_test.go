package elasticsearchexporter

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/config/configopaque"

	"github.com/otelhub/otelhub/internal/httpsend/httpsendtest"
	"github.com/otelhub/otelhub/internal/testserver"
)

// logsQuery runs a LogsQL query on VictoriaLogs and returns the rows.
func logsQuery(t *testing.T, vl *testserver.Server, q string) []map[string]string {
	t.Helper()
	vl.Flush(t)
	resp, err := http.Get(vl.URL + "/select/logsql/query?query=" + url.QueryEscape(q))
	require.NoError(t, err)
	defer resp.Body.Close()
	var out []map[string]string
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m map[string]string
		require.NoError(t, json.Unmarshal(sc.Bytes(), &m))
		out = append(out, m)
	}
	return out
}

// vlConfig points the exporter at VictoriaLogs' Elasticsearch bulk API,
// with the message and time fields of the otel mapping.
func vlConfig(endpoint string) *Config {
	cfg := testConfig(endpoint + "/insert/elasticsearch")
	cfg.Headers = configopaque.MapList{
		{Name: "VL-Msg-Field", Value: "body.text"},
		{Name: "VL-Time-Field", Value: "@timestamp"},
		{Name: "VL-Stream-Fields", Value: "resource.attributes.service.name"},
	}
	return cfg
}

// End to end against a real bulk API: every record arrives, with its
// fields where the otel mapping puts them, through gzip.
func TestIntegrationVictoriaLogsBulk(t *testing.T) {
	vl := testserver.VictoriaLogs(t)
	cfg := vlConfig(vl.URL)
	cfg.Compression = "gzip"
	exp := startLogs(t, cfg, nil)
	const batches, per = 3, 200
	for b := range batches {
		require.NoError(t, exp.ConsumeLogs(context.Background(), logBatch(b, per)))
	}
	rows := logsQuery(t, vl, `resource.attributes.service.name:estest`)
	require.Len(t, rows, batches*per)
	seen := map[string]bool{}
	for _, r := range rows {
		seen[r["_msg"]] = true
		assert.Equal(t, r["_msg"], r["attributes.log.id"])
		assert.Equal(t, "INFO", r["severity_text"])
		assert.Equal(t, "logs", r["data_stream.type"])
	}
	assert.Len(t, seen, batches*per, "every record once")
	ts, err := time.Parse(time.RFC3339Nano, rows[0]["_time"])
	require.NoError(t, err)
	assert.WithinDuration(t, time.Now(), ts, 5*time.Minute, "@timestamp is the time field")
}

// Through 503s, a 429 with Retry-After, dropped connections, a 413 and a
// slow answer in front of VictoriaLogs, with small requests (flush::bytes)
// sent four at a time: every record arrives once.
func TestIntegrationVictoriaLogsThroughFaults(t *testing.T) {
	vl := testserver.VictoriaLogs(t)
	front := httpsendtest.New(t, vl.URL, httpsendtest.Down, httpsendtest.Pass, httpsendtest.Drop, httpsendtest.Throttle,
		httpsendtest.TooLarge, httpsendtest.Slow, httpsendtest.Down, httpsendtest.Pass, httpsendtest.Drop)
	cfg := vlConfig(front.URL)
	cfg.Flush.Bytes = 16 << 10
	exp := startLogs(t, cfg, nil)
	const batches, per = 4, 150
	for b := range batches {
		require.NoError(t, exp.ConsumeLogs(context.Background(), logBatch(b, per)))
	}
	assert.Equal(t, 9, front.FaultsUsed())
	rows := logsQuery(t, vl, `resource.attributes.service.name:estest`)
	seen := map[string]int{}
	for _, r := range rows {
		seen[r["_msg"]]++
	}
	assert.Len(t, rows, batches*per, "no record twice")
	assert.Len(t, seen, batches*per, "every record")
}
