package victoriametricsexporter

import (
	"context"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/otelhub/otelhub/internal/testserver"
)

// deltaRun appends one delta sum "dsum" with n contiguous one-second points
// from start, point k having value k+1.
func deltaRun(ms pmetric.MetricSlice, start time.Time, first, n int) {
	m := ms.AppendEmpty()
	m.SetName("dsum")
	s := m.SetEmptySum()
	s.SetIsMonotonic(true)
	s.SetAggregationTemporality(pmetric.AggregationTemporalityDelta)
	for k := first; k < first+n; k++ {
		dp := s.DataPoints().AppendEmpty()
		dp.SetStartTimestamp(pcommon.NewTimestampFromTime(start.Add(time.Duration(k) * time.Second)))
		dp.SetTimestamp(pcommon.NewTimestampFromTime(start.Add(time.Duration(k+1) * time.Second)))
		dp.SetIntValue(int64(k + 1))
	}
}

// queueBatch is the sending queue's batching with a short flush timer.
func queueBatch(cfg *Config, minSize, maxSize int64) {
	b := exporterhelper.NewDefaultBatchConfig()
	b.FlushTimeout = 50 * time.Millisecond
	b.MinSize = minSize
	b.MaxSize = maxSize
	cfg.QueueConfig.Get().Batch = configoptional.Some(b)
}

// With batching in the sending queue and a max_size, exporterhelper
// (v0.165) splits a large request into several flushes, and its flush timer
// can take the last, newest part while the earlier parts wait for the one
// worker: the parts reach the exporter out of order. For a delta series
// that breaks the totals: 45 points split 20+20+5 behind a busy worker
// arrived as 1..20, then 41..45 (a gap, so the total restarted), and
// 21..40 were dropped as late. The config is therefore refused.
func TestConfigRefusesQueueBatchMaxSizeForMetrics(t *testing.T) {
	cfg := deliveryConfig("http://localhost:8428")
	queueBatch(cfg, 10, 20)
	require.ErrorContains(t, cfg.Validate(), "sending_queue::batch::max_size")

	queueBatch(cfg, 10, 0)
	require.NoError(t, cfg.Validate())

	logsOnly := createDefaultConfig().(*Config)
	logsOnly.Logs.Endpoint = "http://localhost:9428"
	queueBatch(logsOnly, 10, 20)
	require.NoError(t, logsOnly.Validate(), "logs carry no per-series state")
}

// Batching in the sending queue without max_size: the case above, a
// request of 45 points of one delta series behind a busy worker, is
// flushed whole and in order, and every cumulative value is right.
func TestIntegrationQueueBatchKeepsDeltaOrder(t *testing.T) {
	vm := testserver.VictoriaMetrics(t)
	front, f := newFaultyFront(t, vm.URL, []string{"slow"})
	f.rec = &recorder{}
	cfg := deliveryConfig(front)
	cfg.Shards = 1
	queueBatch(cfg, 10, 0)
	require.NoError(t, cfg.Validate())
	exp := startMetrics(t, cfg)

	start := time.Now().Add(-time.Hour).Truncate(time.Second)
	require.NoError(t, exp.ConsumeMetrics(context.Background(), batchAt(10, start, 1)))
	md := pmetric.NewMetrics()
	deltaRun(resourceMetrics(md, "delta"), start, 0, 45)
	require.NoError(t, exp.ConsumeMetrics(context.Background(), md))

	var want []float64
	total := 0.0
	for k := range 45 {
		total += float64(k + 1)
		want = append(want, total)
	}
	require.Eventually(t, func() bool {
		for _, e := range export(t, vm, `dsum_total`) {
			return len(e.Values) >= len(want)
		}
		return false
	}, 30*time.Second, 50*time.Millisecond)
	time.Sleep(300 * time.Millisecond)
	got := export(t, vm, `dsum_total`)
	require.Len(t, got, 1)
	for k, e := range got {
		assert.Equal(t, want, e.Values, k)
	}
	require.Equal(t, 1, f.faultsUsed())
}

// A point the encoder drops is counted once, not once per attempt: when
// nothing of a batch arrives, the retry carries only the points that were
// sent, so two dropped delta exponential histogram points count 2 through
// two 503s.
func TestDroppedPointsCountedOnceThroughRetries(t *testing.T) {
	var mu sync.Mutex
	n := 0
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		n++
		if n <= 2 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})}
	cfg := deliveryConfig("http://" + listen(t, srv))
	cfg.Shards = 1
	cfg.QueueConfig.Get().WaitForResult = true
	exp, tel := startWithTelemetry(t, cfg)

	md := batchAt(1, time.Now(), 1)
	eh := md.ResourceMetrics().At(0).ScopeMetrics().At(0).Metrics().AppendEmpty()
	eh.SetName("dropped.exp")
	edh := eh.SetEmptyExponentialHistogram()
	edh.SetAggregationTemporality(pmetric.AggregationTemporalityDelta)
	edh.DataPoints().AppendEmpty().SetCount(1)
	edh.DataPoints().AppendEmpty().SetCount(1)
	require.NoError(t, exp.ConsumeMetrics(context.Background(), md))
	mu.Lock()
	assert.Equal(t, 3, n, "two 503s, then the retry arrives")
	mu.Unlock()
	assert.Equal(t, int64(2), counterTotal(t, tel, "otelcol_exporter_victoriametrics_dropped_points"))
}

// When exporterhelper gives up retrying a delta point, the next point of
// the stream starts after a gap, and the data model resets the cumulative
// series there: 5, (3 lost), then 10, not 15 or 18. The lost delta is not
// in later totals, and neither are the ones before it.
func TestIntegrationDeltaAfterRetriesGiveUp(t *testing.T) {
	vm := testserver.VictoriaMetrics(t)
	target, err := url.Parse(vm.URL)
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(target)
	start := time.Now().Add(-time.Hour).Truncate(time.Second)
	lost := start.Add(2 * time.Second).UnixMilli()
	var refused atomic.Int64
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tss, err := decodeWrite(readBody(r))
		require.NoError(t, err)
		for _, s := range tss {
			for _, x := range s.Samples {
				if x.Timestamp == lost {
					refused.Add(1)
					w.WriteHeader(http.StatusServiceUnavailable)
					return
				}
			}
		}
		proxy.ServeHTTP(w, r)
	})}
	cfg := deliveryConfig("http://" + listen(t, srv))
	cfg.RetryConfig.MaxElapsedTime = 300 * time.Millisecond
	exp := startMetrics(t, cfg)

	for i, v := range []int64{5, 3, 10} {
		require.NoError(t, exp.ConsumeMetrics(context.Background(), deltaPoint(start, i, v)))
	}
	require.Eventually(t, func() bool {
		for _, e := range export(t, vm, `dsum_total`) {
			return len(e.Values) >= 2
		}
		return false
	}, 30*time.Second, 50*time.Millisecond)
	assert.Greater(t, refused.Load(), int64(1), "the point was retried, then given up")
	for k, e := range export(t, vm, `dsum_total`) {
		assert.Equal(t, []float64{5, 10}, e.Values, k)
		assert.Equal(t, []int64{start.Add(time.Second).UnixMilli(), start.Add(3 * time.Second).UnixMilli()}, e.Timestamps, k)
	}
}

// A 413 split of a batch of delta sums and histograms, two points per
// series, where one part then fails with a 503: the retry of that part
// carries the same cumulative values, nothing delivered is sent again, and
// the next batch continues every total.
func TestIntegration413SplitOfDeltaSeriesUnderRetry(t *testing.T) {
	vm := testserver.VictoriaMetrics(t)
	front, f := newFaultyFront(t, vm.URL, []string{"", "", "503"})
	f.rec = &recorder{}
	f.maxSeries = 25
	cfg := deliveryConfig(front)
	cfg.Shards = 1
	exp := startMetrics(t, cfg)

	start := time.Now().Add(-time.Hour).Truncate(time.Second)
	const series = 10
	md := pmetric.NewMetrics()
	deltaMetrics(resourceMetrics(md, "delta"), start, series, []int{0, 1})
	require.NoError(t, exp.ConsumeMetrics(context.Background(), md))
	md = pmetric.NewMetrics()
	deltaMetrics(resourceMetrics(md, "delta"), start, series, []int{2})
	require.NoError(t, exp.ConsumeMetrics(context.Background(), md))

	checkDelta(t, vm, f.rec, start, series, 2)
	require.Equal(t, 3, f.faultsUsed())
	require.Positive(t, f.tooBig.Load())
}

// A delta point refused for good (400) is settled like one that arrived:
// the README says its delta is in later totals. 5 refused, then 3 sent as
// 8.
func TestRefusedDeltaPointStaysInLaterTotals(t *testing.T) {
	var mu sync.Mutex
	var got []float64
	n := 0
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tss, err := decodeWrite(readBody(r))
		require.NoError(t, err)
		mu.Lock()
		defer mu.Unlock()
		n++
		if n == 1 {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		for _, s := range tss {
			for _, x := range s.Samples {
				got = append(got, x.Value)
			}
		}
		w.WriteHeader(http.StatusNoContent)
	})}
	cfg := deliveryConfig("http://" + listen(t, srv))
	cfg.Shards = 1
	cfg.QueueConfig.Get().WaitForResult = true
	exp := startMetrics(t, cfg)
	start := time.Now().Add(-time.Hour).Truncate(time.Second)
	require.Error(t, exp.ConsumeMetrics(context.Background(), deltaPoint(start, 0, 5)))
	require.NoError(t, exp.ConsumeMetrics(context.Background(), deltaPoint(start, 1, 3)))
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []float64{8}, got)
}
