package esbulk

import (
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
)

// Fixed top-level fields per mode; attributes never overwrite them.
var (
	ecsLogFixed = []string{"@timestamp", "message", "log.level", "event.severity", "trace.id", "span.id", "event.action", "data_stream"}
	rawLogFixed = []string{"@timestamp", "body", "severity_text", "severity_number", "trace_id", "span_id", "event_name"}
)

// EncodeLogs appends one document per log record of ld to b. Record keys
// are their positions in the traversal of ld. now stamps records with
// neither a timestamp nor an observed timestamp.
func (e *Encoder) EncodeLogs(b *Batch, ld plog.Logs, now pcommon.Timestamp) {
	key := int32(0)
	rls := ld.ResourceLogs()
	for i := 0; i < rls.Len(); i++ {
		rl := rls.At(i)
		sls := rl.ScopeLogs()
		for j := 0; j < sls.Len(); j++ {
			sl := sls.At(j)
			lrs := sl.LogRecords()
			for k := 0; k < lrs.Len(); k++ {
				e.logDoc(b, rl, sl, lrs.At(k), now)
				e.end(b, key)
				key++
			}
		}
	}
}

func logTime(lr plog.LogRecord, now pcommon.Timestamp) pcommon.Timestamp {
	if ts := lr.Timestamp(); ts != 0 {
		return ts
	}
	if ts := lr.ObservedTimestamp(); ts != 0 {
		return ts
	}
	return now
}

func (e *Encoder) logDoc(b *Batch, rl plog.ResourceLogs, sl plog.ScopeLogs, lr plog.LogRecord, now pcommon.Timestamp) {
	ts := logTime(lr, now)
	sc := scopes{item: lr.Attributes(), scope: sl.Scope().Attributes(), resource: rl.Resource().Attributes()}
	e.begin(b, "logs", ts, sc, true)
	w := &e.w
	w.time("@timestamp", ts)
	switch e.opt.Mode {
	case ModeECS:
		e.dataStream("logs", sc)
		e.ecsMessage("message", lr.Body())
		w.strIf("log.level", lr.SeverityText())
		if n := lr.SeverityNumber(); n != 0 {
			w.int("event.severity", int64(n))
		}
		e.ids("trace.id", "span.id", lr.TraceID(), lr.SpanID())
		w.strIf("event.action", lr.EventName())
		e.flat(lr.Attributes(), rl.Resource().Attributes(), ecsLogFixed, ecsName)
	case ModeRaw:
		if lr.Body().Type() != pcommon.ValueTypeEmpty {
			w.key("body")
			w.value(lr.Body())
		}
		e.severityOTel(lr)
		e.ids("trace_id", "span_id", lr.TraceID(), lr.SpanID())
		w.strIf("event_name", lr.EventName())
		e.flat(lr.Attributes(), rl.Resource().Attributes(), rawLogFixed, nil)
	default:
		if ots := lr.ObservedTimestamp(); ots != 0 {
			w.time("observed_timestamp", ots)
		}
		e.dataStream("logs", sc)
		e.severityOTel(lr)
		e.ids("trace_id", "span_id", lr.TraceID(), lr.SpanID())
		w.strIf("event_name", lr.EventName())
		e.otelBody(lr.Body())
		e.otelAttrs("attributes", lr.Attributes())
		if n := lr.DroppedAttributesCount(); n != 0 {
			w.uint("dropped_attributes_count", uint64(n))
		}
		e.otelResourceScope(rl.Resource(), rl.SchemaUrl(), sl.Scope())
	}
}

func (e *Encoder) severityOTel(lr plog.LogRecord) {
	e.w.strIf("severity_text", lr.SeverityText())
	if n := lr.SeverityNumber(); n != 0 {
		e.w.int("severity_number", int64(n))
	}
}

// otelBody writes body.text for a string body and body.structured for any
// other value.
func (e *Encoder) otelBody(v pcommon.Value) {
	w := &e.w
	switch v.Type() {
	case pcommon.ValueTypeEmpty:
		return
	case pcommon.ValueTypeStr:
		w.openObj("body")
		w.str("text", v.Str())
	default:
		w.openObj("body")
		w.key("structured")
		w.value(v)
	}
	w.close('}')
}

// ecsMessage writes a body as a message string: strings as they are,
// other values as their JSON text.
func (e *Encoder) ecsMessage(k string, v pcommon.Value) {
	switch v.Type() {
	case pcommon.ValueTypeEmpty:
	case pcommon.ValueTypeStr:
		e.w.str(k, v.Str())
	default:
		e.w.str(k, v.AsString())
	}
}

// ids writes a trace and a span id, each when set.
func (e *Encoder) ids(traceKey, spanKey string, tid pcommon.TraceID, sid pcommon.SpanID) {
	e.w.hexID(traceKey, tid[:])
	e.w.hexID(spanKey, sid[:])
}
