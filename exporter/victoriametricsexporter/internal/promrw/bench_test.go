package promrw

import (
	"testing"
	"time"

	"github.com/golang/snappy"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/otelhub/otelhub/internal/benchdata"
)

func benchOptions() Options {
	return Options{AddMetricSuffixes: true, TargetInfo: true, ResourceToLabels: []string{"*"}, ExpHistogramMode: ExpHistogramBuckets}
}

// BenchmarkEncode is pdata to remote write bytes (protobuf + snappy), with
// buffers reused as the exporter reuses them.
func BenchmarkEncode(b *testing.B) {
	md := benchdata.Metrics()
	enc := NewEncoder(benchOptions(), NewDeltaState(1000, time.Hour))
	var batch Batch
	var raw, body []byte
	now := time.Now()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		batch.Reset()
		enc.Encode(md, &batch, now)
		raw = batch.Marshal(raw[:0], nil)
		if n := snappy.MaxEncodedLen(len(raw)); cap(body) < n {
			body = make([]byte, n)
		}
		body = snappy.Encode(body[:cap(body)], raw)
	}
	b.ReportMetric(float64(md.DataPointCount())*float64(b.N)/b.Elapsed().Seconds(), "points/s")
	b.SetBytes(int64(len(raw)))
}

func FuzzEncode(f *testing.F) {
	f.Add("metric.name", "s", "key", "value", 1.5, int64(3), uint8(0))
	f.Add("\xff", "{x}/s", "", "\x00", 0.0, int64(-1), uint8(3))
	f.Fuzz(func(t *testing.T, name, unit, key, val string, v float64, n int64, kind uint8) {
		md := pmetric.NewMetrics()
		m := md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty().Metrics().AppendEmpty()
		m.SetName(name)
		m.SetUnit(unit)
		switch kind % 4 {
		case 0:
			dp := m.SetEmptyGauge().DataPoints().AppendEmpty()
			dp.SetDoubleValue(v)
			dp.Attributes().PutStr(key, val)
		case 1:
			s := m.SetEmptySum()
			s.SetAggregationTemporality(pmetric.AggregationTemporalityDelta)
			dp := s.DataPoints().AppendEmpty()
			dp.SetIntValue(n)
			dp.SetTimestamp(pcommon.Timestamp(uint64(n)))
		case 2:
			h := m.SetEmptyHistogram()
			if n%2 != 0 {
				h.SetAggregationTemporality(pmetric.AggregationTemporalityDelta)
			}
			dp := h.DataPoints().AppendEmpty()
			dp.SetStartTimestamp(pcommon.Timestamp(uint64(n) / 2))
			dp.SetTimestamp(pcommon.Timestamp(uint64(n)))
			dp.SetSum(v)
			dp.ExplicitBounds().FromRaw([]float64{v, v * 2})
			dp.BucketCounts().FromRaw([]uint64{uint64(n), 1})
		case 3:
			dp := m.SetEmptyExponentialHistogram().DataPoints().AppendEmpty()
			dp.SetScale(int32(n % 30))
			dp.Positive().SetOffset(int32(n % 1000))
			dp.Positive().BucketCounts().FromRaw([]uint64{1, 2})
			if n%2 != 0 {
				m.ExponentialHistogram().SetAggregationTemporality(pmetric.AggregationTemporalityDelta)
			}
		}
		var b Batch
		enc := NewEncoder(Options{ExpHistogramMode: ExpHistogramVMRange, AddMetricSuffixes: true}, NewDeltaState(10, time.Hour))
		for range 2 { // the second time through a stored delta state
			b.Reset()
			enc.Encode(md, &b, time.Unix(0, 0))
			var wr writeRequestCheck
			if err := wr.check(b.Marshal(nil, nil)); err != nil {
				t.Fatal(err)
			}
			if len(b.PointKeys) != md.DataPointCount() {
				t.Fatalf("%d point keys for %d data points", len(b.PointKeys), md.DataPointCount())
			}
			enc.Settle(nil)
		}
	})
}
