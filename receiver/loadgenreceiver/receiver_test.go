package loadgenreceiver

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/receiver/receivertest"

	"github.com/otelhub/otelhub/receiver/loadgenreceiver/internal/metadata"
)

func testConfig(total int64) *Config {
	cfg := createDefaultConfig().(*Config)
	cfg.Rate = 0
	cfg.Total = total
	cfg.BatchSize = 64
	return cfg
}

func TestTotalIsExactPerSignal(t *testing.T) {
	cfg := testConfig(1000)
	f := NewFactory()
	set := receivertest.NewNopSettings(metadata.Type)
	ctx := context.Background()

	traces, logs, metrics := new(consumertest.TracesSink), new(consumertest.LogsSink), new(consumertest.MetricsSink)
	tr, err := f.CreateTraces(ctx, set, cfg, traces)
	require.NoError(t, err)
	lr, err := f.CreateLogs(ctx, set, cfg, logs)
	require.NoError(t, err)
	mr, err := f.CreateMetrics(ctx, set, cfg, metrics)
	require.NoError(t, err)
	host := componenttest.NewNopHost()
	require.NoError(t, tr.Start(ctx, host))
	require.NoError(t, lr.Start(ctx, host))
	require.NoError(t, mr.Start(ctx, host))

	require.Eventually(t, func() bool {
		return traces.SpanCount() == 1000 && logs.LogRecordCount() == 1000 && metrics.DataPointCount() == 1000
	}, 10*time.Second, 5*time.Millisecond)
	require.NoError(t, tr.Shutdown(ctx))
	require.NoError(t, lr.Shutdown(ctx))
	require.NoError(t, mr.Shutdown(ctx))
	// Nothing more arrives after the total was reached.
	assert.Equal(t, 1000, traces.SpanCount())
	assert.Equal(t, 1000, logs.LogRecordCount())
	assert.Equal(t, 1000, metrics.DataPointCount())
}

func TestSameSeedSameLogs(t *testing.T) {
	a := newGenerator(7, streamLogs, 3).logs(200)
	b := newGenerator(7, streamLogs, 3).logs(200)
	c := newGenerator(8, streamLogs, 3).logs(200)
	assert.Equal(t, bodies(a), bodies(b))
	assert.NotEqual(t, bodies(a), bodies(c))
	assert.Equal(t, 200, a.LogRecordCount())
}

func bodies(ld plog.Logs) []string {
	var out []string
	for _, rl := range ld.ResourceLogs().All() {
		for _, sl := range rl.ScopeLogs().All() {
			for _, lr := range sl.LogRecords().All() {
				out = append(out, lr.Body().Str())
			}
		}
	}
	return out
}

func TestLogsCarryTemplateIDs(t *testing.T) {
	ld := newGenerator(1, streamLogs, 2).logs(2000)
	seen := map[int64]bool{}
	for _, rl := range ld.ResourceLogs().All() {
		for _, lr := range rl.ScopeLogs().At(0).LogRecords().All() {
			id, ok := lr.Attributes().Get("loadgen.template.id")
			require.True(t, ok)
			seen[id.Int()] = true
			assert.NotEmpty(t, lr.Body().Str())
		}
	}
	assert.Len(t, seen, len(logTemplates), "2000 records should use every template")
}

func TestTracesHaveSemconvShape(t *testing.T) {
	td := newGenerator(1, streamTraces, 3).traces(30)
	require.Equal(t, 30, td.SpanCount())
	var server, db, client int
	for _, rs := range td.ResourceSpans().All() {
		_, ok := rs.Resource().Attributes().Get("service.name")
		assert.True(t, ok)
		for _, s := range rs.ScopeSpans().At(0).Spans().All() {
			attrs := s.Attributes()
			switch {
			case s.Kind() == ptrace.SpanKindServer:
				server++
				_, ok := attrs.Get("http.route")
				assert.True(t, ok)
			case hasKey(attrs.AsRaw(), "db.system.name"):
				db++
				assert.False(t, s.ParentSpanID().IsEmpty())
			default:
				client++
				_, ok := attrs.Get("url.full")
				assert.True(t, ok)
			}
		}
	}
	assert.Equal(t, 10, server)
	assert.Equal(t, 10, db)
	assert.Equal(t, 10, client)
}

func hasKey(m map[string]any, k string) bool {
	_, ok := m[k]
	return ok
}

// Cumulative series must never go down from one batch to the next, and a
// histogram's buckets must add up to its count.
func TestMetricsAreConsistentAcrossBatches(t *testing.T) {
	m := newMetricsGen(newGenerator(1, streamMetrics, 2))
	last := map[string]float64{}
	for range 5 {
		md := m.metrics(100)
		require.Equal(t, 100, md.DataPointCount())
		for _, rm := range md.ResourceMetrics().All() {
			svc, _ := rm.Resource().Attributes().Get("service.name")
			for _, mt := range rm.ScopeMetrics().At(0).Metrics().All() {
				checkMetric(t, mt, svc.Str(), last)
			}
		}
	}
}

func checkMetric(t *testing.T, mt pmetric.Metric, svc string, last map[string]float64) {
	switch mt.Type() {
	case pmetric.MetricTypeHistogram:
		for _, dp := range mt.Histogram().DataPoints().All() {
			var n uint64
			for _, c := range dp.BucketCounts().AsRaw() {
				n += c
			}
			assert.Equal(t, dp.Count(), n)
			assert.Equal(t, dp.ExplicitBounds().Len()+1, dp.BucketCounts().Len())
		}
	case pmetric.MetricTypeSum:
		if !mt.Sum().IsMonotonic() {
			return
		}
		for _, dp := range mt.Sum().DataPoints().All() {
			dir, _ := dp.Attributes().Get("network.io.direction")
			key := svc + "/" + dir.Str()
			v := float64(dp.IntValue())
			assert.GreaterOrEqual(t, v, last[key], key)
			last[key] = v
		}
	}
}

func TestRefusedBatchesAreOfferedAgain(t *testing.T) {
	cfg := testConfig(10)
	cfg.BatchSize = 10
	var calls atomic.Int32
	sink := new(consumertest.LogsSink)
	next, err := consumer.NewLogs(func(ctx context.Context, ld plog.Logs) error {
		if calls.Add(1) <= 2 {
			return errors.New("memory limit reached")
		}
		return sink.ConsumeLogs(ctx, ld)
	})
	require.NoError(t, err)
	r, err := NewFactory().CreateLogs(context.Background(), receivertest.NewNopSettings(metadata.Type), cfg, next)
	require.NoError(t, err)
	require.NoError(t, r.Start(context.Background(), componenttest.NewNopHost()))
	require.Eventually(t, func() bool { return sink.LogRecordCount() == 10 }, 5*time.Second, 5*time.Millisecond)
	require.NoError(t, r.Shutdown(context.Background()))
	assert.Equal(t, int32(3), calls.Load())
}

func TestSignalNotListedIsAnError(t *testing.T) {
	cfg := testConfig(1)
	cfg.Signals = []string{"traces"}
	_, err := NewFactory().CreateLogs(context.Background(), receivertest.NewNopSettings(metadata.Type), cfg, consumertest.NewNop())
	require.ErrorContains(t, err, "signals do not list logs")
}

func TestRateIsPaced(t *testing.T) {
	cfg := testConfig(200)
	cfg.Rate = 1000
	cfg.BatchSize = 50
	sink := new(consumertest.TracesSink)
	r, err := NewFactory().CreateTraces(context.Background(), receivertest.NewNopSettings(metadata.Type), cfg, sink)
	require.NoError(t, err)
	begin := time.Now()
	require.NoError(t, r.Start(context.Background(), componenttest.NewNopHost()))
	require.Eventually(t, func() bool { return sink.SpanCount() == 200 }, 10*time.Second, time.Millisecond)
	// The last batch (items 150..199) is not due before 150ms at 1000/s.
	assert.GreaterOrEqual(t, time.Since(begin), 150*time.Millisecond)
	require.NoError(t, r.Shutdown(context.Background()))
}

func TestShutdownStopsAnEndlessRun(t *testing.T) {
	cfg := testConfig(0)
	r, err := NewFactory().CreateMetrics(context.Background(), receivertest.NewNopSettings(metadata.Type), cfg, consumertest.NewNop())
	require.NoError(t, err)
	require.NoError(t, r.Start(context.Background(), componenttest.NewNopHost()))
	time.Sleep(20 * time.Millisecond)
	require.NoError(t, r.Shutdown(context.Background()))
}
