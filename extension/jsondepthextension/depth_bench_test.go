package jsondepthextension

import (
	"testing"

	"go.opentelemetry.io/collector/pdata/plog"
)

// The scan is the whole per-byte cost the guard adds to a JSON request.
func BenchmarkScan(b *testing.B) {
	js := benchLogsJSON(b)
	b.SetBytes(int64(len(js)))
	b.ReportAllocs()
	for b.Loop() {
		s := depthScanner{max: QueueSafeDepth}
		if err := s.scan(js); err != nil {
			b.Fatal(err)
		}
	}
}

// benchLogsJSON is an OTLP/JSON request of 1000 log records.
func benchLogsJSON(b *testing.B) []byte {
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
	return js
}

// The decode the receiver does next on the same body, for scale: the guard
// adds BenchmarkScan's time to this one.
func BenchmarkUnmarshalJSONForScale(b *testing.B) {
	js := benchLogsJSON(b)
	b.SetBytes(int64(len(js)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := (&plog.JSONUnmarshaler{}).UnmarshalLogs(js); err != nil {
			b.Fatal(err)
		}
	}
}
