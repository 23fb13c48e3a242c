// Package clickhouse compares otelhub's clickhouse exporter with contrib's
// clickhouseexporter v0.165.1 on the same input, in the same run, the two
// sides taking turns: the whole Consume path (pdata to columns, the
// insert body, HTTP), synchronously, each exporter in its own database.
//
// Each benchmark runs its sides against two endpoints:
//   - chdb: ClickHouse 26.7 (chDB behind internal/chdbhttp) stores every
//     row. Its insert work, in another process on the same cores, bounds
//     items/s: there items/s measures the server more than the exporters.
//   - drain: cmd/chsink in front of the same chDB. It answers every
//     INSERT itself after reading and decompressing the whole body, and
//     passes everything else (DDL, DESCRIBE TABLE, pings) to chDB. There
//     items/s measures the exporters.
//
// Both servers run in other processes; their time is not the exporter's.
// Besides wall time, each run reports the CPU time of this process per
// item (cpu-ns/item: the exporter and its driver), and items per second of
// that CPU time (items/cpu-s), which is what an exporter costs a collector.
// Against the drain, wire-B/item is the INSERT bodies as sent,
// data-B/item the same decompressed, and req/op the HTTP requests per
// Consume (INSERTs and the rest). $CH_DRAIN_COMPRESSION (lz4, zstd, gzip)
// sets both sides' compression for the drain runs.
//
// scripts/ch-instructions.sh counts the instructions per item of one side
// against the drain under valgrind (cachegrind): the repeatable CPU figure.
package clickhouse

import (
	"context"
	"os"
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

// rounds: the two sides take turns, so both see the same machine load.
const rounds = 3

func alternate(b *testing.B, f func(b *testing.B, s side)) {
	for range rounds {
		for _, s := range sides {
			b.Run(s.name, func(b *testing.B) { f(b, s) })
		}
	}
}

// compression is "none" against chDB (chdbhttp takes plain bodies); the
// drain takes every compression, from $CH_DRAIN_COMPRESSION (lz4, zstd,
// gzip; the same name for both sides).
func compression(drain bool) string {
	if c := os.Getenv("CH_DRAIN_COMPRESSION"); drain && c != "" {
		return c
	}
	return "none"
}

func oursConfig(url, db, compression string) component.Config {
	cfg := ours.NewFactory().CreateDefaultConfig().(*ours.Config)
	cfg.Endpoint = url
	cfg.Compression = compression
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

func contribConfig(url, db, compression string) component.Config {
	cfg := contrib.NewFactory().CreateDefaultConfig().(*contrib.Config)
	cfg.Endpoint = url
	cfg.Compress = compression
	cfg.Database = db
	cfg.QueueSettings = configoptional.None[exporterhelper.QueueBatchConfig]()
	cfg.BackOffConfig.Enabled = false
	return cfg
}

type side struct {
	name   string
	create exporter.Factory
	config func(url, db, compression string) component.Config
}

var sides = []side{
	{"otelhub", ours.NewFactory(), oursConfig},
	{"contrib", contrib.NewFactory(), contribConfig},
}

// signal is what a benchmark sends: the same pdata every time (neither
// exporter mutates its input; both declare MutatesData false).
type signal struct {
	items   int
	create  func(f exporter.Factory, set exporter.Settings, cfg component.Config) (component.Component, error)
	consume func(c component.Component) error
}

// compare runs both sides against chDB, then against the drain in front
// of the same chDB.
func compare(b *testing.B, sig signal) {
	chdb := testserver.ChDB(b).URL
	b.Run("chdb", func(b *testing.B) {
		alternate(b, func(b *testing.B, s side) { runSide(b, sig, s, chdb, nil) })
	})
	b.Run("drain", func(b *testing.B) {
		sink := startSink(b, chdb)
		alternate(b, func(b *testing.B, s side) { runSide(b, sig, s, sink.URL, sink) })
	})
}

func runSide(b *testing.B, sig signal, s side, url string, sink *drainSink) {
	e, err := sig.create(s.create, exportertest.NewNopSettings(s.create.Type()), s.config(url, s.name, compression(sink != nil)))
	if err != nil {
		b.Fatal(err)
	}
	start(b, e)
	if sink != nil {
		if err := sink.reset(); err != nil {
			b.Fatal(err)
		}
	}
	run(b, sig.items, func() error { return sig.consume(e) })
	if sink != nil {
		reportSink(b, sink, sig.items)
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

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
	b.ReportMetric(float64(items), "items/op") // for scripts/ch-instructions.sh
}

// reportSink reports what the drain saw during the timed loop, and fails
// when it could not read an INSERT body (the exporter would not know).
func reportSink(b *testing.B, sink *drainSink, items int) {
	st, err := sink.stats()
	if err != nil {
		b.Fatal(err)
	}
	if st.Errors > 0 || st.Inserts == 0 {
		b.Fatalf("drain: %d INSERTs read, %d could not be read", st.Inserts, st.Errors)
	}
	b.ReportMetric(float64(st.WireBytes)/float64(items*b.N), "wire-B/item")
	b.ReportMetric(float64(st.DataBytes)/float64(items*b.N), "data-B/item")
	b.ReportMetric(float64(st.Requests)/float64(b.N), "req/op")
}

func start(b *testing.B, c component.Component) {
	if err := c.Start(context.Background(), componenttest.NewNopHost()); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = c.Shutdown(context.Background()) })
}

func BenchmarkLogs(b *testing.B) {
	ld := benchdata.Logs()
	compare(b, signal{
		items: ld.LogRecordCount(),
		create: func(f exporter.Factory, set exporter.Settings, cfg component.Config) (component.Component, error) {
			return f.CreateLogs(context.Background(), set, cfg)
		},
		consume: func(c component.Component) error {
			return c.(exporter.Logs).ConsumeLogs(context.Background(), ld)
		},
	})
}

func BenchmarkTraces(b *testing.B) {
	td := benchdata.Traces()
	compare(b, signal{
		items: td.SpanCount(),
		create: func(f exporter.Factory, set exporter.Settings, cfg component.Config) (component.Component, error) {
			return f.CreateTraces(context.Background(), set, cfg)
		},
		consume: func(c component.Component) error {
			return c.(exporter.Traces).ConsumeTraces(context.Background(), td)
		},
	})
}

func BenchmarkMetrics(b *testing.B) {
	md := benchdata.Metrics()
	compare(b, signal{
		items: md.DataPointCount(),
		create: func(f exporter.Factory, set exporter.Settings, cfg component.Config) (component.Component, error) {
			return f.CreateMetrics(context.Background(), set, cfg)
		},
		consume: func(c component.Component) error {
			return c.(exporter.Metrics).ConsumeMetrics(context.Background(), md)
		},
	})
}
