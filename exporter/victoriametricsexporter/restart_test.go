package victoriametricsexporter

import (
	"context"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/extension/storage/filestorage"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/extension"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/otelhub/otelhub/exporter/victoriametricsexporter/internal/metadata"
	"github.com/otelhub/otelhub/internal/testserver"
)

// storageHost is a host with one storage extension.
type storageHost struct {
	component.Host
	exts map[component.ID]component.Component
}

func (h storageHost) GetExtensions() map[component.ID]component.Component { return h.exts }

// startFileStorage starts a file_storage extension on dir; the caller
// shuts it down.
func startFileStorage(t *testing.T, dir string) (component.ID, storageHost, component.Component) {
	t.Helper()
	f := filestorage.NewFactory()
	cfg := f.CreateDefaultConfig().(*filestorage.Config)
	cfg.Directory = dir
	id := component.NewID(f.Type())
	ext, err := f.Create(context.Background(), extension.Settings{ID: id,
		TelemetrySettings: componenttest.NewNopTelemetrySettings(), BuildInfo: component.NewDefaultBuildInfo()}, cfg)
	require.NoError(t, err)
	host := storageHost{Host: componenttest.NewNopHost(), exts: map[component.ID]component.Component{id: ext}}
	require.NoError(t, ext.Start(context.Background(), host))
	return id, host, ext
}

// deltaPoint is one delta sum point of "dsum" covering step k.
func deltaPoint(start time.Time, k int, v int64) pmetric.Metrics {
	md := pmetric.NewMetrics()
	m := resourceMetrics(md, "delta").AppendEmpty()
	m.SetName("dsum")
	s := m.SetEmptySum()
	s.SetIsMonotonic(true)
	s.SetAggregationTemporality(pmetric.AggregationTemporalityDelta)
	dp := s.DataPoints().AppendEmpty()
	dp.SetStartTimestamp(pcommon.NewTimestampFromTime(start.Add(time.Duration(k) * time.Second)))
	dp.SetTimestamp(pcommon.NewTimestampFromTime(start.Add(time.Duration(k+1) * time.Second)))
	dp.SetIntValue(v)
	return md
}

// With a persistent queue, the backend down and the collector restarted:
// exporterhelper (v0.165) puts the batch that was being sent at shutdown
// at the back of the queue, behind newer ones, and the delta state starts
// empty. Three delta points 5, 3, 10 of one stream, the first in flight
// at shutdown, arrive after the restart as 3, 13: the stream starts again
// from zero, and the first point, now older than the stream, is dropped
// as late. This is what the README says; it is not 5, 8, 18.
func TestIntegrationPersistentQueueRestartAndDeltaState(t *testing.T) {
	vm := testserver.VictoriaMetrics(t)
	target, err := url.Parse(vm.URL)
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(target)
	var up atomic.Bool
	var refused atomic.Int64
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !up.Load() {
			refused.Add(1)
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		proxy.ServeHTTP(w, r)
	})}
	cfg := deliveryConfig("http://" + listen(t, srv))
	cfg.RetryConfig.MaxElapsedTime = 0 // retry until shutdown
	dir := t.TempDir()
	start := time.Now().Add(-time.Hour).Truncate(time.Second)

	run := func(send func(exp interface {
		ConsumeMetrics(context.Context, pmetric.Metrics) error
	}), wait func()) {
		id, host, ext := startFileStorage(t, dir)
		cfg.QueueConfig.Get().StorageID = &id
		set := exportertest.NewNopSettings(metadata.Type)
		set.ID = component.NewID(metadata.Type) // the same queue in both runs
		exp, err := NewFactory().CreateMetrics(context.Background(), set, cfg)
		require.NoError(t, err)
		require.NoError(t, exp.Start(context.Background(), host))
		send(exp)
		wait()
		require.NoError(t, exp.Shutdown(context.Background()))
		require.NoError(t, ext.Shutdown(context.Background()))
	}
	run(func(exp interface {
		ConsumeMetrics(context.Context, pmetric.Metrics) error
	}) {
		require.NoError(t, exp.ConsumeMetrics(context.Background(), deltaPoint(start, 0, 5)))
		require.Eventually(t, func() bool { return refused.Load() > 2 }, 10*time.Second, 10*time.Millisecond)
		require.NoError(t, exp.ConsumeMetrics(context.Background(), deltaPoint(start, 1, 3)))
		require.NoError(t, exp.ConsumeMetrics(context.Background(), deltaPoint(start, 2, 10)))
	}, func() { time.Sleep(100 * time.Millisecond) })

	up.Store(true)
	run(func(exp interface {
		ConsumeMetrics(context.Context, pmetric.Metrics) error
	}) {
	}, func() {
		require.Eventually(t, func() bool {
			for _, e := range export(t, vm, `dsum_total`) {
				return len(e.Values) >= 2
			}
			return false
		}, 30*time.Second, 50*time.Millisecond)
		time.Sleep(300 * time.Millisecond)
	})
	for k, e := range export(t, vm, `dsum_total`) {
		assert.Equal(t, []float64{3, 13}, e.Values, k)
		assert.Equal(t, []int64{start.Add(2 * time.Second).UnixMilli(), start.Add(3 * time.Second).UnixMilli()}, e.Timestamps, k)
	}
}
