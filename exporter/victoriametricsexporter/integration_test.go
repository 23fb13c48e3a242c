package victoriametricsexporter

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/otelhub/otelhub/exporter/victoriametricsexporter/internal/metadata"
	"github.com/otelhub/otelhub/internal/testserver"
)

// exported is one series as /api/v1/export returns it.
type exported struct {
	Metric     map[string]string `json:"metric"`
	Values     []float64         `json:"values"`
	Timestamps []int64           `json:"timestamps"`
}

// export reads back every raw sample VictoriaMetrics holds for a selector.
func export(t *testing.T, vm *testserver.Server, selector string) map[string]exported {
	t.Helper()
	vm.Flush(t)
	resp, err := http.Get(vm.URL + "/api/v1/export?match[]=" + url.QueryEscape(selector))
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	out := map[string]exported{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var e exported
		require.NoError(t, json.Unmarshal(sc.Bytes(), &e))
		out[seriesKey(e.Metric)] = e
	}
	return out
}

func seriesKey(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s=%s,", k, m[k])
	}
	return b.String()
}

// startExporter creates and starts a metrics exporter; nil queue means
// synchronous sends.
func startMetrics(t *testing.T, cfg *Config) exporter.Metrics {
	t.Helper()
	e, err := NewFactory().CreateMetrics(context.Background(), exportertest.NewNopSettings(metadata.Type), cfg)
	require.NoError(t, err)
	require.NoError(t, e.Start(context.Background(), componenttest.NewNopHost()))
	t.Cleanup(func() { require.NoError(t, e.Shutdown(context.Background())) })
	return e
}

func syncConfig(endpoint string) *Config {
	cfg := createDefaultConfig().(*Config)
	cfg.Endpoint = endpoint
	cfg.QueueConfig.Get().WaitForResult = true // ConsumeMetrics returns once sent
	return cfg
}

func resourceMetrics(md pmetric.Metrics, service string) pmetric.MetricSlice {
	rm := md.ResourceMetrics().AppendEmpty()
	rm.Resource().Attributes().PutStr("service.name", service)
	rm.Resource().Attributes().PutStr("service.instance.id", "i-1")
	rm.Resource().Attributes().PutStr("host.name", "node-7")
	return rm.ScopeMetrics().AppendEmpty().Metrics()
}

func TestIntegrationMetricsArriveInVictoriaMetrics(t *testing.T) {
	for _, compression := range []string{"snappy", "zstd"} {
		t.Run(compression, func(t *testing.T) {
			vm := testserver.VictoriaMetrics(t)
			cfg := syncConfig(vm.URL)
			cfg.RemoteWriteCompression = compression
			cfg.ResourceToLabels = []string{"host.name"}
			exp := startMetrics(t, cfg)
			now := time.Now().Truncate(time.Millisecond)
			at := func(i int) pcommon.Timestamp {
				return pcommon.NewTimestampFromTime(now.Add(time.Duration(i-10) * time.Second))
			}

			// A gauge and a histogram in one request.
			md := pmetric.NewMetrics()
			ms := resourceMetrics(md, "api")
			g := ms.AppendEmpty()
			g.SetName("queue.depth")
			gdp := g.SetEmptyGauge().DataPoints().AppendEmpty()
			gdp.SetTimestamp(at(0))
			gdp.SetDoubleValue(12.5)
			gdp.Attributes().PutStr("queue", "emails")
			h := ms.AppendEmpty()
			h.SetName("http.server.request.duration")
			h.SetUnit("s")
			hh := h.SetEmptyHistogram()
			hh.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
			hdp := hh.DataPoints().AppendEmpty()
			hdp.SetTimestamp(at(0))
			hdp.ExplicitBounds().FromRaw([]float64{0.1, 1})
			hdp.BucketCounts().FromRaw([]uint64{4, 5, 1})
			hdp.SetCount(10)
			hdp.SetSum(3.5)
			require.NoError(t, exp.ConsumeMetrics(context.Background(), md))

			// A delta counter over three requests.
			for i, v := range []int64{5, 3, 10} {
				md := pmetric.NewMetrics()
				s := resourceMetrics(md, "api").AppendEmpty()
				s.SetName("jobs.done")
				sum := s.SetEmptySum()
				sum.SetIsMonotonic(true)
				sum.SetAggregationTemporality(pmetric.AggregationTemporalityDelta)
				dp := sum.DataPoints().AppendEmpty()
				dp.SetStartTimestamp(at(i))
				dp.SetTimestamp(at(i + 1))
				dp.SetIntValue(v)
				require.NoError(t, exp.ConsumeMetrics(context.Background(), md))
			}

			var got map[string]exported
			require.Eventually(t, func() bool {
				got = export(t, vm, `{job="api"}`)
				return len(got) == 8 // the seven below and target_info
			}, 20*time.Second, 100*time.Millisecond)

			base := "host_name=node-7,instance=i-1,job=api,"
			check := func(name, extra string, want []float64, ts []int64) {
				t.Helper()
				e, ok := got["__name__="+name+","+base+extra]
				require.True(t, ok, "missing %s{%s} among %v", name, extra, keys(got))
				assert.Equal(t, want, e.Values, name)
				assert.Equal(t, ts, e.Timestamps, name)
			}
			ms0 := now.Add(-10 * time.Second).UnixMilli()
			check("queue_depth", "queue=emails,", []float64{12.5}, []int64{ms0})
			check("http_server_request_duration_seconds_bucket", "le=0.1,", []float64{4}, []int64{ms0})
			check("http_server_request_duration_seconds_bucket", "le=1,", []float64{9}, []int64{ms0})
			check("http_server_request_duration_seconds_bucket", "le=+Inf,", []float64{10}, []int64{ms0})
			check("http_server_request_duration_seconds_count", "", []float64{10}, []int64{ms0})
			check("http_server_request_duration_seconds_sum", "", []float64{3.5}, []int64{ms0})
			check("jobs_done_total", "", []float64{5, 8, 18}, []int64{ms0 + 1000, ms0 + 2000, ms0 + 3000})
			_, ok := got["__name__=target_info,"+base]
			assert.True(t, ok, "target_info")

			// The query API sees the same: buckets add up to the count.
			assert.Equal(t, "10", instant(t, vm, `max(http_server_request_duration_seconds_bucket{le="+Inf"})`, now))
			assert.Equal(t, "18", instant(t, vm, `max(jobs_done_total)`, now))
		})
	}
}

func keys(m map[string]exported) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// instant runs a /api/v1/query and returns the single result's value.
func instant(t *testing.T, vm *testserver.Server, q string, at time.Time) string {
	t.Helper()
	vm.Flush(t)
	resp, err := http.Get(fmt.Sprintf("%s/api/v1/query?query=%s&time=%d", vm.URL, url.QueryEscape(q), at.Unix()))
	require.NoError(t, err)
	defer resp.Body.Close()
	var r struct {
		Data struct {
			Result []struct {
				Value [2]any `json:"value"`
			} `json:"result"`
		} `json:"data"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&r))
	require.Len(t, r.Data.Result, 1, q)
	return r.Data.Result[0].Value[1].(string)
}

func TestIntegrationLogsArriveInVictoriaLogs(t *testing.T) {
	vl := testserver.VictoriaLogs(t)
	cfg := createDefaultConfig().(*Config)
	cfg.Logs.Endpoint = vl.URL
	cfg.QueueConfig = configoptional.None[exporterhelperQueue]()
	e, err := NewFactory().CreateLogs(context.Background(), exportertest.NewNopSettings(metadata.Type), cfg)
	require.NoError(t, err)
	require.NoError(t, e.Start(context.Background(), componenttest.NewNopHost()))
	t.Cleanup(func() { require.NoError(t, e.Shutdown(context.Background())) })

	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", "auth")
	rl.Resource().Attributes().PutStr("host.name", "node-3")
	now := time.Now()
	for i := range 50 {
		lr := rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
		lr.SetTimestamp(pcommon.NewTimestampFromTime(now.Add(time.Duration(i) * time.Millisecond)))
		lr.SetSeverityText("ERROR")
		lr.Body().SetStr(fmt.Sprintf("login failed for user%d", i))
		lr.Attributes().PutInt("attempt", int64(i))
	}
	require.NoError(t, e.ConsumeLogs(context.Background(), ld))

	var rows []map[string]string
	require.Eventually(t, func() bool {
		rows = logsQuery(t, vl, `service.name:auth`)
		return len(rows) == 50
	}, 20*time.Second, 100*time.Millisecond)
	msgs := map[string]bool{}
	for _, r := range rows {
		msgs[r["_msg"]] = true
		assert.Equal(t, `{host.name="node-3",service.name="auth",severity="ERROR"}`, r["_stream"])
	}
	assert.Len(t, msgs, 50)
	assert.True(t, msgs["login failed for user7"])
}

func logsQuery(t *testing.T, vl *testserver.Server, q string) []map[string]string {
	t.Helper()
	vl.Flush(t)
	resp, err := http.Get(vl.URL + "/select/logsql/query?query=" + url.QueryEscape(q))
	require.NoError(t, err)
	defer resp.Body.Close()
	var out []map[string]string
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		var m map[string]string
		require.NoError(t, json.Unmarshal(sc.Bytes(), &m))
		out = append(out, m)
	}
	return out
}
