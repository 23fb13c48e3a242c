package victoriametricsexporter

import (
	"context"
	"fmt"
	"testing"
	"time"

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
	"github.com/otelhub/otelhub/internal/httpsend/httpsendtest"
	"github.com/otelhub/otelhub/internal/testserver"
)

// record makes f keep the samples of the remote write requests it
// forwards, decoded.
func record(f *httpsendtest.Front) *recorder {
	rec := &recorder{}
	f.Record = func(body []byte) {
		tss, _ := decodeWrite(body)
		rec.add(tss)
	}
	return rec
}

// limitSeries makes f answer 413 to remote write requests of more than n
// series, as a server with a limit on series per request would.
func limitSeries(f *httpsendtest.Front, n int) {
	f.Fits = func(body []byte) bool {
		tss, _ := decodeWrite(body)
		return len(tss) <= n
	}
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
	faults := httpsendtest.New(t, vm.URL, script...)

	cfg := createDefaultConfig().(*Config)
	cfg.Endpoint = faults.URL
	cfg.TargetInfo = false
	cfg.RetryConfig.InitialInterval = 10 * time.Millisecond
	cfg.RetryConfig.MaxInterval = 100 * time.Millisecond
	cfg.QueueConfig.Get().QueueSize = 1000
	exp := startMetrics(t, cfg)

	const batches, series = 20, 40
	start := sendBatches(t, exp, batches, series)

	waitForSamples(t, vm, series, batches*series)
	time.Sleep(500 * time.Millisecond) // room for a late duplicate to show
	require.Equal(t, len(script), faults.FaultsUsed(), "every scripted fault was met")
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
	f := httpsendtest.New(t, vm.URL, "400")
	cfg := createDefaultConfig().(*Config)
	cfg.Endpoint = f.URL
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
	faults := httpsendtest.New(t, vl.URL, "503", "drop", "", "429", "503", "")
	cfg := createDefaultConfig().(*Config)
	cfg.Logs.Endpoint = faults.URL
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
		return len(vl.LogsQuery(t, `service.name:faulty`)) >= batches*perBatch
	}, 30*time.Second, 100*time.Millisecond)
	require.NoError(t, exp.Shutdown(context.Background()))
	require.Equal(t, 6, faults.FaultsUsed())

	rows := vl.LogsQuery(t, `service.name:faulty`)
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
	f := httpsendtest.New(t, vm.URL, "", "", "503")
	f.MaxBody = 250
	cfg := createDefaultConfig().(*Config)
	cfg.Endpoint = f.URL
	cfg.TargetInfo = false
	cfg.Shards = 1
	cfg.RetryConfig.InitialInterval = 10 * time.Millisecond
	exp := startMetrics(t, cfg)

	const batches, series = 3, 60
	sendBatches(t, exp, batches, series)
	waitForSamples(t, vm, series, batches*series)
	time.Sleep(300 * time.Millisecond)
	require.Equal(t, 3, f.FaultsUsed())
	require.Positive(t, f.TooBig.Load(), "the server refused large requests")
	t.Logf("413 answers: %d", f.TooBig.Load())
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
