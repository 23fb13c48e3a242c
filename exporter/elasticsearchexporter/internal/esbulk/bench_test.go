package esbulk

import (
	"testing"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelhub/otelhub/internal/benchdata"
)

// One core, pdata to bulk bytes (action and source lines), reused buffer.
// The goal is >= 300k log documents/s; see the README for figures.
func BenchmarkEncodeLogs(b *testing.B) {
	for _, mode := range []string{ModeOTel, ModeECS, ModeRaw} {
		b.Run(mode, func(b *testing.B) {
			ld := benchdata.Logs()
			enc := NewEncoder(Options{Mode: mode, IDAttribute: "log.id"})
			var batch Batch
			enc.EncodeLogs(&batch, ld, 0)
			b.SetBytes(int64(len(batch.Buf)))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				batch.Reset()
				enc.EncodeLogs(&batch, ld, pcommon.Timestamp(1))
			}
			b.ReportMetric(float64(b.N)*float64(ld.LogRecordCount())/b.Elapsed().Seconds(), "docs/s")
		})
	}
}

func BenchmarkEncodeMetrics(b *testing.B) {
	md := benchdata.Metrics()
	enc := NewEncoder(Options{})
	var batch Batch
	enc.EncodeMetrics(&batch, md)
	b.SetBytes(int64(len(batch.Buf)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		batch.Reset()
		enc.EncodeMetrics(&batch, md)
	}
	b.ReportMetric(float64(b.N)*float64(md.DataPointCount())/b.Elapsed().Seconds(), "points/s")
}
