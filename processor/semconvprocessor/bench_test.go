package semconvprocessor

import (
	"context"
	"testing"

	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/otelhub/otelhub/processor/semconvprocessor/internal/metadata"
)

func benchConsume(b *testing.B, td ptrace.Traces, action string) {
	cfg := createDefaultConfig().(*Config)
	cfg.Action = action
	p, err := NewFactory().CreateTraces(context.Background(), processortest.NewNopSettings(metadata.Type), cfg, consumertest.NewNop())
	if err != nil {
		b.Fatal(err)
	}
	spans := td.SpanCount()
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if err := p.ConsumeTraces(ctx, td); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*spans), "ns/span")
}

// BenchmarkCleanSpans: spans of 12 stable attributes on a resource of 8,
// built with the semconv Go helpers; nothing to report.
func BenchmarkCleanSpans(b *testing.B) {
	td := cleanSpans(100)
	n := countFindings(td)
	if n != 0 {
		b.Fatalf("the clean corpus has %d findings", n)
	}
	benchConsume(b, td, ActionCount)
}

// BenchmarkSpansWithFindings: the same spans with 3 findings each
// (unknown, wrong type, deprecated), counted.
func BenchmarkSpansWithFindings(b *testing.B) {
	td := cleanSpans(100)
	spans := td.ResourceSpans().At(0).ScopeSpans().At(0).Spans()
	for i := 0; i < spans.Len(); i++ {
		a := spans.At(i).Attributes()
		a.PutStr("zzz.unknown", "x")
		a.PutStr("server.port", "443")
		a.PutStr("http.method", "GET")
	}
	benchConsume(b, td, ActionCount)
}

func countFindings(td ptrace.Traces) int {
	c := newChecker(createDefaultConfig().(*Config), builtin)
	var n counts
	for _, rs := range td.ResourceSpans().All() {
		c.checkMap(rs.Resource().Attributes(), &n)
		for _, ss := range rs.ScopeSpans().All() {
			for _, s := range ss.Spans().All() {
				c.checkMap(s.Attributes(), &n)
			}
		}
	}
	total := 0
	for _, v := range n.findings {
		total += v
	}
	return total
}
