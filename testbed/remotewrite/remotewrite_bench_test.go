// Package remotewrite compares otelhub's victoriametrics exporter with
// contrib's prometheusremotewrite exporter on the same input, in the same
// run: the whole ConsumeMetrics path (translate, encode, compress, HTTP)
// against a loopback server that decodes every body and counts what it
// received.
package remotewrite

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/golang/snappy"
	"github.com/prometheus/prometheus/prompb"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/otelhub/otelhub/internal/benchdata"
)

// received counts what a sink decoded.
type received struct {
	mu                                       sync.Mutex
	bytes, series, samples, exemplars, hists int64
	errs                                     int64
}

// sink is a remote write server that decodes every body (snappy, then
// Prometheus's prompb) and counts its series, samples and exemplars.
func sink(b *testing.B) (string, *received) {
	var got received
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		var raw []byte
		if err == nil {
			raw, err = snappy.Decode(nil, body)
		}
		var wr prompb.WriteRequest
		if err == nil {
			err = wr.Unmarshal(raw)
		}
		got.mu.Lock()
		defer got.mu.Unlock()
		if err != nil {
			got.errs++
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		got.bytes += int64(len(body))
		for _, ts := range wr.Timeseries {
			got.series++
			got.samples += int64(len(ts.Samples))
			got.exemplars += int64(len(ts.Exemplars))
			got.hists += int64(len(ts.Histograms))
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	b.Cleanup(srv.Close)
	return srv.URL, &got
}

// mixed is 10 resources (8 attributes each) with, per resource, 4
// cumulative histograms (10 bounds, one exemplar per point), 3 delta sums
// and 3 cumulative counters with one exemplar per point; each metric has
// 10 series of 10 points: 10,000 data points in all.
func mixed() pmetric.Metrics {
	md := benchdata.Metrics()
	start := time.Now().Add(-time.Hour)
	bounds := []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}
	for _, rm := range md.ResourceMetrics().All() {
		ms := rm.ScopeMetrics().At(0).Metrics()
		ms.RemoveIf(func(pmetric.Metric) bool { return true })
		for m := range 10 {
			mt := ms.AppendEmpty()
			mt.SetName(fmt.Sprintf("app.op.%d", m))
			switch {
			case m < 4:
				mt.SetUnit("s")
				h := mt.SetEmptyHistogram()
				h.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
				for s := range 10 {
					for p := range 10 {
						dp := h.DataPoints().AppendEmpty()
						setPoint(dp.Attributes(), dp.SetStartTimestamp, dp.SetTimestamp, start, s, p)
						dp.ExplicitBounds().FromRaw(bounds)
						counts := make([]uint64, len(bounds)+1)
						for i := range counts {
							counts[i] = uint64(s + p + i)
							dp.SetCount(dp.Count() + counts[i])
						}
						dp.BucketCounts().FromRaw(counts)
						dp.SetSum(float64(dp.Count()) * 0.3)
						addExemplar(dp.Exemplars(), start, p, 0.3)
					}
				}
			default:
				mt.SetUnit("{request}")
				sum := mt.SetEmptySum()
				sum.SetIsMonotonic(true)
				delta := m < 7
				sum.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
				if delta {
					sum.SetAggregationTemporality(pmetric.AggregationTemporalityDelta)
				}
				for s := range 10 {
					for p := range 10 {
						dp := sum.DataPoints().AppendEmpty()
						setPoint(dp.Attributes(), dp.SetStartTimestamp, dp.SetTimestamp, start, s, p)
						dp.SetIntValue(int64(s*p + 1))
						if !delta {
							addExemplar(dp.Exemplars(), start, p, 1)
						}
					}
				}
			}
		}
	}
	return md
}

func setPoint(a pcommon.Map, setStart, setTs func(pcommon.Timestamp), start time.Time, s, p int) {
	setStart(pcommon.NewTimestampFromTime(start.Add(time.Duration(p-1) * 10 * time.Second)))
	setTs(pcommon.NewTimestampFromTime(start.Add(time.Duration(p) * 10 * time.Second)))
	a.PutStr("http.route", fmt.Sprintf("/api/v1/items/%d", s))
	a.PutStr("http.request.method", "GET")
	a.PutInt("http.response.status_code", 200)
}

func addExemplar(xs pmetric.ExemplarSlice, start time.Time, p int, v float64) {
	x := xs.AppendEmpty()
	x.SetTimestamp(pcommon.NewTimestampFromTime(start.Add(time.Duration(p) * 10 * time.Second)))
	x.SetDoubleValue(v)
	x.SetTraceID(pcommon.TraceID{byte(p), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15})
	x.SetSpanID(pcommon.SpanID{byte(p), 1, 2, 3, 4, 5, 6, 7})
}

// shift moves every sum point d later, so that each call carries new delta
// points rather than repeats of points already accumulated.
func shift(md pmetric.Metrics, d time.Duration) {
	for _, rm := range md.ResourceMetrics().All() {
		for _, sm := range rm.ScopeMetrics().All() {
			for _, m := range sm.Metrics().All() {
				if m.Type() != pmetric.MetricTypeSum {
					continue
				}
				for _, dp := range m.Sum().DataPoints().All() {
					dp.SetStartTimestamp(dp.StartTimestamp() + pcommon.Timestamp(d))
					dp.SetTimestamp(dp.Timestamp() + pcommon.Timestamp(d))
				}
			}
		}
	}
}

func BenchmarkConsumeMetrics(b *testing.B) {
	for _, in := range []struct {
		name string
		md   pmetric.Metrics
	}{{"gauges+counters", benchdata.Metrics()}, {"histograms+delta+exemplars", mixed()}} {
		for _, c := range []struct {
			name string
			make func(testing.TB, string, options) exporter.Metrics
		}{{"otelhub", otelhubFor}, {"contrib", contribFor}} {
			b.Run(in.name+"/"+c.name, func(b *testing.B) {
				run(b, in.md, func(url string) exporter.Metrics {
					// Every resource attribute becomes a label; otelhub
					// sends exemplars, as contrib always does.
					return c.make(b, url, options{resourceToLabels: []string{"*"}})
				})
			})
		}
	}
}

func run(b *testing.B, md pmetric.Metrics, newExporter func(url string) exporter.Metrics) {
	url, got := sink(b)
	e := newExporter(url)
	ctx := context.Background()
	if err := e.Start(ctx, componenttest.NewNopHost()); err != nil {
		b.Fatal(err)
	}
	defer func() { _ = e.Shutdown(ctx) }()
	b.ReportAllocs()
	b.ResetTimer()
	// Each call gets its own mutable copy: contrib's resource conversion
	// writes into the data it is given.
	for i := range b.N {
		b.StopTimer()
		fresh := pmetric.NewMetrics()
		md.CopyTo(fresh)
		shift(fresh, time.Duration(i)*200*time.Second)
		b.StartTimer()
		if err := e.ConsumeMetrics(ctx, fresh); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	got.mu.Lock()
	defer got.mu.Unlock()
	if got.errs > 0 || got.samples == 0 {
		b.Fatalf("the sink decoded %d samples, refused %d bodies", got.samples, got.errs)
	}
	n := float64(b.N)
	b.ReportMetric(float64(md.DataPointCount())*n/b.Elapsed().Seconds(), "points/s")
	b.ReportMetric(float64(got.bytes)/n, "wire-bytes/op")
	b.ReportMetric(float64(got.series)/n, "series/op")
	b.ReportMetric(float64(got.samples)/n, "samples/op")
	b.ReportMetric(float64(got.exemplars)/n, "exemplars/op")
}
