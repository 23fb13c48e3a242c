package esbulk

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

var t0 = time.Date(2026, 3, 4, 5, 6, 7, 123456789, time.UTC)

// lines decodes the batch with encoding/json, the independent decoder:
// pairs of action and source objects.
func lines(t *testing.T, b *Batch) (actions, docs []map[string]any) {
	t.Helper()
	ls := bytes.Split(bytes.TrimSuffix(b.Buf, []byte("\n")), []byte("\n"))
	require.Len(t, ls, 2*len(b.Docs))
	for i, l := range ls {
		var m map[string]any
		d := json.NewDecoder(bytes.NewReader(l))
		d.UseNumber()
		require.NoError(t, d.Decode(&m), "line %d: %s", i, l)
		if i%2 == 0 {
			actions = append(actions, m)
		} else {
			docs = append(docs, m)
		}
	}
	for i := range b.Docs {
		var m map[string]any
		require.NoError(t, json.Unmarshal(b.Source(i), &m))
	}
	return actions, docs
}

func sampleLogs() plog.Logs {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", "shop")
	rl.Resource().Attributes().PutStr("host.name", "h1")
	sl := rl.ScopeLogs().AppendEmpty()
	sl.Scope().SetName("lib")
	sl.Scope().SetVersion("1.2")
	lr := sl.LogRecords().AppendEmpty()
	lr.SetTimestamp(pcommon.NewTimestampFromTime(t0))
	lr.SetSeverityText("WARN")
	lr.SetSeverityNumber(plog.SeverityNumberWarn)
	lr.SetTraceID(pcommon.TraceID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
	lr.SetSpanID(pcommon.SpanID{0xa, 0xb, 0xc, 0xd, 0xe, 0xf, 0, 1})
	lr.Body().SetStr("disk \"full\"\n<x>")
	lr.Attributes().PutInt("http.status", 503)
	lr.Attributes().PutStr("data_stream.dataset", "Shop:Web")
	lr.Attributes().PutStr("doc.id", "id-1")
	lr.Attributes().PutStr("service.name", "shop-override")
	m := lr.Attributes().PutEmptyMap("user")
	m.PutBool("admin", true)
	m.PutEmptySlice("roles").AppendEmpty().SetStr("a")
	lr2 := sl.LogRecords().AppendEmpty()
	lr2.SetObservedTimestamp(pcommon.NewTimestampFromTime(t0.Add(time.Second)))
	lr2.Body().SetEmptyMap().PutDouble("x", 1.5)
	return ld
}

func num(s string) json.Number { return json.Number(s) }

func TestLogsOTelMode(t *testing.T) {
	var b Batch
	NewEncoder(Options{IDAttribute: "doc.id", Pipeline: "p1"}).EncodeLogs(&b, sampleLogs(), 0)
	actions, docs := lines(t, &b)
	assert.Equal(t, []map[string]any{
		{"create": map[string]any{"_index": "logs-shop_web.otel-default", "_id": "id-1", "pipeline": "p1"}},
		{"create": map[string]any{"_index": "logs-generic.otel-default", "pipeline": "p1"}},
	}, actions)
	assert.Equal(t, map[string]any{
		"@timestamp":      "2026-03-04T05:06:07.123456789Z",
		"data_stream":     map[string]any{"type": "logs", "dataset": "shop_web.otel", "namespace": "default"},
		"severity_text":   "WARN",
		"severity_number": num("13"),
		"trace_id":        "0102030405060708090a0b0c0d0e0f10",
		"span_id":         "0a0b0c0d0e0f0001",
		"body":            map[string]any{"text": "disk \"full\"\n<x>"},
		"attributes": map[string]any{"http.status": num("503"), "doc.id": "id-1", "service.name": "shop-override",
			"user": map[string]any{"admin": true, "roles": []any{"a"}}},
		"resource": map[string]any{"attributes": map[string]any{"service.name": "shop", "host.name": "h1"}},
		"scope":    map[string]any{"name": "lib", "version": "1.2"},
	}, docs[0])
	assert.Equal(t, "2026-03-04T05:06:08.123456789Z", docs[1]["@timestamp"], "observed time stands in")
	assert.Equal(t, map[string]any{"structured": map[string]any{"x": num("1.5")}}, docs[1]["body"])
	assert.Equal(t, []int32{0, 1}, b.Keys)
	assert.True(t, b.Docs[0].HasID)
	assert.False(t, b.Docs[1].HasID)
}

func TestLogsECSMode(t *testing.T) {
	var b Batch
	NewEncoder(Options{Mode: ModeECS}).EncodeLogs(&b, sampleLogs(), 0)
	actions, docs := lines(t, &b)
	assert.Equal(t, "logs-shop_web-default", actions[0]["create"].(map[string]any)["_index"])
	assert.Equal(t, map[string]any{
		"@timestamp":     "2026-03-04T05:06:07.123456789Z",
		"data_stream":    map[string]any{"type": "logs", "dataset": "shop_web", "namespace": "default"},
		"message":        "disk \"full\"\n<x>",
		"log.level":      "WARN",
		"event.severity": num("13"),
		"trace.id":       "0102030405060708090a0b0c0d0e0f10",
		"span.id":        "0a0b0c0d0e0f0001",
		"http.status":    num("503"),
		"doc.id":         "id-1",
		"service.name":   "shop-override", // the record's attribute wins
		"user":           map[string]any{"admin": true, "roles": []any{"a"}},
		"host.hostname":  "h1",
	}, docs[0])
	assert.Equal(t, `{"x":1.5}`, docs[1]["message"])
	assert.Equal(t, "logs-generic-default", actions[1]["create"].(map[string]any)["_index"])
}

func TestLogsRawModeAndStaticIndex(t *testing.T) {
	var b Batch
	NewEncoder(Options{Mode: ModeRaw, Route: RouteIndex, LogsIndex: "app\"logs"}).EncodeLogs(&b, sampleLogs(), 0)
	actions, docs := lines(t, &b)
	assert.Equal(t, map[string]any{"create": map[string]any{"_index": "app\"logs"}}, actions[0])
	assert.Equal(t, map[string]any{
		"@timestamp":          "2026-03-04T05:06:07.123456789Z",
		"body":                "disk \"full\"\n<x>",
		"severity_text":       "WARN",
		"severity_number":     num("13"),
		"trace_id":            "0102030405060708090a0b0c0d0e0f10",
		"span_id":             "0a0b0c0d0e0f0001",
		"http.status":         num("503"),
		"data_stream.dataset": "Shop:Web",
		"doc.id":              "id-1",
		"service.name":        "shop-override",
		"user":                map[string]any{"admin": true, "roles": []any{"a"}},
		"host.name":           "h1",
	}, docs[0])
	assert.Equal(t, map[string]any{"x": num("1.5")}, docs[1]["body"])
}

func TestDateIndexUsesTheDocumentTime(t *testing.T) {
	var b Batch
	NewEncoder(Options{Route: RouteDateIndex, LogsIndex: "app", DateFormat: "2006.01.02"}).EncodeLogs(&b, sampleLogs(), 0)
	actions, _ := lines(t, &b)
	assert.Equal(t, "app-2026.03.04", actions[0]["create"].(map[string]any)["_index"])
}

func TestTracesOTelModeWithEvents(t *testing.T) {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", "api")
	sp := rs.ScopeSpans().AppendEmpty().Spans().AppendEmpty()
	sp.SetTraceID(pcommon.TraceID{15: 1})
	sp.SetSpanID(pcommon.SpanID{7: 2})
	sp.SetParentSpanID(pcommon.SpanID{7: 3})
	sp.SetName("GET /")
	sp.SetKind(ptrace.SpanKindServer)
	sp.SetStartTimestamp(pcommon.NewTimestampFromTime(t0))
	sp.SetEndTimestamp(pcommon.NewTimestampFromTime(t0.Add(1500 * time.Microsecond)))
	sp.Status().SetCode(ptrace.StatusCodeError)
	sp.Status().SetMessage("boom")
	sp.Attributes().PutStr("http.route", "/")
	ev := sp.Events().AppendEmpty()
	ev.SetName("exception")
	ev.SetTimestamp(pcommon.NewTimestampFromTime(t0.Add(time.Millisecond)))
	ev.Attributes().PutStr("exception.type", "E")

	var b Batch
	NewEncoder(Options{}).EncodeTraces(&b, td)
	actions, docs := lines(t, &b)
	require.Len(t, docs, 2)
	assert.Equal(t, "traces-generic.otel-default", actions[0]["create"].(map[string]any)["_index"])
	assert.Equal(t, "logs-generic.otel-default", actions[1]["create"].(map[string]any)["_index"])
	assert.Equal(t, map[string]any{
		"@timestamp":     "2026-03-04T05:06:07.123456789Z",
		"data_stream":    map[string]any{"type": "traces", "dataset": "generic.otel", "namespace": "default"},
		"trace_id":       "00000000000000000000000000000001",
		"span_id":        "0000000000000002",
		"parent_span_id": "0000000000000003",
		"name":           "GET /",
		"kind":           "Server",
		"duration":       num("1500000"),
		"status":         map[string]any{"code": "Error", "message": "boom"},
		"attributes":     map[string]any{"http.route": "/"},
		"resource":       map[string]any{"attributes": map[string]any{"service.name": "api"}},
	}, docs[0])
	assert.Equal(t, map[string]any{
		"@timestamp":  "2026-03-04T05:06:07.124456789Z",
		"data_stream": map[string]any{"type": "logs", "dataset": "generic.otel", "namespace": "default"},
		"trace_id":    "00000000000000000000000000000001",
		"span_id":     "0000000000000002",
		"event_name":  "exception",
		"attributes":  map[string]any{"exception.type": "E"},
		"resource":    map[string]any{"attributes": map[string]any{"service.name": "api"}},
	}, docs[1])
	assert.Equal(t, []int32{0, 0}, b.Keys, "an event retries with its span")

	b.Reset()
	NewEncoder(Options{Mode: ModeECS}).EncodeTraces(&b, td)
	_, docs = lines(t, &b)
	assert.Equal(t, "0000000000000003", docs[0]["parent.id"])
	assert.Equal(t, "failure", docs[0]["event.outcome"])
	assert.Equal(t, num("1500000"), docs[0]["event.duration"])
	assert.Equal(t, "E", docs[1]["error.type"])
	assert.Equal(t, "exception", docs[1]["event.action"])
}

// Points sharing timestamp and attributes (in any order) make one
// document; a different attribute value or time makes another.
func TestMetricsGroupByTimestampAndDimensions(t *testing.T) {
	md := pmetric.NewMetrics()
	rm := md.ResourceMetrics().AppendEmpty()
	rm.Resource().Attributes().PutStr("host.name", "h1")
	ms := rm.ScopeMetrics().AppendEmpty().Metrics()
	ts := pcommon.NewTimestampFromTime(t0)
	g := ms.AppendEmpty()
	g.SetName("cpu.usage")
	dp := g.SetEmptyGauge().DataPoints().AppendEmpty()
	dp.SetTimestamp(ts)
	dp.SetDoubleValue(0.5)
	dp.Attributes().PutStr("cpu", "0")
	dp.Attributes().PutStr("state", "user")
	s := ms.AppendEmpty()
	s.SetName("cpu.time")
	sdps := s.SetEmptySum().DataPoints()
	dp = sdps.AppendEmpty()
	dp.SetTimestamp(ts)
	dp.SetIntValue(42)
	dp.Attributes().PutStr("state", "user") // other order, same set
	dp.Attributes().PutStr("cpu", "0")
	dp = sdps.AppendEmpty()
	dp.SetTimestamp(ts)
	dp.SetIntValue(7)
	dp.Attributes().PutStr("cpu", "1")
	dp.Attributes().PutStr("state", "user")
	h := ms.AppendEmpty()
	h.SetName("latency")
	hdp := h.SetEmptyHistogram().DataPoints().AppendEmpty()
	hdp.SetTimestamp(ts)
	hdp.Attributes().PutStr("cpu", "0")
	hdp.Attributes().PutStr("state", "user")
	hdp.ExplicitBounds().FromRaw([]float64{1, 5, 10})
	hdp.BucketCounts().FromRaw([]uint64{2, 0, 3, 1})
	sum := ms.AppendEmpty()
	sum.SetName("rpc")
	sdp := sum.SetEmptySummary().DataPoints().AppendEmpty()
	sdp.SetTimestamp(ts + 1)
	sdp.SetSum(9)
	sdp.SetCount(3)
	ms.AppendEmpty().SetName("typeless")

	var b Batch
	NewEncoder(Options{}).EncodeMetrics(&b, md)
	actions, docs := lines(t, &b)
	require.Len(t, docs, 3)
	assert.Equal(t, "metrics-generic.otel-default", actions[0]["create"].(map[string]any)["_index"])
	assert.Equal(t, map[string]any{
		"cpu.usage": num("0.5"), "cpu.time": num("42"),
		"latency": map[string]any{"counts": []any{num("2"), num("3"), num("1")}, "values": []any{num("1"), num("7.5"), num("10")}},
	}, docs[0]["metrics"])
	assert.Equal(t, map[string]any{"cpu": "0", "state": "user"}, docs[0]["attributes"])
	assert.Equal(t, map[string]any{"cpu.time": num("7")}, docs[1]["metrics"])
	assert.Equal(t, map[string]any{"rpc": map[string]any{"sum": num("9"), "value_count": num("3")}}, docs[2]["metrics"])
	assert.Equal(t, "2026-03-04T05:06:07.123456790Z", docs[2]["@timestamp"])
	assert.Equal(t, []int32{0, 1, 3, 2, 4}, b.Keys)
	assert.Equal(t, 1, b.Drops[DropNoValue])

	b.Reset()
	NewEncoder(Options{Mode: ModeECS}).EncodeMetrics(&b, md)
	_, docs = lines(t, &b)
	assert.Equal(t, num("42"), docs[0]["cpu.time"])
	assert.Equal(t, "0", docs[0]["cpu"])
	assert.Equal(t, "h1", docs[0]["host.hostname"])
}

func TestExponentialHistogramValuesAscend(t *testing.T) {
	md := pmetric.NewMetrics()
	m := md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty().Metrics().AppendEmpty()
	m.SetName("e")
	dp := m.SetEmptyExponentialHistogram().DataPoints().AppendEmpty()
	dp.SetScale(0) // base 2: bucket i is (2^i, 2^(i+1)]
	dp.Positive().SetOffset(1)
	dp.Positive().BucketCounts().FromRaw([]uint64{1, 2}) // (2,4] (4,8]
	dp.Negative().BucketCounts().FromRaw([]uint64{4, 5}) // [-2,-1) [-4,-2)
	dp.SetZeroCount(3)
	var b Batch
	NewEncoder(Options{}).EncodeMetrics(&b, md)
	_, docs := lines(t, &b)
	assert.Equal(t, map[string]any{
		"counts": []any{num("5"), num("4"), num("3"), num("1"), num("2")},
		"values": []any{num("-3"), num("-1.5"), num("0"), num("3"), num("6")},
	}, docs[0]["metrics"].(map[string]any)["e"])
}

// Strings round-trip through encoding/json: control characters, quotes,
// HTML characters, invalid UTF-8 and line separators.
