package chcol

import (
	"testing"

	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelhub/otelhub/exporter/clickhouseexporter/internal/schema"
)

// Any OTLP payload that pdata accepts fills and encodes without a panic,
// and its Native blocks decode (by ch-go) to the driver's values.
func FuzzProtoNative(f *testing.F) {
	// Small seeds: the fuzzer minimizes what it finds, slowly for big inputs.
	md := pmetric.NewMetrics()
	ms := md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty().Metrics()
	ms.AppendEmpty().SetEmptyGauge().DataPoints().AppendEmpty().Exemplars().AppendEmpty().FilteredAttributes().PutStr("k", "v")
	ms.AppendEmpty().SetEmptySum().DataPoints().AppendEmpty()
	ms.AppendEmpty().SetEmptyHistogram().DataPoints().AppendEmpty().BucketCounts().FromRaw([]uint64{1})
	ms.AppendEmpty().SetEmptyExponentialHistogram().DataPoints().AppendEmpty().Positive().BucketCounts().FromRaw([]uint64{1})
	ms.AppendEmpty().SetEmptySummary().DataPoints().AppendEmpty().QuantileValues().AppendEmpty()
	mb, _ := (&pmetric.ProtoMarshaler{}).MarshalMetrics(md)
	f.Add(uint8(0), mb)
	td := ptrace.NewTraces()
	sp := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty()
	sp.Events().AppendEmpty().Attributes().PutStr("k", "v")
	sp.Links().AppendEmpty().TraceState().FromRaw("a=b")
	tb, _ := (&ptrace.ProtoMarshaler{}).MarshalTraces(td)
	f.Add(uint8(1), tb)
	ld := plog.NewLogs()
	ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty().Attributes().PutStr("k", "v")
	lb, _ := (&plog.ProtoMarshaler{}).MarshalLogs(ld)
	f.Add(uint8(2), lb)
	f.Fuzz(func(t *testing.T, kind uint8, raw []byte) {
		switch kind % 3 {
		case 0:
			md, err := (&pmetric.ProtoUnmarshaler{}).UnmarshalMetrics(raw)
			if err != nil {
				return
			}
			var b Metrics
			b.Reset()
			b.Fill(md)
			checkNative(t, schema.Gauge, b.Gauge.GaugeColumns())
			checkNative(t, schema.Sum, b.Sum.SumColumns())
			checkNative(t, schema.Histogram, b.Histogram.Columns())
			checkNative(t, schema.ExpHistogram, b.ExpHistogram.Columns())
			checkNative(t, schema.Summary, b.Summary.Columns())
		case 1:
			td, err := (&ptrace.ProtoUnmarshaler{}).UnmarshalTraces(raw)
			if err != nil {
				return
			}
			var b Traces
			b.Reset()
			b.Fill(td)
			checkNative(t, schema.Traces, b.Columns())
		default:
			ld, err := (&plog.ProtoUnmarshaler{}).UnmarshalLogs(raw)
			if err != nil {
				return
			}
			var b Logs
			b.Reset()
			b.Fill(ld)
			checkNative(t, schema.Logs, b.Columns())
		}
	})
}
