package chcol

import (
	"time"

	"go.opentelemetry.io/collector/pdata/plog"
)

// Logs is the columns of otel_logs, in schema.Logs order.
type Logs struct {
	common
	Timestamp      []time.Time
	TraceID        []string
	SpanID         []string
	TraceFlags     []uint8
	SeverityText   []any
	SeverityNumber []uint8
	ServiceName    []any
	Body           []string
	ResourceSchema []any
	ResourceAttrs  MapCol
	ScopeSchema    []any
	ScopeName      []string
	ScopeVersion   []any
	ScopeAttrs     MapCol
	LogAttrs       MapCol
	EventName      []string
	cols           []any
}

// Reset empties the columns, keeping their memory.
func (b *Logs) Reset() {
	b.reset()
	b.Timestamp = b.Timestamp[:0]
	b.TraceID = b.TraceID[:0]
	b.SpanID = b.SpanID[:0]
	b.TraceFlags = b.TraceFlags[:0]
	b.SeverityText = clearAny(b.SeverityText)
	b.SeverityNumber = b.SeverityNumber[:0]
	b.ServiceName = clearAny(b.ServiceName)
	b.Body = b.Body[:0]
	b.ResourceSchema = clearAny(b.ResourceSchema)
	b.ResourceAttrs.reset(&b.common, &b.hasher)
	b.ScopeSchema = clearAny(b.ScopeSchema)
	b.ScopeName = b.ScopeName[:0]
	b.ScopeVersion = clearAny(b.ScopeVersion)
	b.ScopeAttrs.reset(&b.common, &b.hasher)
	b.LogAttrs.reset(&b.common, &b.hasher)
	b.EventName = b.EventName[:0]
}

// Rows is the number of rows filled.
func (b *Logs) Rows() int { return len(b.Timestamp) }

// Fill appends every log record of ld, one row each.
func (b *Logs) Fill(ld plog.Logs) {
	rls := ld.ResourceLogs()
	for i := range rls.Len() {
		rl := rls.At(i)
		res := rl.Resource()
		service := b.intern(serviceName(res.Attributes()))
		resSchema := b.intern(rl.SchemaUrl())
		b.hstr(rl.SchemaUrl())
		resAttrsAdded := false
		sls := rl.ScopeLogs()
		for j := range sls.Len() {
			sl := sls.At(j)
			scope := sl.Scope()
			scopeSchema := b.intern(sl.SchemaUrl())
			scopeVersion := b.intern(scope.Version())
			scopeAttrsAdded := false
			b.hstr(scope.Name())
			b.hstr(scope.Version())
			b.hstr(sl.SchemaUrl())
			lrs := sl.LogRecords()
			for k := range lrs.Len() {
				lr := lrs.At(k)
				if resAttrsAdded {
					b.ResourceAttrs.Repeat()
				} else {
					b.ResourceAttrs.Append(res.Attributes())
					resAttrsAdded = true
				}
				if scopeAttrsAdded {
					b.ScopeAttrs.Repeat()
				} else {
					b.ScopeAttrs.Append(scope.Attributes())
					scopeAttrsAdded = true
				}
				b.appendRecord(lr)
				b.ServiceName = append(b.ServiceName, service)
				b.ResourceSchema = append(b.ResourceSchema, resSchema)
				b.ScopeSchema = append(b.ScopeSchema, scopeSchema)
				b.ScopeName = append(b.ScopeName, scope.Name())
				b.ScopeVersion = append(b.ScopeVersion, scopeVersion)
			}
		}
	}
}

func (b *Logs) appendRecord(lr plog.LogRecord) {
	t := lr.Timestamp()
	if t == 0 {
		t = lr.ObservedTimestamp()
	}
	traceID, spanID := lr.TraceID(), lr.SpanID()
	body := b.valueString(lr.Body())
	b.Timestamp = append(b.Timestamp, timeOf(t))
	b.TraceID = append(b.TraceID, b.hexID(traceID[:]))
	b.SpanID = append(b.SpanID, b.hexID(spanID[:]))
	b.TraceFlags = append(b.TraceFlags, uint8(lr.Flags()))
	b.SeverityText = append(b.SeverityText, b.intern(lr.SeverityText()))
	b.SeverityNumber = append(b.SeverityNumber, uint8(lr.SeverityNumber()))
	b.Body = append(b.Body, body)
	b.LogAttrs.Append(lr.Attributes())
	b.EventName = append(b.EventName, lr.EventName())
	b.hu64(uint64(t))
	// Not stored, but it tells a line logged twice with a coarse
	// timestamp from a retry of the same batch (see Token).
	b.hu64(uint64(lr.ObservedTimestamp()))
	b.hstr(body)
	b.hstr(lr.SeverityText())
	b.hu64(uint64(lr.SeverityNumber())<<8 | uint64(lr.Flags()))
	_, _ = b.hash.Write(traceID[:])
	_, _ = b.hash.Write(spanID[:])
	b.hstr(lr.EventName())
}

// Columns are the filled columns in schema.Logs order, for Append.
func (b *Logs) Columns() []any {
	b.cols = append(b.cols[:0],
		b.Timestamp, b.TraceID, b.SpanID, b.TraceFlags, b.SeverityText, b.SeverityNumber,
		b.ServiceName, b.Body, b.ResourceSchema, b.ResourceAttrs.Rows(), b.ScopeSchema,
		b.ScopeName, b.ScopeVersion, b.ScopeAttrs.Rows(), b.LogAttrs.Rows(), b.EventName)
	return b.cols
}
