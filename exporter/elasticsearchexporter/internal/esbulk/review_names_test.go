package esbulk

import (
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

// Two metrics whose names differ only in invalid UTF-8 bytes are one
// field name once written ("m\ufffd"). README: points sharing timestamp
// and dimensions are one document with one field per metric, a name met
// twice starts a new document, and no key is written twice. Before the
// fix, otel mode wrote "metrics.m\ufffd" twice in the action line's
// dynamic_templates and silently left out the second value.
func TestReviewMetricNamesEqualOnceEscaped(t *testing.T) {
	allModes(t, func(t *testing.T, e *Encoder, b *Batch) {
		md := pmetric.NewMetrics()
		ms := md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty().Metrics()
		for _, name := range []string{"m\xff", "m\xfe"} {
			m := ms.AppendEmpty()
			m.SetName(name)
			dp := m.SetEmptyGauge().DataPoints().AppendEmpty()
			dp.SetTimestamp(5)
			dp.SetIntValue(1)
		}
		e.EncodeMetrics(b, md)
		require.Len(t, b.Docs, 2, "each value in a document of its own: %s", b.Buf)
	})
}
