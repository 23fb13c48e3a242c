package benchdata

import (
	"fmt"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

func resourceAttrs(a pcommon.Map, r int) {
	a.PutStr("service.name", fmt.Sprintf("svc-%d", r))
	a.PutStr("service.namespace", "shop")
	a.PutStr("service.instance.id", fmt.Sprintf("b5e4c3a2-%04d", r))
	a.PutStr("host.name", fmt.Sprintf("node-%02d", r))
	a.PutStr("deployment.environment.name", "production")
	a.PutStr("k8s.namespace.name", "shop")
	a.PutStr("k8s.pod.name", fmt.Sprintf("svc-%d-7f9c", r))
}

// Logs is 10,000 records: 10 resources with 7 attributes x 1,000 records,
// each with a trace context, a severity, a 60-100 byte body and 4
// attributes (one of them an integer).
func Logs() plog.Logs {
	ld := plog.NewLogs()
	start := time.Now().Add(-time.Hour)
	for r := range 10 {
		rl := ld.ResourceLogs().AppendEmpty()
		resourceAttrs(rl.Resource().Attributes(), r)
		sl := rl.ScopeLogs().AppendEmpty()
		sl.Scope().SetName("otelhub/bench")
		sl.Scope().SetVersion("1.0.0")
		for i := range 1000 {
			lr := sl.LogRecords().AppendEmpty()
			lr.SetTimestamp(pcommon.NewTimestampFromTime(start.Add(time.Duration(i) * time.Millisecond)))
			lr.SetObservedTimestamp(lr.Timestamp())
			lr.SetSeverityNumber(plog.SeverityNumberInfo)
			lr.SetSeverityText("INFO")
			lr.SetTraceID(pcommon.TraceID{byte(r), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, byte(i >> 8), byte(i)})
			lr.SetSpanID(pcommon.SpanID{1, 2, 3, 4, 5, 6, byte(i >> 8), byte(i)})
			lr.Body().SetStr(fmt.Sprintf("GET /api/v1/items/%d served in %d ms for user %d from cache shard %d", i, i%250, i*7, i%16))
			a := lr.Attributes()
			a.PutStr("http.request.method", "GET")
			a.PutStr("http.route", "/api/v1/items/{id}")
			a.PutInt("http.response.status_code", 200)
			a.PutStr("user.id", fmt.Sprintf("u-%d", i*7))
		}
	}
	return ld
}

// Traces is 10,000 spans: 10 resources with 7 attributes x 1,000 spans,
// each with 5 attributes; every tenth span has an event and a link.
func Traces() ptrace.Traces {
	td := ptrace.NewTraces()
	start := time.Now().Add(-time.Hour)
	for r := range 10 {
		rs := td.ResourceSpans().AppendEmpty()
		resourceAttrs(rs.Resource().Attributes(), r)
		ss := rs.ScopeSpans().AppendEmpty()
		ss.Scope().SetName("otelhub/bench")
		for i := range 1000 {
			s := ss.Spans().AppendEmpty()
			s.SetTraceID(pcommon.TraceID{byte(r), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, byte(i >> 16), byte(i >> 8), byte(i)})
			s.SetSpanID(pcommon.SpanID{1, 2, 3, 4, 5, byte(r), byte(i >> 8), byte(i)})
			s.SetParentSpanID(pcommon.SpanID{9, 2, 3, 4, 5, byte(r), byte(i >> 8), byte(i)})
			s.SetName(fmt.Sprintf("GET /api/v1/items/%d", i%20))
			s.SetKind(ptrace.SpanKindServer)
			t0 := start.Add(time.Duration(i) * time.Millisecond)
			s.SetStartTimestamp(pcommon.NewTimestampFromTime(t0))
			s.SetEndTimestamp(pcommon.NewTimestampFromTime(t0.Add(time.Duration(i%100) * time.Millisecond)))
			s.Status().SetCode(ptrace.StatusCodeOk)
			a := s.Attributes()
			a.PutStr("http.request.method", "GET")
			a.PutStr("http.route", "/api/v1/items/{id}")
			a.PutInt("http.response.status_code", 200)
			a.PutStr("url.path", fmt.Sprintf("/api/v1/items/%d", i))
			a.PutStr("user.id", fmt.Sprintf("u-%d", i*7))
			if i%10 == 0 {
				e := s.Events().AppendEmpty()
				e.SetName("cache.miss")
				e.SetTimestamp(s.StartTimestamp())
				e.Attributes().PutStr("cache.key", fmt.Sprintf("item-%d", i))
				l := s.Links().AppendEmpty()
				l.SetTraceID(pcommon.TraceID{7, 7, byte(i)})
				l.SetSpanID(pcommon.SpanID{8, 8, byte(i)})
			}
		}
	}
	return td
}
