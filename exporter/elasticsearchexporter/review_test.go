package elasticsearchexporter

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelhub/otelhub/exporter/elasticsearchexporter/internal/metadata"
	"github.com/otelhub/otelhub/internal/esfake"
)

// direct starts an exporter of cfg without exporterhelper, so a test sees
// the error and the subset a push returns.
func direct(t *testing.T, cfg *Config) *esExporter {
	t.Helper()
	e, _, err := newExporterFor(exportertest.NewNopSettings(metadata.Type), cfg, "logs")
	require.NoError(t, err)
	require.NoError(t, e.start(context.Background(), componenttest.NewNopHost()))
	t.Cleanup(func() { _ = e.shutdown(context.Background()) })
	return e
}

// faultByAttr answers per document from its attributes.n (otel mode):
// n%5 == 0 → 429, 1 → 400, 2 → 409, 3 → 503, else stored.
func faultByAttr(code func(n int64) int) func(int, map[string]any) int {
	var mu sync.Mutex
	return func(_ int, doc map[string]any) int {
		mu.Lock()
		defer mu.Unlock()
		a, _ := doc["attributes"].(map[string]any)
		if a == nil {
			return 0
		}
		var n int64
		_, _ = fmt.Sscan(fmt.Sprint(a["n"]), &n)
		return code(n)
	}
}

func mixed(n int64) int {
	return [...]int{429, 400, 409, 503, 0}[n%5]
}

// Logs over several resources and scopes, cut by flush::bytes and by 413
// splits, with a mixed answer per document: the subset handed back is
// exactly the 429 and 503 records, with their own resource and scope.
func TestReviewMixedItemsSubsetIsExactlyTheRetryable(t *testing.T) {
	es := esfake.Start(t, esfake.ShapeOTel)
	es.ItemFault = faultByAttr(mixed)
	es.MaxBody = 3000
	cfg := testConfig(es.URL)
	cfg.Flush.Bytes = 5000
	cfg.DocumentIDAttribute = "log.id"
	e := direct(t, cfg)

	ld := plog.NewLogs()
	n := int64(0)
	for r := range 3 {
		rl := ld.ResourceLogs().AppendEmpty()
		rl.Resource().Attributes().PutInt("res", int64(r))
		for s := range 2 {
			sl := rl.ScopeLogs().AppendEmpty()
			sl.Scope().SetName(fmt.Sprint("scope", s))
			for range 7 + r {
				lr := sl.LogRecords().AppendEmpty()
				lr.SetTimestamp(1)
				lr.Body().SetStr(fmt.Sprintf("rec %d %0100d", n, 0))
				lr.Attributes().PutInt("n", n)
				lr.Attributes().PutStr("log.id", fmt.Sprint("id", n))
				n++
			}
		}
	}
	err := e.pushLogs(context.Background(), ld)
	require.Error(t, err)
	assert.False(t, consumererror.IsPermanent(err))
	var le consumererror.Logs
	require.True(t, errors.As(err, &le), "%v", err)
	sub := le.Data()
	var got []string
	for _, rl := range sub.ResourceLogs().All() {
		res, _ := rl.Resource().Attributes().Get("res")
		for _, sl := range rl.ScopeLogs().All() {
			for _, lr := range sl.LogRecords().All() {
				v, _ := lr.Attributes().Get("n")
				got = append(got, fmt.Sprintf("%d/%s/%d", res.Int(), sl.Scope().Name(), v.Int()))
			}
		}
	}
	var want []string
	n = 0
	for _, rl := range ld.ResourceLogs().All() {
		res, _ := rl.Resource().Attributes().Get("res")
		for _, sl := range rl.ScopeLogs().All() {
			for _, lr := range sl.LogRecords().All() {
				v, _ := lr.Attributes().Get("n")
				if c := mixed(v.Int()); c == 429 || c == 503 {
					want = append(want, fmt.Sprintf("%d/%s/%d", res.Int(), sl.Scope().Name(), v.Int()))
				}
			}
		}
	}
	assert.Equal(t, want, got)
	assert.Positive(t, es.TooBig.Load(), "413 splits happened")
	assert.Empty(t, es.Violations())
}

// A span whose event is refused with 429 comes back whole (the span with
// all its events); spans whose documents all arrived do not.
func TestReviewSpanEventRetriedWithItsSpan(t *testing.T) {
	es := esfake.Start(t, esfake.ShapeOTel)
	es.ItemFault = faultByAttr(func(n int64) int {
		if n == 7 {
			return 429
		}
		return 0
	})
	cfg := testConfig(es.URL)
	e := direct(t, cfg)
	td := ptrace.NewTraces()
	ss := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans()
	for i := range 3 {
		sp := ss.AppendEmpty()
		sp.SetName(fmt.Sprint("span", i))
		sp.SetTraceID(pcommon.TraceID{1})
		sp.SetSpanID(pcommon.SpanID{byte(i + 1)})
		for j := range 2 {
			ev := sp.Events().AppendEmpty()
			ev.SetName("ev")
			ev.Attributes().PutInt("n", int64(5+i*2+j)) // span1's second event is n=8, first 7
		}
	}
	err := e.pushTraces(context.Background(), td)
	var te consumererror.Traces
	require.True(t, errors.As(err, &te), "%v", err)
	sub := te.Data()
	require.Equal(t, 1, sub.SpanCount())
	sp := sub.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0)
	assert.Equal(t, "span1", sp.Name())
	assert.Equal(t, 2, sp.Events().Len())
}

// Metric documents group points of several metrics; a refused document
// hands back exactly its points, also when points without a value and
// metrics without a type sit between them.
func TestReviewMetricSubsetAfterDrops(t *testing.T) {
	es := esfake.Start(t, esfake.ShapeOTel)
	es.ItemFault = faultByAttr(func(n int64) int {
		if n == 1 {
			return 429
		}
		return 0
	})
	cfg := testConfig(es.URL)
	e := direct(t, cfg)
	md := pmetric.NewMetrics()
	ms := md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty().Metrics()
	ms.AppendEmpty().SetName("typeless")
	for m := range 3 {
		g := ms.AppendEmpty()
		g.SetName(fmt.Sprint("g", m))
		dps := g.SetEmptyGauge().DataPoints()
		for s := range 3 {
			dp := dps.AppendEmpty()
			dp.SetTimestamp(9)
			dp.Attributes().PutInt("n", int64(s))
			if m == 1 && s == 0 {
				continue // no value: dropped
			}
			dp.SetIntValue(int64(10*m + s))
		}
	}
	err := e.pushMetrics(context.Background(), md)
	var me consumererror.Metrics
	require.True(t, errors.As(err, &me), "%v", err)
	var got []string
	for _, rm := range me.Data().ResourceMetrics().All() {
		for _, sm := range rm.ScopeMetrics().All() {
			for _, m := range sm.Metrics().All() {
				for _, dp := range m.Gauge().DataPoints().All() {
					got = append(got, fmt.Sprint(m.Name(), "=", dp.IntValue()))
				}
			}
		}
	}
	assert.Equal(t, []string{"g0=1", "g1=11", "g2=21"}, got)
}
