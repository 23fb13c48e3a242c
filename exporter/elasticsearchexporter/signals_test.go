package elasticsearchexporter

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/exporter/exportertest"

	"github.com/otelhub/otelhub/exporter/elasticsearchexporter/internal/metadata"
	"github.com/otelhub/otelhub/internal/esfake"
)

// every429 refuses every other document once (the first n received).
func every429(n int) func(int, map[string]any) int {
	return func(i int, _ map[string]any) int {
		if i < n && i%2 == 0 {
			return 429
		}
		return 0
	}
}

// Metric documents refused with 429 are retried as the subset of their
// data points: each series document is stored once.
func TestMetricsRetryOnlyRefusedDocuments(t *testing.T) {
	es := esfake.Start(t, esfake.ShapeOTel)
	es.ItemFault = every429(10)
	ctx := context.Background()
	exp, err := NewFactory().CreateMetrics(ctx, exportertest.NewNopSettings(metadata.Type), testConfig(es.URL))
	require.NoError(t, err)
	require.NoError(t, exp.Start(ctx, componenttest.NewNopHost()))
	defer func() { require.NoError(t, exp.Shutdown(ctx)) }()
	require.NoError(t, exp.ConsumeMetrics(ctx, gauges(20, 3)))
	docs := es.Docs("metrics-")
	require.Len(t, docs, 20, "one document per series, each once")
	seen := map[float64]int{}
	for _, d := range docs {
		m := d["metrics"].(map[string]any)
		assert.Len(t, m, 3, "the three gauges of a series stay together")
		seen[d["attributes"].(map[string]any)["series"].(float64)]++
	}
	assert.Len(t, seen, 20)
	assert.Empty(t, es.Violations())
}

// Span documents refused with 429 are retried with their span; the
// events of spans that arrived are not sent again.
func TestTracesRetryOnlyRefusedSpans(t *testing.T) {
	es := esfake.Start(t, esfake.ShapeOTel)
	// Documents go span, event, span, event...: refusing even positions
	// refuses spans only, whose events arrive the first time.
	es.ItemFault = every429(10)
	ctx := context.Background()
	cfg := testConfig(es.URL)
	exp, err := NewFactory().CreateTraces(ctx, exportertest.NewNopSettings(metadata.Type), cfg)
	require.NoError(t, err)
	require.NoError(t, exp.Start(ctx, componenttest.NewNopHost()))
	defer func() { require.NoError(t, exp.Shutdown(ctx)) }()
	require.NoError(t, exp.ConsumeTraces(ctx, spans(10)))
	assert.Len(t, es.Docs("traces-"), 10, "every span once")
	// The 5 refused spans are resent with their events: those 5 events
	// arrive twice, as the README says for retries without document ids.
	assert.Len(t, es.Docs("logs-"), 15)
	assert.Empty(t, es.Violations())
}
