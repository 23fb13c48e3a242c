package clickhouseexporter

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelhub/otelhub/internal/testserver"
)

// testLogs: two resources; values of every attribute type; one record
// with only an observed time; one with a non-string body.
func testLogs() plog.Logs {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.SetSchemaUrl("https://opentelemetry.io/schemas/1.43.0")
	rl.Resource().Attributes().PutStr("service.name", "checkout")
	rl.Resource().Attributes().PutStr("host.name", "node-1")
	sl := rl.ScopeLogs().AppendEmpty()
	sl.Scope().SetName("app/logger")
	sl.Scope().SetVersion("2.1")
	sl.Scope().Attributes().PutStr("scope.kind", "lib")
	r := sl.LogRecords().AppendEmpty()
	r.SetTimestamp(pcommon.NewTimestampFromTime(t0))
	r.SetSeverityNumber(plog.SeverityNumberError)
	r.SetSeverityText("ERROR")
	r.SetTraceID(pcommon.TraceID{0x5b, 0x8e, 0xff, 0xf7, 0x98, 0x03, 0x81, 0x03, 0xd2, 0x69, 0xb6, 0x33, 0x81, 0x3f, 0xc6, 0x0c})
	r.SetSpanID(pcommon.SpanID{0xee, 0xe1, 0x9b, 0x7e, 0xc3, 0xc1, 0xb1, 0x74})
	r.SetFlags(plog.DefaultLogRecordFlags.WithIsSampled(true))
	r.SetEventName("payment.failed")
	r.Body().SetStr("card declined: insufficient funds")
	r.Attributes().PutStr("user.id", "u-42")
	r.Attributes().PutInt("retry", 3)
	r.Attributes().PutBool("final", true)
	r.Attributes().PutDouble("amount", 12.5)
	r2 := sl.LogRecords().AppendEmpty()
	r2.SetObservedTimestamp(pcommon.NewTimestampFromTime(t0.Add(time.Second)))
	r2.SetSeverityNumber(plog.SeverityNumberInfo)
	r2.SetSeverityText("INFO")
	r2.Body().SetInt(7)

	rl2 := ld.ResourceLogs().AppendEmpty()
	rl2.Resource().Attributes().PutStr("service.name", "cart")
	r3 := rl2.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	r3.SetTimestamp(pcommon.NewTimestampFromTime(t0.Add(2 * time.Second)))
	r3.Body().SetStr("added item")
	return ld
}

type logRow struct {
	Timestamp      time.Time         `ch:"Timestamp"`
	TraceID        string            `ch:"TraceId"`
	SpanID         string            `ch:"SpanId"`
	TraceFlags     uint8             `ch:"TraceFlags"`
	SeverityText   string            `ch:"SeverityText"`
	SeverityNumber uint8             `ch:"SeverityNumber"`
	ServiceName    string            `ch:"ServiceName"`
	Body           string            `ch:"Body"`
	ResourceSchema string            `ch:"ResourceSchemaUrl"`
	ResourceAttrs  map[string]string `ch:"ResourceAttributes"`
	ScopeName      string            `ch:"ScopeName"`
	ScopeVersion   string            `ch:"ScopeVersion"`
	ScopeAttrs     map[string]string `ch:"ScopeAttributes"`
	LogAttrs       map[string]string `ch:"LogAttributes"`
	EventName      string            `ch:"EventName"`
}

func TestIntegrationChDBLogs(t *testing.T) {
	s := testserver.ChDB(t)
	e := logsExporter(t, chdbConfig(s))
	require.NoError(t, e.ConsumeLogs(context.Background(), testLogs()))

	conn := reader(t, s)
	var rows []logRow
	require.NoError(t, conn.Select(context.Background(), &rows, `SELECT Timestamp, TraceId, SpanId, TraceFlags,
		SeverityText, SeverityNumber, ServiceName, Body, ResourceSchemaUrl, ResourceAttributes, ScopeName,
		ScopeVersion, ScopeAttributes, LogAttributes, EventName FROM otel.otel_logs ORDER BY Timestamp`))
	require.Len(t, rows, 3)
	for i := range rows {
		rows[i].Timestamp = rows[i].Timestamp.UTC()
	}
	// Expected values written from the input above, by hand.
	want := []logRow{{
		Timestamp: t0, TraceID: "5b8efff798038103d269b633813fc60c", SpanID: "eee19b7ec3c1b174", TraceFlags: 1,
		SeverityText: "ERROR", SeverityNumber: 17, ServiceName: "checkout", Body: "card declined: insufficient funds",
		ResourceSchema: "https://opentelemetry.io/schemas/1.43.0",
		ResourceAttrs:  map[string]string{"service.name": "checkout", "host.name": "node-1"},
		ScopeName:      "app/logger", ScopeVersion: "2.1", ScopeAttrs: map[string]string{"scope.kind": "lib"},
		LogAttrs:  map[string]string{"user.id": "u-42", "retry": "3", "final": "true", "amount": "12.5"},
		EventName: "payment.failed",
	}, {
		Timestamp: t0.Add(time.Second), SeverityText: "INFO", SeverityNumber: 9, ServiceName: "checkout", Body: "7",
		ResourceSchema: "https://opentelemetry.io/schemas/1.43.0",
		ResourceAttrs:  map[string]string{"service.name": "checkout", "host.name": "node-1"},
		ScopeName:      "app/logger", ScopeVersion: "2.1", ScopeAttrs: map[string]string{"scope.kind": "lib"},
		LogAttrs: map[string]string{},
	}, {
		Timestamp: t0.Add(2 * time.Second), ServiceName: "cart", Body: "added item",
		ResourceAttrs: map[string]string{"service.name": "cart"}, ScopeAttrs: map[string]string{}, LogAttrs: map[string]string{},
	}}
	assert.Equal(t, want, rows)

	// The query Grafana's ClickHouse data source builds for a logs panel
	// filtered on level, with its column aliases.
	var got []struct {
		Timestamp time.Time         `ch:"timestamp"`
		Body      string            `ch:"body"`
		Level     string            `ch:"level"`
		Labels    map[string]string `ch:"labels"`
		TraceID   string            `ch:"traceID"`
	}
	require.NoError(t, conn.Select(context.Background(), &got, `SELECT Timestamp as "timestamp", Body as "body",
		SeverityText as "level", LogAttributes as "labels", TraceId as "traceID" FROM "otel"."otel_logs"
		WHERE ( timestamp >= fromUnixTimestamp64Milli(1767322800000) AND timestamp <= fromUnixTimestamp64Milli(1767330000000) )
		AND ( level = 'ERROR' ) ORDER BY timestamp DESC LIMIT 1000`))
	require.Len(t, got, 1)
	assert.Equal(t, "card declined: insufficient funds", got[0].Body)
	assert.Equal(t, "5b8efff798038103d269b633813fc60c", got[0].TraceID)
	// The tokenbf body index and the trace id bloom filter answer searches.
	assert.Equal(t, uint64(1), count(t, conn, `SELECT count() FROM otel.otel_logs WHERE hasToken(Body, 'declined')`))
	assert.Equal(t, uint64(1), count(t, conn, `SELECT count() FROM otel.otel_logs WHERE TraceId = '5b8efff798038103d269b633813fc60c'`))
}

func testTraces() ptrace.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", "checkout")
	ss := rs.ScopeSpans().AppendEmpty()
	ss.Scope().SetName("app/tracer")
	ss.Scope().SetVersion("1.0")
	tid := pcommon.TraceID{0x5b, 0x8e, 0xff, 0xf7, 0x98, 0x03, 0x81, 0x03, 0xd2, 0x69, 0xb6, 0x33, 0x81, 0x3f, 0xc6, 0x0c}
	root := ss.Spans().AppendEmpty()
	root.SetTraceID(tid)
	root.SetSpanID(pcommon.SpanID{1, 2, 3, 4, 5, 6, 7, 8})
	root.SetName("POST /pay")
	root.SetKind(ptrace.SpanKindServer)
	root.SetStartTimestamp(pcommon.NewTimestampFromTime(t0))
	root.SetEndTimestamp(pcommon.NewTimestampFromTime(t0.Add(250 * time.Millisecond)))
	root.Status().SetCode(ptrace.StatusCodeError)
	root.Status().SetMessage("declined")
	root.TraceState().FromRaw("vendor=1")
	root.Attributes().PutStr("http.request.method", "POST")
	root.Attributes().PutInt("http.response.status_code", 402)
	ev := root.Events().AppendEmpty()
	ev.SetName("exception")
	ev.SetTimestamp(pcommon.NewTimestampFromTime(t0.Add(200 * time.Millisecond)))
	ev.Attributes().PutStr("exception.type", "Declined")
	ln := root.Links().AppendEmpty()
	ln.SetTraceID(pcommon.TraceID{0xaa, 15: 0xbb})
	ln.SetSpanID(pcommon.SpanID{0xcc, 7: 0xdd})
	ln.TraceState().FromRaw("k=v")
	ln.Attributes().PutStr("link.kind", "follows")
	child := ss.Spans().AppendEmpty()
	child.SetTraceID(tid)
	child.SetSpanID(pcommon.SpanID{9, 9, 9, 9, 9, 9, 9, 9})
	child.SetParentSpanID(root.SpanID())
	child.SetName("SELECT payments")
	child.SetKind(ptrace.SpanKindClient)
	child.SetStartTimestamp(pcommon.NewTimestampFromTime(t0.Add(10 * time.Millisecond)))
	child.SetEndTimestamp(pcommon.NewTimestampFromTime(t0.Add(60 * time.Millisecond)))
	return td
}

func TestIntegrationChDBTraces(t *testing.T) {
	s := testserver.ChDB(t)
	e := tracesExporter(t, chdbConfig(s))
	require.NoError(t, e.ConsumeTraces(context.Background(), testTraces()))
	conn := reader(t, s)
	ctx := context.Background()

	type spanRow struct {
		Timestamp     time.Time           `ch:"Timestamp"`
		TraceID       string              `ch:"TraceId"`
		SpanID        string              `ch:"SpanId"`
		ParentSpanID  string              `ch:"ParentSpanId"`
		TraceState    string              `ch:"TraceState"`
		SpanName      string              `ch:"SpanName"`
		SpanKind      string              `ch:"SpanKind"`
		ServiceName   string              `ch:"ServiceName"`
		ScopeName     string              `ch:"ScopeName"`
		ScopeVersion  string              `ch:"ScopeVersion"`
		SpanAttrs     map[string]string   `ch:"SpanAttributes"`
		Duration      uint64              `ch:"Duration"`
		StatusCode    string              `ch:"StatusCode"`
		StatusMessage string              `ch:"StatusMessage"`
		EventTimes    []time.Time         `ch:"Events.Timestamp"`
		EventNames    []string            `ch:"Events.Name"`
		EventAttrs    []map[string]string `ch:"Events.Attributes"`
		LinkTraceIDs  []string            `ch:"Links.TraceId"`
		LinkSpanIDs   []string            `ch:"Links.SpanId"`
		LinkStates    []string            `ch:"Links.TraceState"`
		LinkAttrs     []map[string]string `ch:"Links.Attributes"`
	}
	var rows []spanRow
	require.NoError(t, conn.Select(ctx, &rows, `SELECT Timestamp, TraceId, SpanId, ParentSpanId, TraceState, SpanName,
		SpanKind, ServiceName, ScopeName, ScopeVersion, SpanAttributes, Duration, StatusCode, StatusMessage,
		Events.Timestamp, Events.Name, Events.Attributes, Links.TraceId, Links.SpanId, Links.TraceState,
		Links.Attributes FROM otel.otel_traces ORDER BY Timestamp`))
	require.Len(t, rows, 2)
	r := rows[0]
	assert.Equal(t, t0, r.Timestamp.UTC())
	assert.Equal(t, "5b8efff798038103d269b633813fc60c", r.TraceID)
	assert.Equal(t, "0102030405060708", r.SpanID)
	assert.Equal(t, "", r.ParentSpanID)
	assert.Equal(t, "vendor=1", r.TraceState)
	assert.Equal(t, "POST /pay", r.SpanName)
	assert.Equal(t, "Server", r.SpanKind)
	assert.Equal(t, "checkout", r.ServiceName)
	assert.Equal(t, "app/tracer", r.ScopeName)
	assert.Equal(t, "1.0", r.ScopeVersion)
	assert.Equal(t, map[string]string{"http.request.method": "POST", "http.response.status_code": "402"}, r.SpanAttrs)
	assert.Equal(t, uint64(250_000_000), r.Duration)
	assert.Equal(t, "Error", r.StatusCode)
	assert.Equal(t, "declined", r.StatusMessage)
	require.Len(t, r.EventTimes, 1)
	assert.Equal(t, t0.Add(200*time.Millisecond), r.EventTimes[0].UTC())
	assert.Equal(t, []string{"exception"}, r.EventNames)
	assert.Equal(t, []map[string]string{{"exception.type": "Declined"}}, r.EventAttrs)
	assert.Equal(t, []string{"aa0000000000000000000000000000bb"}, r.LinkTraceIDs)
	assert.Equal(t, []string{"cc000000000000dd"}, r.LinkSpanIDs)
	assert.Equal(t, []string{"k=v"}, r.LinkStates)
	assert.Equal(t, []map[string]string{{"link.kind": "follows"}}, r.LinkAttrs)
	c := rows[1]
	assert.Equal(t, "0102030405060708", c.ParentSpanID)
	assert.Equal(t, "Client", c.SpanKind)
	assert.Equal(t, "Unset", c.StatusCode)
	assert.Equal(t, uint64(50_000_000), c.Duration)
	assert.Empty(t, c.EventNames)

	// Grafana's trace view: the trace id lookup table narrows the time
	// range, then the spans of the trace, with its aliases.
	var spans []struct {
		TraceID       string              `ch:"traceID"`
		SpanID        string              `ch:"spanID"`
		ParentSpanID  string              `ch:"parentSpanID"`
		ServiceName   string              `ch:"serviceName"`
		OperationName string              `ch:"operationName"`
		StartTime     float64             `ch:"startTime"`
		Duration      float64             `ch:"duration"`
		Tags          []map[string]string `ch:"tags"`
		ServiceTags   []map[string]string `ch:"serviceTags"`
	}
	require.NoError(t, conn.Select(ctx, &spans, `WITH '5b8efff798038103d269b633813fc60c' as trace_id,
		(SELECT min(Start) FROM "otel"."otel_traces_trace_id_ts" WHERE TraceId = trace_id) as trace_start,
		(SELECT max(End) + 1 FROM "otel"."otel_traces_trace_id_ts" WHERE TraceId = trace_id) as trace_end
		SELECT "TraceId" as traceID, "SpanId" as spanID, "ParentSpanId" as parentSpanID, "ServiceName" as serviceName,
		"SpanName" as operationName, multiply(toUnixTimestamp64Nano("Timestamp"), 0.000001) as startTime,
		multiply("Duration", 0.000001) as duration,
		arrayMap(key -> map('key', key, 'value',"SpanAttributes"[key]), mapKeys("SpanAttributes")) as tags,
		arrayMap(key -> map('key', key, 'value',"ResourceAttributes"[key]), mapKeys("ResourceAttributes")) as serviceTags
		FROM "otel"."otel_traces" WHERE traceID = trace_id AND "Timestamp" >= trace_start AND "Timestamp" <= trace_end
		ORDER BY startTime ASC LIMIT 1000`))
	require.Len(t, spans, 2)
	assert.Equal(t, "POST /pay", spans[0].OperationName)
	assert.InDelta(t, 250.0, spans[0].Duration, 1e-9)
	assert.Equal(t, "SELECT payments", spans[1].OperationName)
	assert.Equal(t, "0102030405060708", spans[1].ParentSpanID)
	assert.Equal(t, []map[string]string{{"key": "service.name", "value": "checkout"}}, spans[0].ServiceTags)
	assert.Equal(t, uint64(1), count(t, conn, `SELECT count() FROM otel.otel_traces_trace_id_ts WHERE TraceId = '5b8efff798038103d269b633813fc60c'`))
}

func testMetrics() pmetric.Metrics {
	md := pmetric.NewMetrics()
	rm := md.ResourceMetrics().AppendEmpty()
	rm.Resource().Attributes().PutStr("service.name", "checkout")
	sm := rm.ScopeMetrics().AppendEmpty()
	sm.Scope().SetName("app/meter")
	ms := sm.Metrics()
	ts := pcommon.NewTimestampFromTime(t0)
	st := pcommon.NewTimestampFromTime(t0.Add(-time.Minute))

	g := ms.AppendEmpty()
	g.SetName("queue.depth")
	g.SetUnit("{item}")
	g.SetDescription("items waiting")
	gp := g.SetEmptyGauge().DataPoints().AppendEmpty()
	gp.SetTimestamp(ts)
	gp.SetIntValue(12)
	gp.Attributes().PutStr("queue", "payments")
	ex := gp.Exemplars().AppendEmpty()
	ex.SetDoubleValue(13)
	ex.SetTimestamp(ts)
	ex.SetTraceID(pcommon.TraceID{0xab, 15: 0x01})

	s := ms.AppendEmpty()
	s.SetName("http.requests")
	sum := s.SetEmptySum()
	sum.SetIsMonotonic(true)
	sum.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
	sp := sum.DataPoints().AppendEmpty()
	sp.SetStartTimestamp(st)
	sp.SetTimestamp(ts)
	sp.SetDoubleValue(1234.5)

	h := ms.AppendEmpty()
	h.SetName("http.duration")
	hist := h.SetEmptyHistogram()
	hist.SetAggregationTemporality(pmetric.AggregationTemporalityDelta)
	hp := hist.DataPoints().AppendEmpty()
	hp.SetTimestamp(ts)
	hp.SetCount(10)
	hp.SetSum(2.5)
	hp.SetMin(0.01)
	hp.SetMax(1.2)
	hp.ExplicitBounds().FromRaw([]float64{0.1, 0.5, 1})
	hp.BucketCounts().FromRaw([]uint64{4, 3, 2, 1})

	e := ms.AppendEmpty()
	e.SetName("rpc.size")
	eh := e.SetEmptyExponentialHistogram()
	eh.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
	ep := eh.DataPoints().AppendEmpty()
	ep.SetTimestamp(ts)
	ep.SetCount(7)
	ep.SetSum(70)
	ep.SetScale(3)
	ep.SetZeroCount(1)
	ep.Positive().SetOffset(-2)
	ep.Positive().BucketCounts().FromRaw([]uint64{1, 2, 3})
	ep.Negative().SetOffset(5)
	ep.Negative().BucketCounts().FromRaw([]uint64{300})

	y := ms.AppendEmpty()
	y.SetName("gc.pause")
	yp := y.SetEmptySummary().DataPoints().AppendEmpty()
	yp.SetTimestamp(ts)
	yp.SetCount(5)
	yp.SetSum(0.25)
	q := yp.QuantileValues().AppendEmpty()
	q.SetQuantile(0.5)
	q.SetValue(0.04)
	q = yp.QuantileValues().AppendEmpty()
	q.SetQuantile(0.99)
	q.SetValue(0.1)

	ms.AppendEmpty().SetName("no.type") // counted as dropped, not written
	return md
}

func TestIntegrationChDBMetrics(t *testing.T) {
	s := testserver.ChDB(t)
	e := metricsExporter(t, chdbConfig(s))
	require.NoError(t, e.ConsumeMetrics(context.Background(), testMetrics()))
	conn := reader(t, s)
	ctx := context.Background()

	var g struct {
		Name      string            `ch:"MetricName"`
		Unit      string            `ch:"MetricUnit"`
		Desc      string            `ch:"MetricDescription"`
		Service   string            `ch:"ServiceName"`
		Attrs     map[string]string `ch:"Attributes"`
		Time      time.Time         `ch:"TimeUnix"`
		Value     float64           `ch:"Value"`
		ExValues  []float64         `ch:"Exemplars.Value"`
		ExTraceID []string          `ch:"Exemplars.TraceId"`
		ExSpanID  []string          `ch:"Exemplars.SpanId"`
	}
	require.NoError(t, conn.QueryRow(ctx, `SELECT MetricName, MetricUnit, MetricDescription, ServiceName, Attributes,
		TimeUnix, Value, Exemplars.Value, Exemplars.TraceId, Exemplars.SpanId FROM otel.otel_metrics_gauge`).ScanStruct(&g))
	assert.Equal(t, "queue.depth", g.Name)
	assert.Equal(t, "{item}", g.Unit)
	assert.Equal(t, "items waiting", g.Desc)
	assert.Equal(t, "checkout", g.Service)
	assert.Equal(t, map[string]string{"queue": "payments"}, g.Attrs)
	assert.Equal(t, t0, g.Time.UTC())
	assert.Equal(t, 12.0, g.Value)
	assert.Equal(t, []float64{13}, g.ExValues)
	assert.Equal(t, []string{"ab000000000000000000000000000001"}, g.ExTraceID)
	assert.Equal(t, []string{""}, g.ExSpanID)

	var sm struct {
		Start       time.Time `ch:"StartTimeUnix"`
		Value       float64   `ch:"Value"`
		Temporality int32     `ch:"AggregationTemporality"`
		Monotonic   bool      `ch:"IsMonotonic"`
	}
	require.NoError(t, conn.QueryRow(ctx, `SELECT StartTimeUnix, Value, AggregationTemporality, IsMonotonic FROM otel.otel_metrics_sum`).ScanStruct(&sm))
	assert.Equal(t, t0.Add(-time.Minute), sm.Start.UTC())
	assert.Equal(t, 1234.5, sm.Value)
	assert.Equal(t, int32(2), sm.Temporality) // cumulative in the OTLP enum
	assert.True(t, sm.Monotonic)

	var h struct {
		Count       uint64    `ch:"Count"`
		Sum         float64   `ch:"Sum"`
		Buckets     []uint64  `ch:"BucketCounts"`
		Bounds      []float64 `ch:"ExplicitBounds"`
		Min         float64   `ch:"Min"`
		Max         float64   `ch:"Max"`
		Temporality int32     `ch:"AggregationTemporality"`
	}
	require.NoError(t, conn.QueryRow(ctx, `SELECT Count, Sum, BucketCounts, ExplicitBounds, Min, Max, AggregationTemporality
		FROM otel.otel_metrics_histogram`).ScanStruct(&h))
	assert.Equal(t, uint64(10), h.Count)
	assert.Equal(t, 2.5, h.Sum)
	assert.Equal(t, []uint64{4, 3, 2, 1}, h.Buckets)
	assert.Equal(t, []float64{0.1, 0.5, 1}, h.Bounds)
	assert.Equal(t, 0.01, h.Min)
	assert.Equal(t, 1.2, h.Max)
	assert.Equal(t, int32(1), h.Temporality) // delta

	var eh struct {
		Count     uint64   `ch:"Count"`
		Scale     int32    `ch:"Scale"`
		Zero      uint64   `ch:"ZeroCount"`
		PosOffset int32    `ch:"PositiveOffset"`
		Pos       []uint64 `ch:"PositiveBucketCounts"`
		NegOffset int32    `ch:"NegativeOffset"`
		Neg       []uint64 `ch:"NegativeBucketCounts"`
	}
	require.NoError(t, conn.QueryRow(ctx, `SELECT Count, Scale, ZeroCount, PositiveOffset, PositiveBucketCounts,
		NegativeOffset, NegativeBucketCounts FROM otel.otel_metrics_exponential_histogram`).ScanStruct(&eh))
	assert.Equal(t, uint64(7), eh.Count)
	assert.Equal(t, int32(3), eh.Scale)
	assert.Equal(t, uint64(1), eh.Zero)
	assert.Equal(t, int32(-2), eh.PosOffset)
	assert.Equal(t, []uint64{1, 2, 3}, eh.Pos)
	assert.Equal(t, int32(5), eh.NegOffset)
	assert.Equal(t, []uint64{300}, eh.Neg)

	var y struct {
		Count     uint64    `ch:"Count"`
		Sum       float64   `ch:"Sum"`
		Quantiles []float64 `ch:"ValueAtQuantiles.Quantile"`
		Values    []float64 `ch:"ValueAtQuantiles.Value"`
	}
	require.NoError(t, conn.QueryRow(ctx, `SELECT Count, Sum, ValueAtQuantiles.Quantile, ValueAtQuantiles.Value
		FROM otel.otel_metrics_summary`).ScanStruct(&y))
	assert.Equal(t, uint64(5), y.Count)
	assert.Equal(t, []float64{0.5, 0.99}, y.Quantiles)
	assert.Equal(t, []float64{0.04, 0.1}, y.Values)

	// A Grafana time series panel over the gauge table.
	var series []struct {
		T     time.Time `ch:"t"`
		Value float64   `ch:"v"`
	}
	require.NoError(t, conn.Select(ctx, &series, `SELECT toStartOfInterval(TimeUnix, INTERVAL 60 second) as t,
		avg(Value) as v FROM "otel"."otel_metrics_gauge" WHERE MetricName = 'queue.depth'
		AND TimeUnix >= fromUnixTimestamp64Milli(1767322800000) GROUP BY t ORDER BY t`))
	require.Len(t, series, 1)
	assert.Equal(t, 12.0, series[0].Value)
}
