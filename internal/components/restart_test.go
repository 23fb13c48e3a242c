package components

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/otelcol"

	"github.com/otelhub/otelhub/internal/testserver"
)

// switchable forwards to target while up, and answers 503 while down.
type switchable struct {
	up       atomic.Bool
	refused  atomic.Int64
	proxy    *httputil.ReverseProxy
	received atomic.Int64
}

func (s *switchable) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.up.Load() {
		s.refused.Add(1)
		http.Error(w, "backend down", http.StatusServiceUnavailable)
		return
	}
	s.received.Add(1)
	s.proxy.ServeHTTP(w, r)
}

// countSamples counts the samples VictoriaMetrics holds that stand one for
// one for an OTel data point (not the buckets, sums and target_info that a
// point also becomes).
func countSamples(t *testing.T, vm *testserver.Server) int {
	t.Helper()
	vm.Flush(t)
	sel := url.QueryEscape(`{job=~".+",__name__!~".*_bucket|.*_sum|target_info"}`)
	resp, err := http.Get(vm.URL + "/api/v1/export?match[]=" + sel)
	require.NoError(t, err)
	defer resp.Body.Close()
	n := 0
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var e struct{ Values []float64 }
		require.NoError(t, json.Unmarshal(sc.Bytes(), &e))
		n += len(e.Values)
	}
	return n
}

// The backend is down while loadgen produces; the collector stops with
// everything in its persistent queue; a new collector on the same storage
// delivers all of it, once, when the backend is back.
func TestIntegrationPersistentQueueSurvivesRestart(t *testing.T) {
	const total = 2000
	vm := testserver.VictoriaMetrics(t)
	target, err := url.Parse(vm.URL)
	require.NoError(t, err)
	front := &switchable{proxy: httputil.NewSingleHostReverseProxy(target)}
	srv := httptest.NewServer(front)
	defer srv.Close()
	storage := t.TempDir()

	exporterCfg := fmt.Sprintf(`
extensions:
  file_storage:
    directory: %s
exporters:
  victoriametrics:
    endpoint: %s
    retry_on_failure:
      initial_interval: 10ms
      max_interval: 50ms
      max_elapsed_time: 0
    sending_queue:
      storage: file_storage
      queue_size: 100000
      sizer: items
`, storage, srv.URL)

	agent := startCollector(t, "agent", exporterCfg+fmt.Sprintf(`
receivers:
  loadgen:
    signals: [metrics]
    rate: 0
    batch_size: 100
    total: %d
service:
  extensions: [file_storage]
  telemetry: {metrics: {level: none}}
  pipelines:
    metrics: {receivers: [loadgen], exporters: [victoriametrics]}
`, total))
	require.Eventually(t, func() bool { return front.refused.Load() > 3 }, 20*time.Second, 10*time.Millisecond)
	time.Sleep(500 * time.Millisecond) // loadgen is done long before: rate 0
	agent.Shutdown()
	require.Eventually(t, func() bool { return agent.GetState() == otelcol.StateClosed }, 30*time.Second, 10*time.Millisecond)
	require.Zero(t, countSamples(t, vm), "nothing may pass while the backend is down")

	front.up.Store(true)
	startCollector(t, "agent-restarted", exporterCfg+fmt.Sprintf(`
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:%d
service:
  extensions: [file_storage]
  telemetry: {metrics: {level: none}}
  pipelines:
    metrics: {receivers: [otlp], exporters: [victoriametrics]}
`, freePort(t)))
	require.Eventually(t, func() bool { return countSamples(t, vm) >= total }, 60*time.Second, 100*time.Millisecond)
	time.Sleep(300 * time.Millisecond)
	require.Equal(t, total, countSamples(t, vm), "every data point once")
}
