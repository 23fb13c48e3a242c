// Package remotewrite compares otelhub's victoriametrics exporter with
// contrib's prometheusremotewrite exporter on the same input, in the same
// run: the whole ConsumeMetrics path (translate, encode, compress, HTTP)
// against a loopback server that reads and discards the body.
package remotewrite

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	prw "github.com/open-telemetry/opentelemetry-collector-contrib/exporter/prometheusremotewriteexporter"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/pdata/pmetric"

	vm "github.com/otelhub/otelhub/exporter/victoriametricsexporter"
	"github.com/otelhub/otelhub/internal/benchdata"
)

// sink is a remote write server that reads and discards every body.
func sink(b *testing.B) (string, *atomic.Int64) {
	var bytes atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		bytes.Add(n)
		w.WriteHeader(http.StatusNoContent)
	}))
	b.Cleanup(srv.Close)
	return srv.URL, &bytes
}

func otelhubExporter(b *testing.B, url string) exporter.Metrics {
	f := vm.NewFactory()
	cfg := f.CreateDefaultConfig().(*vm.Config)
	cfg.Endpoint = url
	cfg.ResourceToLabels = []string{"*"}
	cfg.QueueConfig = configoptional.None[exporterhelper.QueueBatchConfig]()
	e, err := f.CreateMetrics(context.Background(), exportertest.NewNopSettings(f.Type()), cfg)
	if err != nil {
		b.Fatal(err)
	}
	return e
}

func contribExporter(b *testing.B, url string) exporter.Metrics {
	f := prw.NewFactory()
	cfg := f.CreateDefaultConfig().(*prw.Config)
	cfg.ClientConfig.Endpoint = url + "/api/v1/write"
	cfg.HTTP.Endpoint = url + "/api/v1/write"
	cfg.RemoteWriteQueue.Enabled = false
	cfg.ResourceConstantLabels.Included = []string{"*"}
	e, err := f.CreateMetrics(context.Background(), exportertest.NewNopSettings(f.Type()), cfg)
	if err != nil {
		b.Fatal(err)
	}
	return e
}

func BenchmarkConsumeMetrics(b *testing.B) {
	md := benchdata.Metrics()
	for _, c := range []struct {
		name string
		make func(*testing.B, string) exporter.Metrics
	}{{"otelhub", otelhubExporter}, {"contrib", contribExporter}} {
		b.Run(c.name, func(b *testing.B) {
			url, sent := sink(b)
			e := c.make(b, url)
			ctx := context.Background()
			if err := e.Start(ctx, componenttest.NewNopHost()); err != nil {
				b.Fatal(err)
			}
			defer func() { _ = e.Shutdown(ctx) }()
			b.ReportAllocs()
			b.ResetTimer()
			// Each call gets its own mutable copy: contrib's resource
			// conversion writes into the data it is given.
			for range b.N {
				b.StopTimer()
				fresh := pmetric.NewMetrics()
				md.CopyTo(fresh)
				b.StartTimer()
				if err := e.ConsumeMetrics(ctx, fresh); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			if sent.Load() == 0 {
				b.Fatal("nothing reached the server")
			}
			b.ReportMetric(float64(md.DataPointCount())*float64(b.N)/b.Elapsed().Seconds(), "points/s")
			b.ReportMetric(float64(sent.Load())/float64(b.N), "wire-bytes/op")
		})
	}
}
