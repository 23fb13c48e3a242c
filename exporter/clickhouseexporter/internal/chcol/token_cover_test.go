package chcol

import (
	"reflect"
	"testing"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// eachChange fills base and each changed copy of it and checks the pair.
func eachChange[T any](t *testing.T, base func() T, fill func(T) ([]any, string), muts map[string]func(T),
	check func(*testing.T, string, []any, []any, string, string)) {
	t.Helper()
	colsA, tokA := fill(base())
	for name, mut := range muts {
		b := base()
		mut(b)
		colsB, tokB := fill(b)
		check(t, name, colsA, colsB, tokA, tokB)
	}
}

// Two batches whose stored rows differ must never share a token, or
// ClickHouse takes the second for a retry of the first and drops it. The
// oracle is the columns themselves: for each single-field change, when
// the columns differ, the tokens must too.
func TestTokenCoversEveryStoredField(t *testing.T) {
	check := func(t *testing.T, name string, colsA, colsB []any, tokA, tokB string) {
		t.Helper()
		if reflect.DeepEqual(deref(colsA), deref(colsB)) {
			t.Fatalf("%s: the change does not reach the columns", name)
		}
		if tokA == tokB {
			t.Errorf("%s: different rows, same token %s", name, tokA)
		}
	}
	t.Run("logs", func(t *testing.T) {
		base := func() plog.Logs {
			ld := plog.NewLogs()
			rl := ld.ResourceLogs().AppendEmpty()
			rl.SetSchemaUrl("https://opentelemetry.io/schemas/1.0.0")
			rl.Resource().Attributes().PutStr("service.name", "svc")
			sl := rl.ScopeLogs().AppendEmpty()
			sl.SetSchemaUrl("https://opentelemetry.io/schemas/1.0.0")
			sl.Scope().SetName("scope")
			sl.Scope().SetVersion("1.0")
			sl.Scope().Attributes().PutStr("a", "b")
			lr := sl.LogRecords().AppendEmpty()
			lr.SetTimestamp(1_700_000_000_000_000_000)
			lr.Body().SetStr("connection reset")
			lr.SetSeverityText("INFO")
			return ld
		}
		fill := func(ld plog.Logs) ([]any, string) {
			b := new(Logs)
			b.Reset()
			b.Fill(ld)
			return drivers(b.Columns()), b.Token()
		}
		muts := map[string]func(plog.Logs){
			"resource schema url": func(l plog.Logs) { l.ResourceLogs().At(0).SetSchemaUrl("https://x/2") },
			"scope schema url":    func(l plog.Logs) { l.ResourceLogs().At(0).ScopeLogs().At(0).SetSchemaUrl("https://x/2") },
			"scope version":       func(l plog.Logs) { l.ResourceLogs().At(0).ScopeLogs().At(0).Scope().SetVersion("2.0") },
			"scope attributes":    func(l plog.Logs) { l.ResourceLogs().At(0).ScopeLogs().At(0).Scope().Attributes().PutStr("a", "c") },
			"event name":          func(l plog.Logs) { l.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).SetEventName("e") },
			"flags": func(l plog.Logs) {
				l.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).SetFlags(plog.DefaultLogRecordFlags.WithIsSampled(true))
			},
		}
		eachChange(t, base, fill, muts, check)
	})
	t.Run("traces", func(t *testing.T) {
		base := func() ptrace.Traces {
			td := ptrace.NewTraces()
			rs := td.ResourceSpans().AppendEmpty()
			rs.Resource().Attributes().PutStr("service.name", "svc")
			ss := rs.ScopeSpans().AppendEmpty()
			ss.Scope().SetName("scope")
			s := ss.Spans().AppendEmpty()
			s.SetName("GET")
			s.SetTraceID(pcommon.TraceID{1})
			s.SetSpanID(pcommon.SpanID{2})
			s.SetStartTimestamp(1_700_000_000_000_000_000)
			s.SetEndTimestamp(1_700_000_000_000_000_100)
			e := s.Events().AppendEmpty()
			e.SetName("ev")
			e.Attributes().PutStr("k", "v")
			l := s.Links().AppendEmpty()
			l.SetTraceID(pcommon.TraceID{3})
			l.Attributes().PutStr("k", "v")
			return td
		}
		fill := func(td ptrace.Traces) ([]any, string) {
			b := new(Traces)
			b.Reset()
			b.Fill(td)
			return drivers(b.Columns()), b.Token()
		}
		span := func(td ptrace.Traces) ptrace.Span { return td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0) }
		muts := map[string]func(ptrace.Traces){
			"event moved to a link": func(td ptrace.Traces) {
				// same bytes, another column: the event's attributes
				// become the link's
				span(td).Events().At(0).Attributes().Clear()
				span(td).Links().At(0).Attributes().PutStr("k2", "v")
			},
			"status code": func(td ptrace.Traces) { span(td).Status().SetCode(ptrace.StatusCodeError) },
		}
		eachChange(t, base, fill, muts, check)
	})
	t.Run("metrics", func(t *testing.T) {
		base := func() pmetric.Metrics {
			md := pmetric.NewMetrics()
			rm := md.ResourceMetrics().AppendEmpty()
			rm.Resource().Attributes().PutStr("service.name", "svc")
			sm := rm.ScopeMetrics().AppendEmpty()
			sm.Scope().SetName("scope")
			m := sm.Metrics().AppendEmpty()
			m.SetName("requests")
			m.SetUnit("1")
			m.SetDescription("requests served")
			dp := m.SetEmptyGauge().DataPoints().AppendEmpty()
			dp.SetTimestamp(1_700_000_000_000_000_000)
			dp.SetDoubleValue(5)
			h := sm.Metrics().AppendEmpty()
			h.SetName("latency")
			hp := h.SetEmptyHistogram().DataPoints().AppendEmpty()
			hp.SetTimestamp(1_700_000_000_000_000_000)
			hp.BucketCounts().FromRaw([]uint64{5, 0})
			hp.ExplicitBounds().FromRaw([]float64{1})
			return md
		}
		type filled struct {
			gauge, hist       []any
			gaugeTok, histTok string
		}
		fill := func(md pmetric.Metrics) filled {
			b := new(Metrics)
			b.Reset()
			b.Fill(md)
			return filled{drivers(b.Gauge.GaugeColumns()), drivers(b.Histogram.Columns()),
				b.Gauge.Token(), b.Histogram.Token()}
		}
		sm := func(md pmetric.Metrics) pmetric.ScopeMetrics { return md.ResourceMetrics().At(0).ScopeMetrics().At(0) }
		gaugeMuts := map[string]func(pmetric.Metrics){
			"unit":                func(md pmetric.Metrics) { sm(md).Metrics().At(0).SetUnit("ms") },
			"description":         func(md pmetric.Metrics) { sm(md).Metrics().At(0).SetDescription("other") },
			"scope version":       func(md pmetric.Metrics) { sm(md).Scope().SetVersion("2") },
			"scope dropped":       func(md pmetric.Metrics) { sm(md).Scope().SetDroppedAttributesCount(3) },
			"scope schema url":    func(md pmetric.Metrics) { sm(md).SetSchemaUrl("https://x/2") },
			"resource schema url": func(md pmetric.Metrics) { md.ResourceMetrics().At(0).SetSchemaUrl("https://x/2") },
		}
		a := fill(base())
		for name, mut := range gaugeMuts {
			md := base()
			mut(md)
			b := fill(md)
			check(t, name, a.gauge, b.gauge, a.gaugeTok, b.gaugeTok)
		}
		md := base()
		hp := sm(md).Metrics().At(1).Histogram().DataPoints().At(0)
		// bucket 0 moved to the bounds: 0.0 has the bits of count 0
		hp.BucketCounts().FromRaw([]uint64{5})
		hp.ExplicitBounds().FromRaw([]float64{0, 1})
		b := fill(md)
		check(t, "histogram buckets and bounds", a.hist, b.hist, a.histTok, b.histTok)
	})
}

// The same line logged twice with a coarse (second) timestamp, read in
// two batches, is two events: the collector observed them at different
// times. Their rows are equal, but they must not share a token, or the
// server drops the second as a retry of the first. A retry carries the
// same pdata, observed time included.
func TestTokenKeepsRepeatedLogLinesApart(t *testing.T) {
	line := func(observed pcommon.Timestamp) string {
		ld := plog.NewLogs()
		lr := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
		lr.SetTimestamp(1_700_000_000_000_000_000)
		lr.SetObservedTimestamp(observed)
		lr.Body().SetStr("retrying connection to db:5432")
		b := new(Logs)
		b.Reset()
		b.Fill(ld)
		return b.Token()
	}
	if line(1_700_000_000_100_000_000) == line(1_700_000_000_300_000_000) {
		t.Fatal("two observations of the same line share a token")
	}
	first, retry := line(5), line(5)
	if first != retry {
		t.Fatal("a retry has another token")
	}
}

// Fields packed into one hashed number must not overlap: a log record's
// flags are 32 bits on the wire (only the low 8 are stored), so severity
// 1 with flags 0 and severity 0 with flags 256 are different rows and
// must not share a token.
func TestTokenPackedFieldsDoNotOverlap(t *testing.T) {
	token := func(sev plog.SeverityNumber, flags uint32) string {
		ld := plog.NewLogs()
		lr := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
		lr.SetSeverityNumber(sev)
		lr.SetFlags(plog.LogRecordFlags(flags))
		var b Logs
		b.Reset()
		b.Fill(ld)
		return b.Token()
	}
	if token(1, 0) == token(0, 256) {
		t.Fatal("severity 1, flags 0 and severity 0, flags 256 share a token")
	}
}
