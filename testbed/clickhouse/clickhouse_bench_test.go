// Package clickhouse compares otelhub's clickhouse exporter with contrib's
// clickhouseexporter v0.165.1 on the same input, into the same server, in
// the same run: the whole Consume path (pdata to columns, the
// clickhouse-go batch, HTTP) into ClickHouse 26.7 (chDB behind
// internal/chdbhttp), synchronously, each exporter in its own database.
//
// The server runs in another process; its time is not the exporter's.
// Besides wall time, each run reports the CPU time of this process per
// item (cpu-ns/item: the exporter and its driver), and items per second of
// that CPU time (items/cpu-s), which is what an exporter costs a collector.
package clickhouse

import (
	"context"
	"syscall"
	"testing"
	"time"

	contrib "github.com/open-telemetry/opentelemetry-collector-contrib/exporter/clickhouseexporter"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/exporter/exportertest"

	ours "github.com/otelhub/otelhub/exporter/clickhouseexporter"
	"github.com/otelhub/otelhub/internal/benchdata"
	"github.com/otelhub/otelhub/internal/testserver"
)

// server is one chDB for both sides of a benchmark.
func server(b *testing.B) string { return testserver.ChDB(b).URL }

// rounds: the two sides take turns, so both see the same machine load.
const rounds = 3

func alternate(b *testing.B, f func(b *testing.B, s side)) {
	for range rounds {
		for _, s := range sides {
			b.Run(s.name, func(b *testing.B) { f(b, s) })
		}
	}
}

func oursConfig(url, db string) component.Config {
	cfg := ours.NewFactory().CreateDefaultConfig().(*ours.Config)
	cfg.Endpoint = url
	cfg.Compression = "none" // chdbhttp takes plain bodies
	cfg.Database = db
	cfg.QueueConfig = configoptional.None[exporterhelper.QueueBatchConfig]()
	cfg.RetryConfig.Enabled = false
	// The same pdata goes in every time, so it has the same deduplication
	// token every time: with the default window the server would skip
	// every insert after the first and do less work than for contrib. The
	// token is still computed and sent; the server stores every insert.
	cfg.DeduplicationWindow = 0
	return cfg
}

func contribConfig(url, db string) component.Config {
	cfg := contrib.NewFactory().CreateDefaultConfig().(*contrib.Config)
	cfg.Endpoint = url
	cfg.Compress = "none"
	cfg.Database = db
	cfg.QueueSettings = configoptional.None[exporterhelper.QueueBatchConfig]()
	cfg.BackOffConfig.Enabled = false
	return cfg
}

type side struct {
	name   string
	create exporter.Factory
	config func(url, db string) component.Config
}

var sides = []side{
	{"otelhub", ours.NewFactory(), oursConfig},
	{"contrib", contrib.NewFactory(), contribConfig},
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Neither exporter mutates its input (both declare MutatesData false), so
// the same pdata is passed every time.

// run times consume b.N times and reports per-item figures.
func run(b *testing.B, items int, consume func() error) {
	b.ReportAllocs()
	cpu0 := cpuTime()
	b.ResetTimer()
	for range b.N {
		if err := consume(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	cpu := cpuTime() - cpu0
	n := float64(items) * float64(b.N)
	b.ReportMetric(n/b.Elapsed().Seconds(), "items/s")
	b.ReportMetric(float64(cpu.Nanoseconds())/n, "cpu-ns/item")
	b.ReportMetric(n/cpu.Seconds(), "items/cpu-s")
}

func start(b *testing.B, c component.Component) {
	if err := c.Start(context.Background(), componenttest.NewNopHost()); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = c.Shutdown(context.Background()) })
}

func BenchmarkLogs(b *testing.B) {
	url := server(b)
	ld := benchdata.Logs()
	alternate(b, func(b *testing.B, s side) {
		e, err := s.create.CreateLogs(context.Background(), exportertest.NewNopSettings(s.create.Type()), s.config(url, s.name))
		if err != nil {
			b.Fatal(err)
		}
		start(b, e)
		run(b, ld.LogRecordCount(), func() error { return e.ConsumeLogs(context.Background(), ld) })
	})
}

func BenchmarkTraces(b *testing.B) {
	url := server(b)
	td := benchdata.Traces()
	alternate(b, func(b *testing.B, s side) {
		e, err := s.create.CreateTraces(context.Background(), exportertest.NewNopSettings(s.create.Type()), s.config(url, s.name))
		if err != nil {
			b.Fatal(err)
		}
		start(b, e)
		run(b, td.SpanCount(), func() error { return e.ConsumeTraces(context.Background(), td) })
	})
}

func BenchmarkMetrics(b *testing.B) {
	url := server(b)
	md := benchdata.Metrics()
	alternate(b, func(b *testing.B, s side) {
		e, err := s.create.CreateMetrics(context.Background(), exportertest.NewNopSettings(s.create.Type()), s.config(url, s.name))
		if err != nil {
			b.Fatal(err)
		}
		start(b, e)
		run(b, md.DataPointCount(), func() error { return e.ConsumeMetrics(context.Background(), md) })
	})
}
