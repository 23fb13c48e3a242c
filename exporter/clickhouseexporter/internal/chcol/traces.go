package chcol

import (
	"time"

	"go.opentelemetry.io/collector/pdata/ptrace"
)

// Traces is the columns of otel_traces, in schema.Traces order.
type Traces struct {
	common
	Timestamp       Times
	TraceID         Strs
	SpanID          Strs
	ParentSpanID    Strs
	TraceState      Strs
	SpanName        LCs
	SpanKind        LCs
	ServiceName     LCs
	ResourceAttrs   MapCol
	ScopeName       Strs
	ScopeVersion    Strs
	SpanAttrs       MapCol
	Duration        Nums[uint64]
	StatusCode      LCs
	StatusMessage   Strs
	EventTimes      Arr[time.Time]
	EventNames      LCArr
	EventAttrs      MapArr
	LinkTraceIDs    Arr[string]
	LinkSpanIDs     Arr[string]
	LinkTraceStates Arr[string]
	LinkAttrs       MapArr
	cols            []Col
}

// Reset empties the columns, keeping their memory.
func (b *Traces) Reset() {
	b.reset()
	resetCols(&b.common, &b.hasher, b.Columns())
}

// Rows is the number of rows filled.
func (b *Traces) Rows() int { return b.Timestamp.Len() }

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
				b.ServiceName.Append(service)
				b.ScopeName.Append(scope.Name())
				b.ScopeVersion.Append(scope.Version())
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
	b.Timestamp.Append(uint64(start))
	b.TraceID.Append(b.hexID(traceID[:]))
	b.SpanID.Append(b.hexID(spanID[:]))
	b.ParentSpanID.Append(b.hexID(parentID[:]))
	b.TraceState.Append(s.TraceState().AsRaw())
	b.SpanName.Append(b.intern(s.Name()))
	// pdata's names (Server, Error, ...), as contrib and Grafana's trace
	// queries use them; an unknown value gets pdata's text for it.
	b.SpanKind.Append(b.intern(s.Kind().String()))
	b.SpanAttrs.Append(s.Attributes())
	b.Duration.Append(d)
	b.StatusCode.Append(b.intern(st.Code().String()))
	b.StatusMessage.Append(st.Message())
	b.hbytes(traceID[:])
	b.hbytes(spanID[:])
	b.hbytes(parentID[:])
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
		b.hbytes(tid[:])
		b.hbytes(sid[:])
		b.hstr(l.TraceState().AsRaw())
	}
	b.hu64(uint64(links.Len()))
	b.LinkTraceIDs.EndRow()
	b.LinkSpanIDs.EndRow()
	b.LinkTraceStates.EndRow()
	b.LinkAttrs.EndRow()
}

// Columns are the filled columns in schema.Traces order.
func (b *Traces) Columns() []Col {
	b.cols = append(b.cols[:0],
		&b.Timestamp, &b.TraceID, &b.SpanID, &b.ParentSpanID, &b.TraceState, &b.SpanName, &b.SpanKind,
		&b.ServiceName, &b.ResourceAttrs, &b.ScopeName, &b.ScopeVersion, &b.SpanAttrs,
		&b.Duration, &b.StatusCode, &b.StatusMessage,
		&b.EventTimes, &b.EventNames, &b.EventAttrs,
		&b.LinkTraceIDs, &b.LinkSpanIDs, &b.LinkTraceStates, &b.LinkAttrs)
	return b.cols
}
