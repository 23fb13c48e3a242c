package chcol

import (
	"time"

	"go.opentelemetry.io/collector/pdata/ptrace"
)

// Traces is the columns of otel_traces, in schema.Traces order.
type Traces struct {
	common
	Timestamp       []time.Time
	TraceID         []string
	SpanID          []string
	ParentSpanID    []string
	TraceState      []string
	SpanName        []any
	SpanKind        []any
	ServiceName     []any
	ResourceAttrs   MapCol
	ScopeName       []string
	ScopeVersion    []string
	SpanAttrs       MapCol
	Duration        []uint64
	StatusCode      []any
	StatusMessage   []string
	EventTimes      Arr[time.Time]
	EventNames      LCArr
	EventAttrs      MapArr
	LinkTraceIDs    Arr[string]
	LinkSpanIDs     Arr[string]
	LinkTraceStates Arr[string]
	LinkAttrs       MapArr
	cols            []any
}

// Reset empties the columns, keeping their memory.
func (b *Traces) Reset() {
	b.reset()
	b.Timestamp = b.Timestamp[:0]
	b.TraceID = b.TraceID[:0]
	b.SpanID = b.SpanID[:0]
	b.ParentSpanID = b.ParentSpanID[:0]
	b.TraceState = b.TraceState[:0]
	b.SpanName = clearAny(b.SpanName)
	b.SpanKind = clearAny(b.SpanKind)
	b.ServiceName = clearAny(b.ServiceName)
	b.ResourceAttrs.reset(&b.common, &b.hasher)
	b.ScopeName = b.ScopeName[:0]
	b.ScopeVersion = b.ScopeVersion[:0]
	b.SpanAttrs.reset(&b.common, &b.hasher)
	b.Duration = b.Duration[:0]
	b.StatusCode = clearAny(b.StatusCode)
	b.StatusMessage = b.StatusMessage[:0]
	b.EventTimes.reset()
	b.EventNames.reset()
	b.EventAttrs.reset(&b.common, &b.hasher)
	b.LinkTraceIDs.reset()
	b.LinkSpanIDs.reset()
	b.LinkTraceStates.reset()
	b.LinkAttrs.reset(&b.common, &b.hasher)
}

// Rows is the number of rows filled.
func (b *Traces) Rows() int { return len(b.Timestamp) }

// Fill appends every span of td, one row each.
func (b *Traces) Fill(td ptrace.Traces) {
	rss := td.ResourceSpans()
	for i := range rss.Len() {
		rs := rss.At(i)
		res := rs.Resource()
		service := b.intern(serviceName(res.Attributes()))
		resAdded := false
		sss := rs.ScopeSpans()
		for j := range sss.Len() {
			ss := sss.At(j)
			scope := ss.Scope()
			b.hstr(scope.Name())
			b.hstr(scope.Version())
			spans := ss.Spans()
			for k := range spans.Len() {
				if resAdded {
					b.ResourceAttrs.Repeat()
				} else {
					b.ResourceAttrs.Append(res.Attributes())
					resAdded = true
				}
				b.ServiceName = append(b.ServiceName, service)
				b.ScopeName = append(b.ScopeName, scope.Name())
				b.ScopeVersion = append(b.ScopeVersion, scope.Version())
				b.appendSpan(spans.At(k))
			}
		}
	}
}

func (b *Traces) appendSpan(s ptrace.Span) {
	traceID, spanID, parentID := s.TraceID(), s.SpanID(), s.ParentSpanID()
	start, end := s.StartTimestamp(), s.EndTimestamp()
	var d uint64
	if end > start {
		d = uint64(end - start)
	}
	st := s.Status()
	b.Timestamp = append(b.Timestamp, timeOf(start))
	b.TraceID = append(b.TraceID, b.hexID(traceID[:]))
	b.SpanID = append(b.SpanID, b.hexID(spanID[:]))
	b.ParentSpanID = append(b.ParentSpanID, b.hexID(parentID[:]))
	b.TraceState = append(b.TraceState, s.TraceState().AsRaw())
	b.SpanName = append(b.SpanName, b.intern(s.Name()))
	// pdata's names (Server, Error, ...), as contrib and Grafana's trace
	// queries use them; an unknown value gets pdata's text for it.
	b.SpanKind = append(b.SpanKind, b.intern(s.Kind().String()))
	b.SpanAttrs.Append(s.Attributes())
	b.Duration = append(b.Duration, d)
	b.StatusCode = append(b.StatusCode, b.intern(st.Code().String()))
	b.StatusMessage = append(b.StatusMessage, st.Message())
	_, _ = b.hash.Write(traceID[:])
	_, _ = b.hash.Write(spanID[:])
	_, _ = b.hash.Write(parentID[:])
	b.hu64(uint64(start))
	b.hu64(uint64(end))
	b.hu64(uint64(s.Kind())<<8 | uint64(st.Code()))
	b.hstr(s.Name())
	b.hstr(s.TraceState().AsRaw())
	b.hstr(st.Message())

	events := s.Events()
	for i := range events.Len() {
		e := events.At(i)
		b.EventTimes.Add(timeOf(e.Timestamp()))
		b.EventNames.Add(b.intern(e.Name()))
		b.EventAttrs.Add(e.Attributes())
		b.hu64(uint64(e.Timestamp()))
		b.hstr(e.Name())
	}
	b.hu64(uint64(events.Len()))
	b.EventTimes.EndRow()
	b.EventNames.EndRow()
	b.EventAttrs.EndRow()

	links := s.Links()
	for i := range links.Len() {
		l := links.At(i)
		tid, sid := l.TraceID(), l.SpanID()
		b.LinkTraceIDs.Add(b.hexID(tid[:]))
		b.LinkSpanIDs.Add(b.hexID(sid[:]))
		b.LinkTraceStates.Add(l.TraceState().AsRaw())
		b.LinkAttrs.Add(l.Attributes())
		_, _ = b.hash.Write(tid[:])
		_, _ = b.hash.Write(sid[:])
		b.hstr(l.TraceState().AsRaw())
	}
	b.hu64(uint64(links.Len()))
	b.LinkTraceIDs.EndRow()
	b.LinkSpanIDs.EndRow()
	b.LinkTraceStates.EndRow()
	b.LinkAttrs.EndRow()
}

// Columns are the filled columns in schema.Traces order, for Append.
func (b *Traces) Columns() []any {
	b.cols = append(b.cols[:0],
		b.Timestamp, b.TraceID, b.SpanID, b.ParentSpanID, b.TraceState, b.SpanName, b.SpanKind,
		b.ServiceName, b.ResourceAttrs.Rows(), b.ScopeName, b.ScopeVersion, b.SpanAttrs.Rows(),
		b.Duration, b.StatusCode, b.StatusMessage,
		b.EventTimes.Rows(), b.EventNames.Rows(), b.EventAttrs.Rows(),
		b.LinkTraceIDs.Rows(), b.LinkSpanIDs.Rows(), b.LinkTraceStates.Rows(), b.LinkAttrs.Rows())
	return b.cols
}
