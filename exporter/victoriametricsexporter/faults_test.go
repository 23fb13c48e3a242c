package victoriametricsexporter

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/prometheus/prompb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/otelhub/otelhub/exporter/victoriametricsexporter/internal/metadata"
	"github.com/otelhub/otelhub/internal/testserver"
)

// faultyFront stands between the exporter and a real server. Each request
// takes the next fault of a fixed script; "" forwards it. Faults happen
// before forwarding, so a refused request never reached the server.
type faultyFront struct {
	mu      sync.Mutex
	script  []string
	n       int
	maxBody int // bodies over it get 413, when set
	// maxSeries, when set, answers 413 to remote write requests of more
	// series; rec, when set, records the samples of forwarded requests.
	maxSeries int
	rec       *recorder
	tooBig    atomic.Int64
	proxy     *httputil.ReverseProxy
	served    atomic.Int64
}

func newFaultyFront(t *testing.T, target string, script []string) (string, *faultyFront) {
	u, err := url.Parse(target)
	require.NoError(t, err)
	f := &faultyFront{script: script, proxy: httputil.NewSingleHostReverseProxy(u)}
	srv := &http.Server{Handler: f}
	addr := listen(t, srv)
	return "http://" + addr, f
}

// faultsUsed is how many scripted faults requests have met so far.
func (f *faultyFront) faultsUsed() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return min(f.n, len(f.script))
}

func (f *faultyFront) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if f.maxBody > 0 && r.ContentLength > int64(f.maxBody) {
		f.tooBig.Add(1)
		http.Error(w, "request entity too large", http.StatusRequestEntityTooLarge)
		return
	}
	var tss []prompb.TimeSeries
	if f.maxSeries > 0 || f.rec != nil {
		tss, _ = decodeWrite(readBody(r))
	}
	if f.maxSeries > 0 && len(tss) > f.maxSeries {
		f.tooBig.Add(1)
		http.Error(w, "too many series", http.StatusRequestEntityTooLarge)
		return
	}
	f.mu.Lock()
	fault := ""
	if f.n < len(f.script) {
		fault = f.script[f.n]
	}
	f.n++
	f.mu.Unlock()
	switch fault {
	case "429":
		w.Header().Set("Retry-After", "1")
		http.Error(w, "slow down", http.StatusTooManyRequests)
	case "503":
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
	case "drop":
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	case "lost":
		// The server stores the request, but its answer never comes back.
		f.forward(httptest.NewRecorder(), r, tss)
		if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
			conn.Close()
		}
	case "400":
		http.Error(w, "cannot parse sample", http.StatusBadRequest)
	case "slow":
		time.Sleep(300 * time.Millisecond)
		f.forward(w, r, tss)
	default:
		f.served.Add(1)
		f.forward(w, r, tss)
	}
}

// forward passes a request to the server and records its samples.
func (f *faultyFront) forward(w http.ResponseWriter, r *http.Request, tss []prompb.TimeSeries) {
	if f.rec != nil {
		f.rec.add(tss)
	}
	f.proxy.ServeHTTP(w, r)
}

// batchAt builds series gauges "fault_test{n=i}" with value v at ts.
func batchAt(series int, ts time.Time, v float64) pmetric.Metrics {
	md := pmetric.NewMetrics()
	ms := resourceMetrics(md, "faults")
	m := ms.AppendEmpty()
	m.SetName("fault.test")
	dps := m.SetEmptyGauge().DataPoints()
	for i := range series {
		dp := dps.AppendEmpty()
		dp.SetTimestamp(pcommon.NewTimestampFromTime(ts))
		dp.SetDoubleValue(v)
		dp.Attributes().PutInt("n", int64(i))
	}
	return md
}

// Through 429 with Retry-After, 503, dropped connections and slow answers,
// with four shards failing independently, every sample arrives exactly once
// and in order.
func TestIntegrationFaultsLoseNothingAndDuplicateNothing(t *testing.T) {
	vm := testserver.VictoriaMetrics(t)
	script := []string{"", "503", "drop", "", "429", "", "slow", "503", "", "drop", "", "", "503", "503", "", "drop"}
	front, faults := newFaultyFront(t, vm.URL, script)

	cfg := createDefaultConfig().(*Config)
	cfg.Endpoint = front
	cfg.TargetInfo = false
	cfg.RetryConfig.InitialInterval = 10 * time.Millisecond
	cfg.RetryConfig.MaxInterval = 100 * time.Millisecond
	cfg.QueueConfig.Get().QueueSize = 1000
	exp := startMetrics(t, cfg)

	const batches, series = 20, 40
	start := sendBatches(t, exp, batches, series)

	waitForSamples(t, vm, series, batches*series)
	time.Sleep(500 * time.Millisecond) // room for a late duplicate to show
	require.Equal(t, len(script), faults.faultsUsed(), "every scripted fault was met")
	for k, e := range export(t, vm, `fault_test`) {
		require.Len(t, e.Timestamps, batches, k)
		for b := range batches {
			assert.Equal(t, start.Add(time.Duration(b)*time.Second).UnixMilli(), e.Timestamps[b], k)
			assert.Equal(t, float64(b), e.Values[b], k)
		}
	}
}

// A 400 is permanent: that request's data is dropped and counted, and the
// requests after it go through.
func TestIntegrationBadRequestDoesNotBlockTheQueue(t *testing.T) {
	vm := testserver.VictoriaMetrics(t)
	front, _ := newFaultyFront(t, vm.URL, []string{"400"})
	cfg := createDefaultConfig().(*Config)
	cfg.Endpoint = front
	cfg.TargetInfo = false
	cfg.Shards = 1
	cfg.QueueConfig.Get().WaitForResult = true
	exp, tel := startWithTelemetry(t, cfg)
	ts := time.Now().Add(-time.Minute)
	err := exp.ConsumeMetrics(context.Background(), batchAt(3, ts, 1))
	require.ErrorContains(t, err, "400")
	rejected, err := tel.GetMetric("otelcol_exporter_victoriametrics_rejected_series")
	require.NoError(t, err)
	dps := rejected.Data.(metricdata.Sum[int64]).DataPoints
	require.Len(t, dps, 1)
	assert.Equal(t, int64(3), dps[0].Value)
	code, _ := dps[0].Attributes.Value("http.response.status_code")
	assert.Equal(t, int64(400), code.AsInt64())
	require.NoError(t, exp.ConsumeMetrics(context.Background(), batchAt(3, ts.Add(time.Second), 2)))
	require.Eventually(t, func() bool { return len(export(t, vm, `fault_test`)) == 3 }, 20*time.Second, 100*time.Millisecond)
	for k, e := range export(t, vm, `fault_test`) {
		assert.Equal(t, []float64{2}, e.Values, k)
	}
}

// Logs through 503s, a 429 with Retry-After and dropped connections reach
// VictoriaLogs, each record once.
func TestIntegrationLogsSurviveFaults(t *testing.T) {
	vl := testserver.VictoriaLogs(t)
	front, faults := newFaultyFront(t, vl.URL, []string{"503", "drop", "", "429", "503", ""})
	cfg := createDefaultConfig().(*Config)
	cfg.Logs.Endpoint = front
	cfg.RetryConfig.InitialInterval = 10 * time.Millisecond
	cfg.RetryConfig.MaxInterval = 100 * time.Millisecond
	set := exportertest.NewNopSettings(metadata.Type)
	exp, err := NewFactory().CreateLogs(context.Background(), set, cfg)
	require.NoError(t, err)
	require.NoError(t, exp.Start(context.Background(), componenttest.NewNopHost()))

	const batches, perBatch = 8, 25
	for b := range batches {
		ld := plog.NewLogs()
		rl := ld.ResourceLogs().AppendEmpty()
		rl.Resource().Attributes().PutStr("service.name", "faulty")
		lrs := rl.ScopeLogs().AppendEmpty().LogRecords()
		for i := range perBatch {
			lr := lrs.AppendEmpty()
			lr.SetTimestamp(pcommon.NewTimestampFromTime(time.Now()))
			lr.Body().SetStr(fmt.Sprintf("record %d of batch %d", i, b))
		}
		require.NoError(t, exp.ConsumeLogs(context.Background(), ld))
	}
	// Retries (one waits out a Retry-After of 1s) finish before shutdown:
	// an in-memory queue stops retrying at shutdown, a persistent one keeps
	// the data for the next start.
	require.Eventually(t, func() bool {
		return len(logsQuery(t, vl, `service.name:faulty`)) >= batches*perBatch
	}, 30*time.Second, 100*time.Millisecond)
	require.NoError(t, exp.Shutdown(context.Background()))
	require.Equal(t, 6, faults.faultsUsed())

	rows := logsQuery(t, vl, `service.name:faulty`)
	seen := map[string]int{}
	for _, r := range rows {
		seen[r["_msg"]]++
	}
	assert.Len(t, rows, batches*perBatch, "every record once")
	assert.Len(t, seen, batches*perBatch)
}

// A server that refuses large requests with 413: the exporter splits at
// data point boundaries until they fit, and when a split half then fails
// with a retryable error, only that half is sent again. Every sample
// arrives exactly once.
func TestIntegration413SplitsAndRetriesOnlyWhatDidNotArrive(t *testing.T) {
	vm := testserver.VictoriaMetrics(t)
	front, f := newFaultyFront(t, vm.URL, []string{"", "", "503"})
	f.maxBody = 250
	cfg := createDefaultConfig().(*Config)
	cfg.Endpoint = front
	cfg.TargetInfo = false
	cfg.Shards = 1
	cfg.RetryConfig.InitialInterval = 10 * time.Millisecond
	exp := startMetrics(t, cfg)

	const batches, series = 3, 60
	sendBatches(t, exp, batches, series)
	waitForSamples(t, vm, series, batches*series)
	time.Sleep(300 * time.Millisecond)
	require.Equal(t, 3, f.faultsUsed())
	require.Positive(t, f.tooBig.Load(), "the server refused large requests")
	t.Logf("413 answers: %d", f.tooBig.Load())
	for k, e := range export(t, vm, `fault_test`) {
		assert.Len(t, e.Timestamps, batches, "each sample once: %s", k)
	}
}

// sendBatches sends batches of the fault_test gauges, one second apart,
// an hour ago, and returns the first timestamp.
func sendBatches(t *testing.T, exp exporter.Metrics, batches, series int) time.Time {
	t.Helper()
	start := time.Now().Add(-time.Hour).Truncate(time.Second)
	for b := range batches {
		require.NoError(t, exp.ConsumeMetrics(context.Background(), batchAt(series, start.Add(time.Duration(b)*time.Second), float64(b))))
	}
	return start
}

// waitForSamples waits until VictoriaMetrics holds the series of
// fault_test and at least total samples of them.
func waitForSamples(t *testing.T, vm *testserver.Server, series, total int) {
	t.Helper()
	require.Eventually(t, func() bool {
		got := export(t, vm, `fault_test`)
		n := 0
		for _, e := range got {
			n += len(e.Values)
		}
		return len(got) == series && n >= total
	}, 60*time.Second, 50*time.Millisecond)
}
