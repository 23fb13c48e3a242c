package clickhouseexporter

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/otelhub/otelhub/internal/testserver"
)

// The deduplication token is "a 64-bit xxhash of everything in that
// insert" (README). AggregationTemporality is a stored column of the
// histogram and exponential histogram tables; two batches that differ in
// it alone are different rows and must both be stored (a delta and a
// cumulative histogram of the same name, written by hand).
func TestIntegrationChDBTokenHistogramTemporality(t *testing.T) {
	s := testserver.ChDB(t)
	conn := reader(t, s)
	ctx := context.Background()
	e := metricsExporter(t, chdbConfig(s))

	batch := func(temp pmetric.AggregationTemporality, exp bool) pmetric.Metrics {
		md := pmetric.NewMetrics()
		m := md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty().Metrics().AppendEmpty()
		m.SetName("lat")
		ts := pcommon.NewTimestampFromTime(t0)
		if exp {
			h := m.SetEmptyExponentialHistogram()
			h.SetAggregationTemporality(temp)
			dp := h.DataPoints().AppendEmpty()
			dp.SetTimestamp(ts)
			dp.SetCount(1)
			dp.Positive().BucketCounts().FromRaw([]uint64{1})
			return md
		}
		h := m.SetEmptyHistogram()
		h.SetAggregationTemporality(temp)
		dp := h.DataPoints().AppendEmpty()
		dp.SetTimestamp(ts)
		dp.SetCount(1)
		dp.BucketCounts().FromRaw([]uint64{0, 1})
		dp.ExplicitBounds().FromRaw([]float64{1})
		return md
	}
	for _, tc := range []struct {
		table string
		exp   bool
	}{{"otel_metrics_histogram", false}, {"otel_metrics_exponential_histogram", true}} {
		require.NoError(t, e.ConsumeMetrics(ctx, batch(pmetric.AggregationTemporalityDelta, tc.exp)))
		require.NoError(t, e.ConsumeMetrics(ctx, batch(pmetric.AggregationTemporalityCumulative, tc.exp)))
		// OTLP's enum: 1 delta, 2 cumulative
		assert.Equal(t, uint64(1), count(t, conn, "SELECT count() FROM otel."+tc.table+" WHERE AggregationTemporality = 1"), tc.table)
		assert.Equal(t, uint64(1), count(t, conn, "SELECT count() FROM otel."+tc.table+" WHERE AggregationTemporality = 2"),
			"%s: the cumulative batch was taken for a retry of the delta one", tc.table)
	}
}
