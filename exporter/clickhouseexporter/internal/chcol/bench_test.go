package chcol

import (
	"testing"

	"github.com/otelhub/otelhub/exporter/clickhouseexporter/internal/schema"
	"github.com/otelhub/otelhub/internal/benchdata"
)

// The benchmarks fill the column slices from pdata, as one export does,
// reusing them across iterations. records/s is per core (the loop is
// single-threaded).
func BenchmarkLogsFill(b *testing.B) {
	ld := benchdata.Logs()
	var blk Logs
	b.ReportAllocs()
	for b.Loop() {
		blk.Reset()
		blk.Fill(ld)
		_ = blk.Columns()
		_ = blk.Token()
	}
	b.ReportMetric(float64(ld.LogRecordCount())*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

func BenchmarkTracesFill(b *testing.B) {
	td := benchdata.Traces()
	var blk Traces
	b.ReportAllocs()
	for b.Loop() {
		blk.Reset()
		blk.Fill(td)
		_ = blk.Columns()
		_ = blk.Token()
	}
	b.ReportMetric(float64(td.SpanCount())*float64(b.N)/b.Elapsed().Seconds(), "spans/s")
}

func BenchmarkMetricsFill(b *testing.B) {
	md := benchdata.Metrics()
	var blk Metrics
	b.ReportAllocs()
	for b.Loop() {
		blk.Reset()
		blk.Fill(md)
		_ = blk.Gauge.GaugeColumns()
		_ = blk.Sum.SumColumns()
		_ = blk.Token()
	}
	b.ReportMetric(float64(md.DataPointCount())*float64(b.N)/b.Elapsed().Seconds(), "points/s")
}

// The Native benchmarks fill the columns and encode the block, as one
// export over HTTP does: everything but the request itself.
func BenchmarkLogsNative(b *testing.B) {
	ld := benchdata.Logs()
	var blk Logs
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		blk.Reset()
		blk.Fill(ld)
		buf = EncodeNative(buf[:0], schema.Logs, blk.Columns())
		_ = blk.Token()
	}
	b.ReportMetric(float64(len(buf))/float64(ld.LogRecordCount()), "bytes/record")
	b.ReportMetric(float64(ld.LogRecordCount())*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

func BenchmarkTracesNative(b *testing.B) {
	td := benchdata.Traces()
	var blk Traces
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		blk.Reset()
		blk.Fill(td)
		buf = EncodeNative(buf[:0], schema.Traces, blk.Columns())
		_ = blk.Token()
	}
	b.ReportMetric(float64(td.SpanCount())*float64(b.N)/b.Elapsed().Seconds(), "spans/s")
}

func BenchmarkMetricsNative(b *testing.B) {
	md := benchdata.Metrics()
	var blk Metrics
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		blk.Reset()
		blk.Fill(md)
		buf = EncodeNative(buf[:0], schema.Gauge, blk.Gauge.GaugeColumns())
		buf = EncodeNative(buf, schema.Sum, blk.Sum.SumColumns())
		_ = blk.Token()
	}
	b.ReportMetric(float64(md.DataPointCount())*float64(b.N)/b.Elapsed().Seconds(), "points/s")
}
