package esbulk

import (
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

var (
	ecsSpanFixed  = []string{"@timestamp", "trace.id", "span.id", "parent.id", "span.name", "span.kind", "event.duration", "event.outcome", "message", "data_stream"}
	rawSpanFixed  = []string{"@timestamp", "trace_id", "span_id", "parent_span_id", "name", "kind", "duration", "status_code", "status_message"}
	ecsEventFixed = []string{"@timestamp", "trace.id", "span.id", "event.action", "data_stream"}
	rawEventFixed = []string{"@timestamp", "trace_id", "span_id", "event_name"}
)

// EncodeTraces appends one document per span of td, and one per span
// event, to b. A span's events carry the span's key, so a span and its
// events are retried together.
func (e *Encoder) EncodeTraces(b *Batch, td ptrace.Traces) {
	key := int32(0)
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		rs := rss.At(i)
		sss := rs.ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			ss := sss.At(j)
			spans := ss.Spans()
			for k := 0; k < spans.Len(); k++ {
				sp := spans.At(k)
				e.spanDoc(b, rs, ss, sp)
				e.end(b, key)
				evs := sp.Events()
				for l := 0; l < evs.Len(); l++ {
					e.eventDoc(b, rs, ss, sp, evs.At(l))
					e.end(b, key)
				}
				key++
			}
		}
	}
}

func (e *Encoder) spanDoc(b *Batch, rs ptrace.ResourceSpans, ss ptrace.ScopeSpans, sp ptrace.Span) {
	sc := scopes{item: sp.Attributes(), scope: ss.Scope().Attributes(), resource: rs.Resource().Attributes()}
	e.begin(b, "traces", sp.StartTimestamp(), sc, true)
	w := &e.w
	w.time("@timestamp", sp.StartTimestamp())
	dur := int64(sp.EndTimestamp()) - int64(sp.StartTimestamp())
	switch e.opt.Mode {
	case ModeECS:
		e.dataStream("traces", sc)
		e.ids("trace.id", "span.id", sp.TraceID(), sp.SpanID())
		w.hexIDSpan("parent.id", sp.ParentSpanID())
		w.strIf("span.name", sp.Name())
		w.str("span.kind", sp.Kind().String())
		w.int("event.duration", dur)
		w.str("event.outcome", outcome(sp.Status().Code()))
		w.strIf("message", sp.Status().Message())
		e.flat(sp.Attributes(), rs.Resource().Attributes(), ecsSpanFixed, ecsName)
	case ModeRaw:
		e.ids("trace_id", "span_id", sp.TraceID(), sp.SpanID())
		w.hexIDSpan("parent_span_id", sp.ParentSpanID())
		w.strIf("name", sp.Name())
		w.str("kind", sp.Kind().String())
		w.int("duration", dur)
		w.str("status_code", sp.Status().Code().String())
		w.strIf("status_message", sp.Status().Message())
		e.flat(sp.Attributes(), rs.Resource().Attributes(), rawSpanFixed, nil)
	default:
		e.dataStream("traces", sc)
		e.ids("trace_id", "span_id", sp.TraceID(), sp.SpanID())
		w.hexIDSpan("parent_span_id", sp.ParentSpanID())
		w.strIf("trace_state", sp.TraceState().AsRaw())
		w.strIf("name", sp.Name())
		w.str("kind", sp.Kind().String())
		w.int("duration", dur)
		w.openObj("status")
		w.str("code", sp.Status().Code().String())
		w.strIf("message", sp.Status().Message())
		w.close('}')
		e.otelAttrs("attributes", sp.Attributes())
		e.links(sp.Links())
		e.otelResourceScope(rs.Resource(), rs.SchemaUrl(), ss.Scope())
	}
}

func (e *Encoder) links(ls ptrace.SpanLinkSlice) {
	if ls.Len() == 0 {
		return
	}
	w := &e.w
	w.openArr("links")
	for i := 0; i < ls.Len(); i++ {
		l := ls.At(i)
		w.elem()
		w.open('{')
		e.ids("trace_id", "span_id", l.TraceID(), l.SpanID())
		e.otelAttrs("attributes", l.Attributes())
		w.close('}')
	}
	w.close(']')
}

// eventDoc writes a span event as a log document of its own.
func (e *Encoder) eventDoc(b *Batch, rs ptrace.ResourceSpans, ss ptrace.ScopeSpans, sp ptrace.Span, ev ptrace.SpanEvent) {
	sc := scopes{item: ev.Attributes(), scope: ss.Scope().Attributes(), resource: rs.Resource().Attributes()}
	e.begin(b, "logs", ev.Timestamp(), sc, false)
	w := &e.w
	w.time("@timestamp", ev.Timestamp())
	switch e.opt.Mode {
	case ModeECS:
		e.dataStream("logs", sc)
		e.ids("trace.id", "span.id", sp.TraceID(), sp.SpanID())
		w.strIf("event.action", ev.Name())
		e.flat(ev.Attributes(), rs.Resource().Attributes(), ecsEventFixed, ecsName)
	case ModeRaw:
		e.ids("trace_id", "span_id", sp.TraceID(), sp.SpanID())
		w.strIf("event_name", ev.Name())
		e.flat(ev.Attributes(), rs.Resource().Attributes(), rawEventFixed, nil)
	default:
		e.dataStream("logs", sc)
		e.ids("trace_id", "span_id", sp.TraceID(), sp.SpanID())
		w.strIf("event_name", ev.Name())
		e.otelAttrs("attributes", ev.Attributes())
		e.otelResourceScope(rs.Resource(), rs.SchemaUrl(), ss.Scope())
	}
}

// outcome is the ECS event.outcome of a span status.
func outcome(c ptrace.StatusCode) string {
	switch c {
	case ptrace.StatusCodeOk:
		return "success"
	case ptrace.StatusCodeError:
		return "failure"
	}
	return "unknown"
}

func (w *jw) hexIDSpan(k string, id pcommon.SpanID) { w.hexID(k, id[:]) }
