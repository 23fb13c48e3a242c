package benchdata

import (
	"fmt"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
)

// Logs is 10 resources (8 attributes each) x 100 log records: a text
// body of about 120 bytes, severity, trace context and 5 attributes.
func Logs() plog.Logs {
	ld := plog.NewLogs()
	start := time.Now().Add(-time.Hour)
	for r := range 10 {
		rl := ld.ResourceLogs().AppendEmpty()
		a := rl.Resource().Attributes()
		a.PutStr("service.name", fmt.Sprintf("svc-%d", r))
		a.PutStr("service.namespace", "shop")
		a.PutStr("service.instance.id", fmt.Sprintf("b5e4c3a2-%04d", r))
		a.PutStr("host.name", fmt.Sprintf("node-%02d", r))
		a.PutStr("deployment.environment.name", "production")
		a.PutStr("cloud.region", "eu-west-1")
		a.PutStr("k8s.namespace.name", "shop")
		a.PutStr("k8s.pod.name", fmt.Sprintf("svc-%d-7f9c", r))
		sl := rl.ScopeLogs().AppendEmpty()
		sl.Scope().SetName("app.logger")
		lrs := sl.LogRecords()
		for i := range 100 {
			lr := lrs.AppendEmpty()
			ts := start.Add(time.Duration(r*100+i) * time.Millisecond)
			lr.SetTimestamp(pcommon.NewTimestampFromTime(ts))
			lr.SetObservedTimestamp(pcommon.NewTimestampFromTime(ts.Add(time.Millisecond)))
			lr.SetSeverityNumber(plog.SeverityNumberInfo)
			lr.SetSeverityText("INFO")
			lr.SetTraceID(pcommon.TraceID{byte(r), byte(i), 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
			lr.SetSpanID(pcommon.SpanID{byte(i), 2, 3, 4, 5, 6, 7, 8})
			lr.Body().SetStr(fmt.Sprintf("GET /api/v1/orders/%d responded 200 in %dms for user %d (session=\"a%08x\") cache=miss", i*7919, i%97, i*31, i*2654435761))
			at := lr.Attributes()
			at.PutStr("http.request.method", "GET")
			at.PutInt("http.response.status_code", 200)
			at.PutStr("url.path", fmt.Sprintf("/api/v1/orders/%d", i*7919))
			at.PutDouble("duration.ms", float64(i%97)+0.25)
			at.PutStr("log.id", fmt.Sprintf("r%d-%d", r, i))
		}
	}
	return ld
}
