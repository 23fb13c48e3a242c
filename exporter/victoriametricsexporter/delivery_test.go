package victoriametricsexporter

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang/snappy"
	"github.com/prometheus/prometheus/prompb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/otelhub/otelhub/exporter/victoriametricsexporter/internal/metadata"
	"github.com/otelhub/otelhub/internal/testserver"
)

// These tests drive the exporter through its factory, with exporterhelper's
// queue and retry, against a real VictoriaMetrics behind a faulty front.
// Expected values are computed by hand from the OTel data model (a delta
// stream's cumulative value is the sum of its deltas so far), and checked
// twice: as VictoriaMetrics stores them, and as the front decoded every
// request it forwarded, with Prometheus's own prompb, so that a sample sent
// twice shows even where the server would merge duplicates.

// sample is one decoded remote write sample.
type sample struct {
	ts int64
	v  float64
}

// recorder decodes remote write bodies and keeps their samples by series.
type recorder struct {
	mu  sync.Mutex
	got map[string][]sample
}

// decodeWrite decodes a snappy remote write body with prompb.
func decodeWrite(body []byte) ([]prompb.TimeSeries, error) {
	raw, err := snappy.Decode(nil, body)
	if err != nil {
		return nil, err
	}
	var wr prompb.WriteRequest
	if err := wr.Unmarshal(raw); err != nil {
		return nil, err
	}
	return wr.Timeseries, nil
}

func labelKey(ls []prompb.Label) string {
	parts := make([]string, 0, len(ls))
	for _, l := range ls {
		parts = append(parts, l.Name+"="+l.Value)
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

func (r *recorder) add(tss []prompb.TimeSeries) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.got == nil {
		r.got = map[string][]sample{}
	}
	for _, s := range tss {
		k := labelKey(s.Labels)
		for _, x := range s.Samples {
			r.got[k] = append(r.got[k], sample{x.Timestamp, x.Value})
		}
	}
}

// delivered returns, for each series whose key contains sub, its samples
// sorted by time.
func (r *recorder) delivered(sub string) map[string][]sample {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string][]sample{}
	for k, ss := range r.got {
		if strings.Contains(k, sub) {
			c := append([]sample(nil), ss...)
			sort.SliceStable(c, func(i, j int) bool { return c[i].ts < c[j].ts })
			out[k] = c
		}
	}
	return out
}

// readBody reads a request body and puts it back for the proxy.
func readBody(r *http.Request) []byte {
	b, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(b))
	return b
}

// deliveryConfig is the default config against endpoint with fast retries.
func deliveryConfig(endpoint string) *Config {
	cfg := createDefaultConfig().(*Config)
	cfg.Endpoint = endpoint
	cfg.TargetInfo = false
	cfg.RetryConfig.InitialInterval = 10 * time.Millisecond
	cfg.RetryConfig.MaxInterval = 50 * time.Millisecond
	return cfg
}

// startWithTelemetry starts a metrics exporter whose own telemetry the test
// can read.
func startWithTelemetry(t *testing.T, cfg *Config) (exporter.Metrics, *componenttest.Telemetry) {
	t.Helper()
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	set := exportertest.NewNopSettings(metadata.Type)
	set.TelemetrySettings = tel.NewTelemetrySettings()
	exp, err := NewFactory().CreateMetrics(context.Background(), set, cfg)
	require.NoError(t, err)
	require.NoError(t, exp.Start(context.Background(), componenttest.NewNopHost()))
	t.Cleanup(func() { require.NoError(t, exp.Shutdown(context.Background())) })
	return exp, tel
}

func counterTotal(t *testing.T, tel *componenttest.Telemetry, name string) int64 {
	t.Helper()
	m, err := tel.GetMetric(name)
	if err != nil {
		return 0
	}
	var n int64
	for _, dp := range m.Data.(metricdata.Sum[int64]).DataPoints {
		n += dp.Value
	}
	return n
}

// deltaMetrics appends, for each series n < series, a delta sum "dsum"
// and a delta histogram "dhist" (bounds 1, 10) with one point per step,
// contiguous intervals starting at start. Step k of series n has sum value
// n+k+1 and histogram buckets {k+1, n, 1}.
func deltaMetrics(ms pmetric.MetricSlice, start time.Time, series int, steps []int) {
	sum := ms.AppendEmpty()
	sum.SetName("dsum")
	s := sum.SetEmptySum()
	s.SetIsMonotonic(true)
	s.SetAggregationTemporality(pmetric.AggregationTemporalityDelta)
	hist := ms.AppendEmpty()
	hist.SetName("dhist")
	h := hist.SetEmptyHistogram()
	h.SetAggregationTemporality(pmetric.AggregationTemporalityDelta)
	at := func(k int) pcommon.Timestamp {
		return pcommon.NewTimestampFromTime(start.Add(time.Duration(k) * time.Second))
	}
	for _, k := range steps {
		for n := range series {
			dp := s.DataPoints().AppendEmpty()
			dp.SetStartTimestamp(at(k))
			dp.SetTimestamp(at(k + 1))
			dp.SetIntValue(int64(n + k + 1))
			dp.Attributes().PutInt("n", int64(n))

			hp := h.DataPoints().AppendEmpty()
			hp.SetStartTimestamp(at(k))
			hp.SetTimestamp(at(k + 1))
			hp.ExplicitBounds().FromRaw([]float64{1, 10})
			hp.BucketCounts().FromRaw([]uint64{uint64(k + 1), uint64(n), 1})
			hp.SetCount(uint64(k + 1 + n + 1))
			hp.SetSum(float64(k))
			hp.Attributes().PutInt("n", int64(n))
		}
	}
}

// wantDelta is the cumulative series deltaMetrics produces after steps
// 0..last, keyed by a label fragment, as (timestamp ms, value) pairs.
func wantDelta(start time.Time, n, last int) map[string][]sample {
	out := map[string][]sample{}
	var sum, b0, b1, b2, hsum float64
	for k := 0; k <= last; k++ {
		ts := start.Add(time.Duration(k+1) * time.Second).UnixMilli()
		sum += float64(n + k + 1)
		b0 += float64(k + 1)
		b1 += float64(n)
		b2++
		hsum += float64(k)
		add := func(name string, v float64) { out[name] = append(out[name], sample{ts, v}) }
		add("__name__=dsum_total", sum)
		add("__name__=dhist_bucket,le=1", b0)
		add("__name__=dhist_bucket,le=10", b0+b1)
		add("__name__=dhist_bucket,le=+Inf", b0+b1+b2)
		add("__name__=dhist_count", b0+b1+b2)
		add("__name__=dhist_sum", hsum)
	}
	return out
}

// checkDelta asserts that VictoriaMetrics and the front hold exactly the
// cumulative series of wantDelta for every series n, each sample once.
func checkDelta(t *testing.T, vm *testserver.Server, rec *recorder, start time.Time, series, last int) {
	t.Helper()
	total := series * 6 * (last + 1)
	require.Eventually(t, func() bool {
		n := 0
		for _, e := range export(t, vm, `{__name__=~"dsum_total|dhist_.*"}`) {
			n += len(e.Values)
		}
		return n >= total
	}, 60*time.Second, 50*time.Millisecond, "VictoriaMetrics holds %d samples", total)
	time.Sleep(300 * time.Millisecond) // room for a late duplicate to show
	got := export(t, vm, `{__name__=~"dsum_total|dhist_.*"}`)
	sent := rec.delivered("dsum_total")
	for k, v := range rec.delivered("dhist_") {
		sent[k] = v
	}
	for n := range series {
		for frag, want := range wantDelta(start, n, last) {
			found := 0
			for k, e := range got {
				if !matches(k, frag, n) {
					continue
				}
				found++
				var have []sample
				for i := range e.Values {
					have = append(have, sample{e.Timestamps[i], e.Values[i]})
				}
				assert.Equal(t, want, have, "stored %s", k)
			}
			assert.Equal(t, 1, found, "one stored series %s n=%d", frag, n)
			for k, have := range sent {
				if matchesSent(k, frag, n) {
					assert.Equal(t, want, have, "sent %s", k)
				}
			}
		}
	}
}

// matches reports whether an export key (sorted "name=value," pairs) is
// the series frag of data point n.
func matches(key, frag string, n int) bool {
	for _, p := range strings.Split(frag, ",") {
		if !strings.Contains(","+key, ","+p+",") {
			return false
		}
	}
	hasLE := strings.Contains(key, "le=")
	return strings.Contains(key, fmt.Sprintf(",n=%d,", n)) && hasLE == strings.Contains(frag, "le=")
}

func matchesSent(key, frag string, n int) bool { return matches(key+",", frag, n) }

// Item 1: a batch holds two points of each delta series; the first attempt
// gets a 503 and exporterhelper retries the whole batch. The retry must send
// the same cumulative values, not count the older points again.
func TestIntegrationDeltaSeriesUnderRetryKeepTheirValues(t *testing.T) {
	vm := testserver.VictoriaMetrics(t)
	front, f := newFaultyFront(t, vm.URL, []string{"503"})
	f.rec = &recorder{}
	cfg := deliveryConfig(front)
	cfg.Shards = 1
	exp := startMetrics(t, cfg)

	start := time.Now().Add(-time.Hour).Truncate(time.Second)
	md := pmetric.NewMetrics()
	deltaMetrics(resourceMetrics(md, "delta"), start, 2, []int{0, 1})
	require.NoError(t, exp.ConsumeMetrics(context.Background(), md))
	md = pmetric.NewMetrics()
	deltaMetrics(resourceMetrics(md, "delta"), start, 2, []int{2})
	require.NoError(t, exp.ConsumeMetrics(context.Background(), md))

	checkDelta(t, vm, f.rec, start, 2, 2)
	require.Equal(t, 1, f.faultsUsed())
}

// The fault script of TestIntegrationFaultsLoseNothingAndDuplicateNothing,
// with delta sums and histograms of two points per series per batch over
// four shards that fail independently: every cumulative value is right and
// every sample arrives once.
func TestIntegrationFaultsKeepDeltaTotals(t *testing.T) {
	vm := testserver.VictoriaMetrics(t)
	script := []string{"", "503", "drop", "", "429", "", "slow", "503", "", "drop", "", "", "503", "503", "", "drop"}
	front, f := newFaultyFront(t, vm.URL, script)
	f.rec = &recorder{}
	exp := startMetrics(t, deliveryConfig(front))

	const batches, series = 6, 10
	start := time.Now().Add(-time.Hour).Truncate(time.Second)
	for b := range batches {
		md := pmetric.NewMetrics()
		deltaMetrics(resourceMetrics(md, "delta"), start, series, []int{2 * b, 2*b + 1})
		require.NoError(t, exp.ConsumeMetrics(context.Background(), md))
	}
	checkDelta(t, vm, f.rec, start, series, 2*batches-1)
	require.Equal(t, len(script), f.faultsUsed(), "every scripted fault was met")
}

// Item 2: a dropped delta exponential histogram comes first in the batch;
// one of four shards fails with 503. The retry must carry exactly the
// failed shard's points: each gauge arrives once, with its value.
func TestIntegrationRetrySubsetAfterADroppedPoint(t *testing.T) {
	vm := testserver.VictoriaMetrics(t)
	front, f := newFaultyFront(t, vm.URL, []string{"503"})
	f.rec = &recorder{}
	exp := startMetrics(t, deliveryConfig(front))

	const series = 40
	ts := time.Now().Add(-time.Hour).Truncate(time.Second)
	md := batchAt(series, ts, 0)
	ms := md.ResourceMetrics().At(0).ScopeMetrics().At(0).Metrics()
	eh := pmetric.NewMetric()
	eh.SetName("dropped.exp")
	edh := eh.SetEmptyExponentialHistogram()
	edh.SetAggregationTemporality(pmetric.AggregationTemporalityDelta)
	for range 3 {
		edh.DataPoints().AppendEmpty().SetCount(1)
	}
	// The exponential histogram goes first, so every later point would
	// shift if it left no trace in the point keys.
	gauges := pmetric.NewMetricSlice()
	ms.MoveAndAppendTo(gauges)
	eh.MoveTo(ms.AppendEmpty())
	gauges.MoveAndAppendTo(ms)
	dps := ms.At(1).Gauge().DataPoints()
	for i := range dps.Len() {
		dps.At(i).SetDoubleValue(float64(i))
	}
	require.NoError(t, exp.ConsumeMetrics(context.Background(), md))

	waitForSamples(t, vm, series, series)
	time.Sleep(300 * time.Millisecond)
	require.Equal(t, 1, f.faultsUsed())
	got := export(t, vm, `fault_test`)
	require.Len(t, got, series)
	for k, e := range got {
		n := e.Metric["n"]
		assert.Equal(t, []float64{parseF(t, n)}, e.Values, k)
	}
	for k, ss := range f.rec.delivered("fault_test") {
		assert.Len(t, ss, 1, "sent once: %s", k)
	}
}

func parseF(t *testing.T, s string) float64 {
	var f float64
	_, err := fmt.Sscan(s, &f)
	require.NoError(t, err)
	return f
}

// Item 3: a server that refuses requests of more than 50 series with 413;
// one histogram point has 102 series on its own. Only that point is
// dropped and counted; every other point of the batch arrives.
func TestIntegration413OversizePointDropsOnlyItself(t *testing.T) {
	vm := testserver.VictoriaMetrics(t)
	front, f := newFaultyFront(t, vm.URL, nil)
	f.rec = &recorder{}
	f.maxSeries = 50
	cfg := deliveryConfig(front)
	cfg.Shards = 1
	exp, tel := startWithTelemetry(t, cfg)

	ts := time.Now().Add(-time.Hour).Truncate(time.Second)
	md := pmetric.NewMetrics()
	ms := resourceMetrics(md, "faults")
	big := ms.AppendEmpty()
	big.SetName("big")
	bh := big.SetEmptyHistogram()
	bh.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
	bp := bh.DataPoints().AppendEmpty()
	bp.SetTimestamp(pcommon.NewTimestampFromTime(ts))
	bounds := make([]float64, 100)
	for i := range bounds {
		bounds[i] = float64(i + 1)
	}
	bp.ExplicitBounds().FromRaw(bounds)
	bp.BucketCounts().FromRaw(make([]uint64, 101))
	batchAt(120, ts, 0).ResourceMetrics().At(0).ScopeMetrics().At(0).Metrics().MoveAndAppendTo(ms)
	dps := ms.At(1).Gauge().DataPoints()
	for i := range dps.Len() {
		dps.At(i).SetDoubleValue(float64(i))
	}
	require.NoError(t, exp.ConsumeMetrics(context.Background(), md))

	waitForSamples(t, vm, 120, 120)
	require.Eventually(t, func() bool {
		return counterTotal(t, tel, "otelcol_exporter_victoriametrics_rejected_series") == 102
	}, 10*time.Second, 50*time.Millisecond, "the big point's 102 series are counted as rejected")
	for k, e := range export(t, vm, `fault_test`) {
		assert.Equal(t, []float64{parseF(t, e.Metric["n"])}, e.Values, k)
	}
	assert.Empty(t, export(t, vm, `{__name__=~"big_.*"}`))
	for k, ss := range f.rec.delivered("fault_test") {
		assert.Len(t, ss, 1, "sent once: %s", k)
	}
}

// Item 4: with exemplars on, the two points of a series in one batch are
// separate TimeSeries far apart in the request. A 413 split must keep a
// series' points on one side, so that a 503 on one side never makes the
// retry send again what the other side delivered.
func TestIntegration413SplitNeverResendsDelivered(t *testing.T) {
	vm := testserver.VictoriaMetrics(t)
	front, f := newFaultyFront(t, vm.URL, []string{"", "503"})
	f.rec = &recorder{}
	f.maxSeries = 40
	cfg := deliveryConfig(front)
	cfg.Shards = 1
	cfg.SendExemplars = true
	exp := startMetrics(t, cfg)

	const series = 30
	ts := time.Now().Add(-time.Hour).Truncate(time.Second)
	md := batchAt(series, ts, 1)
	later := batchAt(series, ts.Add(time.Second), 2).ResourceMetrics().At(0).ScopeMetrics().At(0).Metrics().At(0).Gauge().DataPoints()
	later.MoveAndAppendTo(md.ResourceMetrics().At(0).ScopeMetrics().At(0).Metrics().At(0).Gauge().DataPoints())
	require.NoError(t, exp.ConsumeMetrics(context.Background(), md))

	waitForSamples(t, vm, series, 2*series)
	time.Sleep(300 * time.Millisecond)
	require.Equal(t, 2, f.faultsUsed())
	for k, e := range export(t, vm, `fault_test`) {
		assert.Equal(t, []float64{1, 2}, e.Values, k)
	}
	for k, ss := range f.rec.delivered("fault_test") {
		assert.Equal(t, []sample{{ts.UnixMilli(), 1}, {ts.Add(time.Second).UnixMilli(), 2}}, ss, "sent once each: %s", k)
	}
}

// Item 6: one of four shards is refused for good (400), the others arrive.
// The push reports a permanent error (so exporterhelper does not count the
// refused points as sent), wrapped once, and the refused series are counted.
func TestIntegrationPartialRejectionIsReported(t *testing.T) {
	vm := testserver.VictoriaMetrics(t)
	front, f := newFaultyFront(t, vm.URL, []string{"400"})
	f.rec = &recorder{}
	cfg := deliveryConfig(front)
	cfg.QueueConfig.Get().WaitForResult = true
	exp, tel := startWithTelemetry(t, cfg)

	const series = 40
	err := exp.ConsumeMetrics(context.Background(), batchAt(series, time.Now().Add(-time.Hour), 1))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "400")
	assert.Equal(t, 1, strings.Count(err.Error(), "Permanent error"), "wrapped once: %v", err)

	rejected := counterTotal(t, tel, "otelcol_exporter_victoriametrics_rejected_series")
	assert.Positive(t, rejected)
	assert.Less(t, rejected, int64(series))
	require.Eventually(t, func() bool { return len(export(t, vm, `fault_test`)) == series-int(rejected) }, 20*time.Second, 50*time.Millisecond)
	assert.Equal(t, int64(series), counterTotal(t, tel, "otelcol_exporter_send_failed_metric_points"),
		"exporterhelper counts the request as failed, not as sent")
}

// At least once, exactly: when the server stores a request but its answer
// is lost, the retry sends the same samples again, delta totals included,
// and VictoriaMetrics stores both copies (it does not deduplicate unless
// -dedup.minScrapeInterval is set).
func TestIntegrationLostAnswerResendsTheSameValues(t *testing.T) {
	vm := testserver.VictoriaMetrics(t)
	front, f := newFaultyFront(t, vm.URL, []string{"lost"})
	f.rec = &recorder{}
	cfg := deliveryConfig(front)
	cfg.Shards = 1
	exp := startMetrics(t, cfg)

	start := time.Now().Add(-time.Hour).Truncate(time.Second)
	md := pmetric.NewMetrics()
	deltaMetrics(resourceMetrics(md, "delta"), start, 1, []int{0, 1})
	require.NoError(t, exp.ConsumeMetrics(context.Background(), md))

	want := wantDelta(start, 0, 1)["__name__=dsum_total"]
	twice := []sample{want[0], want[0], want[1], want[1]}
	require.Eventually(t, func() bool {
		for _, e := range export(t, vm, `dsum_total`) {
			return len(e.Values) == len(twice)
		}
		return false
	}, 30*time.Second, 50*time.Millisecond)
	for k, e := range export(t, vm, `dsum_total`) {
		var have []sample
		for i := range e.Values {
			have = append(have, sample{e.Timestamps[i], e.Values[i]})
		}
		assert.Equal(t, twice, have, k)
	}
	for k, ss := range f.rec.delivered("dsum_total") {
		assert.Equal(t, twice, ss, k)
	}
}

// In one push, one shard is refused (400), one fails (503) and two arrive.
// The retry carries exactly the failed shard's series: not the refused
// ones, not the delivered ones.
func TestRetryCarriesOnlyTheFailedShard(t *testing.T) {
	var mu sync.Mutex
	var bodies [][]prompb.TimeSeries
	answers := []int{http.StatusBadRequest, http.StatusServiceUnavailable}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tss, err := decodeWrite(readBody(r))
		require.NoError(t, err)
		mu.Lock()
		n := len(bodies)
		bodies = append(bodies, tss)
		mu.Unlock()
		if n < len(answers) {
			w.WriteHeader(answers[n])
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})}
	cfg := deliveryConfig("http://" + listen(t, srv))
	cfg.QueueConfig.Get().WaitForResult = true
	exp := startMetrics(t, cfg)

	require.NoError(t, exp.ConsumeMetrics(context.Background(), batchAt(40, time.Now(), 1)))
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, bodies, 5, "four shards, then the retry of one")
	keys := func(tss []prompb.TimeSeries) []string {
		var out []string
		for _, s := range tss {
			out = append(out, labelKey(s.Labels))
		}
		sort.Strings(out)
		return out
	}
	assert.Equal(t, keys(bodies[1]), keys(bodies[4]), "the retry is the 503'd shard")
	seen := map[string]int{}
	for _, b := range bodies {
		for _, k := range keys(b) {
			seen[k]++
		}
	}
	assert.Len(t, seen, 40)
}
