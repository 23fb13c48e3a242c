package chcol

import (
	"go.opentelemetry.io/collector/pdata/plog"
)

// Logs is the columns of otel_logs, in schema.Logs order.
type Logs struct {
	common
	Timestamp      Times
	TraceID        Strs
	SpanID         Strs
	TraceFlags     Nums[uint8]
	SeverityText   LCs
	SeverityNumber Nums[uint8]
	ServiceName    LCs
	Body           Strs
	ResourceSchema LCs
	ResourceAttrs  MapCol
	ScopeSchema    LCs
	ScopeName      Strs
	ScopeVersion   LCs
	ScopeAttrs     MapCol
	LogAttrs       MapCol
	EventName      Strs
	cols           []Col
}

// Reset empties the columns, keeping their memory.
func (b *Logs) Reset() {
	b.reset()
	resetCols(&b.common, &b.hasher, b.Columns())
}

// Rows is the number of rows filled.
func (b *Logs) Rows() int { return b.Timestamp.Len() }

// Fill appends every log record of ld, one row each.
func (b *Logs) Fill(ld plog.Logs) {
	rls := ld.ResourceLogs()
	for i := range rls.Len() {
		rl := rls.At(i)
		res := rl.Resource()
		service := b.intern(serviceName(res.Attributes()))
		resSchema := b.intern(rl.SchemaUrl())
		sls := rl.ScopeLogs()
		// The counts frame each resource and scope, so that empty ones
		// cannot shift what is hashed from one container to the next.
		b.hstr(rl.SchemaUrl())
		b.hu64(uint64(sls.Len()))
		resAttrsAdded := false
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
			b.hu64(uint64(lrs.Len()))
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
				b.ServiceName.Append(service)
				b.ResourceSchema.Append(resSchema)
				b.ScopeSchema.Append(scopeSchema)
				b.ScopeName.Append(scope.Name())
				b.ScopeVersion.Append(scopeVersion)
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
	b.Timestamp.Append(uint64(t))
	b.TraceID.Append(b.hexID(traceID[:]))
	b.SpanID.Append(b.hexID(spanID[:]))
	b.TraceFlags.Append(uint8(lr.Flags()))
	b.SeverityText.Append(b.intern(lr.SeverityText()))
	b.SeverityNumber.Append(uint8(lr.SeverityNumber()))
	b.Body.Append(body)
	b.LogAttrs.Append(lr.Attributes())
	b.EventName.Append(lr.EventName())
	b.hu64(uint64(t))
	// Not stored, but it tells a line logged twice with a coarse
	// timestamp from a retry of the same batch (see Token).
	b.hu64(uint64(lr.ObservedTimestamp()))
	b.hstr(body)
	b.hstr(lr.SeverityText())
	// TraceFlags stores the low byte of the flags; the rest would
	// overlap the severity.
	b.hu64(uint64(lr.SeverityNumber())<<8 | uint64(uint8(lr.Flags())))
	b.hbytes(traceID[:])
	b.hbytes(spanID[:])
	b.hstr(lr.EventName())
}

// Columns are the filled columns in schema.Logs order.
func (b *Logs) Columns() []Col {
	b.cols = append(b.cols[:0],
		&b.Timestamp, &b.TraceID, &b.SpanID, &b.TraceFlags, &b.SeverityText, &b.SeverityNumber,
		&b.ServiceName, &b.Body, &b.ResourceSchema, &b.ResourceAttrs, &b.ScopeSchema,
		&b.ScopeName, &b.ScopeVersion, &b.ScopeAttrs, &b.LogAttrs, &b.EventName)
	return b.cols
}
