package chcol

import (
	"testing"

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
