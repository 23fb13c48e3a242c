package jsondepthextension

import (
	"testing"

	"go.opentelemetry.io/collector/pdata/plog"
)

// The scan is the whole per-byte cost the guard adds to a JSON request.
func BenchmarkScan(b *testing.B) {
	ld := plog.NewLogs()
	lrs := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords()
	for i := range 1000 {
		lr := lrs.AppendEmpty()
		lr.Body().SetStr("GET /api/v1/items?id=42 \"quoted\" {braces} took 12ms")
		lr.Attributes().PutInt("n", int64(i))
		lr.Attributes().PutStr("http.route", "/api/v1/items")
	}
	js, err := (&plog.JSONMarshaler{}).MarshalLogs(ld)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(js)))
	b.ReportAllocs()
	for b.Loop() {
		s := depthScanner{max: QueueSafeDepth}
		if err := s.scan(js); err != nil {
			b.Fatal(err)
		}
	}
}
