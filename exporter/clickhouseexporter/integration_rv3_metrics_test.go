package clickhouseexporter

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/otelhub/otelhub/internal/testserver"
)

// loseAnswers is an HTTP front for chDB that, while lose is set, passes
// inserts into one table to the server (they are stored) and answers 502
// instead of the server's answer: the answer is lost.
func loseAnswers(t *testing.T, target, table string, lose *atomic.Bool) string {
	u, err := url.Parse(target)
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(u)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if lose.Load() && strings.Contains(r.URL.Query().Get("query"), table) {
			rec := httptest.NewRecorder()
			proxy.ServeHTTP(rec, r)
			http.Error(w, "bad gateway", http.StatusBadGateway)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	return front.URL
}

// partialMetrics: one series with three points (same metric, same
// attributes, different times) in the gauge table, two resources with
// sums, one histogram.
func partialMetrics() pmetric.Metrics {
	md := pmetric.NewMetrics()
	r1 := md.ResourceMetrics().AppendEmpty()
	r1.Resource().Attributes().PutStr("service.name", "svc-a")
	ms := r1.ScopeMetrics().AppendEmpty().Metrics()
	g := ms.AppendEmpty()
	g.SetName("temp")
	gps := g.SetEmptyGauge().DataPoints()
	for i, v := range []float64{1.5, 2.5, 3.5} {
		dp := gps.AppendEmpty()
		dp.Attributes().PutStr("room", "kitchen")
		dp.SetTimestamp(pcommon.NewTimestampFromTime(t0.Add(time.Duration(i) * time.Second)))
		dp.SetDoubleValue(v)
	}
	s := ms.AppendEmpty()
	s.SetName("reqs")
	sp := s.SetEmptySum().DataPoints().AppendEmpty()
	sp.SetTimestamp(pcommon.NewTimestampFromTime(t0))
	sp.SetIntValue(7)
	h := ms.AppendEmpty()
	h.SetName("lat")
	hp := h.SetEmptyHistogram().DataPoints().AppendEmpty()
	hp.SetTimestamp(pcommon.NewTimestampFromTime(t0))
	hp.SetCount(1)
	hp.BucketCounts().FromRaw([]uint64{0, 1})
	hp.ExplicitBounds().FromRaw([]float64{1})

	r2 := md.ResourceMetrics().AppendEmpty()
	r2.Resource().Attributes().PutStr("service.name", "svc-b")
	s2 := r2.ScopeMetrics().AppendEmpty().Metrics().AppendEmpty()
	s2.SetName("reqs")
	sp2 := s2.SetEmptySum().DataPoints().AppendEmpty()
	sp2.SetTimestamp(pcommon.NewTimestampFromTime(t0))
	sp2.SetIntValue(9)
	return md
}

// README "Partial failures" and "Retried inserts are written once": the
// histogram table refuses for good (a column dropped), the sum insert is
// stored but its answer is lost. The push must return a retryable
// consumererror.Metrics holding only the sums; the gauges are stored
// once, with every point of the one series; retrying the returned data
// (twice) stores nothing again.
func TestIntegrationChDBMetricsPartialFailureLostAnswer(t *testing.T) {
	s := testserver.ChDB(t)
	conn := reader(t, s)
	ctx := context.Background()
	var lose atomic.Bool
	cfg := chdbConfig(s)
	cfg.Endpoint = loseAnswers(t, s.URL, "otel_metrics_sum", &lose)
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { _ = tel.Shutdown(ctx) })
	set := exportertest.NewNopSettings(NewFactory().Type())
	set.TelemetrySettings = tel.NewTelemetrySettings()
	e, err := NewFactory().CreateMetrics(ctx, set, cfg)
	require.NoError(t, err)
	require.NoError(t, e.Start(ctx, componenttest.NewNopHost()))
	t.Cleanup(func() { _ = e.Shutdown(ctx) })
	require.NoError(t, conn.Exec(ctx, "ALTER TABLE otel.otel_metrics_histogram DROP COLUMN BucketCounts"))

	lose.Store(true)
	err = e.ConsumeMetrics(ctx, partialMetrics())
	require.Error(t, err)
	require.False(t, consumererror.IsPermanent(err), "%v", err)
	var me consumererror.Metrics
	require.True(t, errors.As(err, &me), "%T %v", err, err)
	left := me.Data()
	require.Equal(t, 2, left.DataPointCount(), "only the two sum points go back")
	require.Equal(t, uint64(2), count(t, conn, "SELECT count() FROM otel.otel_metrics_sum"), "the front stores the sums")

	lose.Store(false)
	require.NoError(t, e.ConsumeMetrics(ctx, left))
	require.NoError(t, e.ConsumeMetrics(ctx, left))

	require.Equal(t, uint64(2), count(t, conn, "SELECT count() FROM otel.otel_metrics_sum"), "a retried sum insert was stored again")
	require.Equal(t, uint64(0), count(t, conn, "SELECT count() FROM otel.otel_metrics_histogram"))
	require.Equal(t, int64(1), rejectedRows(t, tel, "no_such_column_in_table"), "the histogram point is counted once, not retried")
	require.Equal(t, uint64(3), count(t, conn, "SELECT count() FROM otel.otel_metrics_gauge"))
	require.Equal(t, uint64(1), count(t, conn, "SELECT count() FROM otel.otel_metrics_sum WHERE ResourceAttributes['service.name'] = 'svc-a' AND Value = 7"))
	require.Equal(t, uint64(1), count(t, conn, "SELECT count() FROM otel.otel_metrics_sum WHERE ResourceAttributes['service.name'] = 'svc-b' AND Value = 9"))
	for i, v := range []float64{1.5, 2.5, 3.5} {
		ts := t0.Add(time.Duration(i) * time.Second).UnixNano()
		q := "SELECT count() FROM otel.otel_metrics_gauge WHERE MetricName = 'temp' AND Attributes['room'] = 'kitchen' AND ServiceName = 'svc-a' AND toUnixTimestamp64Nano(TimeUnix) = " +
			strconv.FormatInt(ts, 10) + " AND Value = " + ftext(v)
		require.Equal(t, uint64(1), count(t, conn, q), "point %d", i)
	}
}
