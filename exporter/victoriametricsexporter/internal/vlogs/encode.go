// Package vlogs encodes pdata logs as VictoriaLogs JSON lines: one JSON
// object per record with _time, _msg, severity, trace context, and the
// resource, scope and record attributes as fields. It is pure and reuses
// its buffer.
package vlogs

import (
	"strconv"
	"time"

	"github.com/otelhub/otelhub/internal/jsonstr"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
)

// Encode appends one JSON line per log record of ld to dst. now stands in
// for records without any timestamp.
func Encode(dst []byte, ld plog.Logs, now time.Time) []byte {
	rls := ld.ResourceLogs()
	for i := 0; i < rls.Len(); i++ {
		rl := rls.At(i)
		res := rl.Resource().Attributes()
		sls := rl.ScopeLogs()
		for j := 0; j < sls.Len(); j++ {
			sl := sls.At(j)
			lrs := sl.LogRecords()
			for k := 0; k < lrs.Len(); k++ {
				dst = record(dst, res, sl.Scope(), lrs.At(k), now)
			}
		}
	}
	return dst
}

func record(dst []byte, res pcommon.Map, scope pcommon.InstrumentationScope, lr plog.LogRecord, now time.Time) []byte {
	ts := lr.Timestamp()
	if ts == 0 {
		ts = lr.ObservedTimestamp()
	}
	t := now
	if ts != 0 {
		t = ts.AsTime()
	}
	dst = append(dst, `{"_time":"`...)
	dst = t.UTC().AppendFormat(dst, time.RFC3339Nano)
	dst = append(dst, `","_msg":`...)
	dst = appendValueString(dst, lr.Body())
	if sev := severity(lr); sev != "" {
		dst = append(dst, `,"severity":`...)
		dst = jsonstr.Append(dst, sev)
	}
	if tid := lr.TraceID(); !tid.IsEmpty() {
		dst = append(dst, `,"trace_id":"`...)
		dst = appendHex(dst, tid[:])
		dst = append(dst, '"')
	}
	if sid := lr.SpanID(); !sid.IsEmpty() {
		dst = append(dst, `,"span_id":"`...)
		dst = appendHex(dst, sid[:])
		dst = append(dst, '"')
	}
	if scope.Name() != "" {
		dst = append(dst, `,"scope.name":`...)
		dst = jsonstr.Append(dst, scope.Name())
	}
	dst = appendAttrs(dst, res)
	dst = appendAttrs(dst, lr.Attributes())
	return append(dst, "}\n"...)
}

// severity is the record's severity text, or the name of its number.
func severity(lr plog.LogRecord) string {
	if s := lr.SeverityText(); s != "" {
		return s
	}
	if lr.SeverityNumber() == plog.SeverityNumberUnspecified {
		return ""
	}
	return lr.SeverityNumber().String()
}

func appendAttrs(dst []byte, m pcommon.Map) []byte {
	for k, v := range m.All() {
		if k == "" || k == "_msg" || k == "_time" {
			continue // reserved by VictoriaLogs, or unnamed
		}
		dst = append(dst, ',')
		dst = jsonstr.Append(dst, k)
		dst = append(dst, ':')
		dst = appendValueString(dst, v)
	}
	return dst
}

// appendValueString writes v as a JSON string: VictoriaLogs fields are
// strings, and maps and slices travel as their JSON text.
func appendValueString(dst []byte, v pcommon.Value) []byte {
	switch v.Type() {
	case pcommon.ValueTypeStr:
		return jsonstr.Append(dst, v.Str())
	case pcommon.ValueTypeInt:
		dst = append(dst, '"')
		dst = strconv.AppendInt(dst, v.Int(), 10)
		return append(dst, '"')
	case pcommon.ValueTypeBool:
		dst = append(dst, '"')
		dst = strconv.AppendBool(dst, v.Bool())
		return append(dst, '"')
	case pcommon.ValueTypeEmpty:
		return append(dst, `""`...)
	default:
		return jsonstr.Append(dst, v.AsString())
	}
}

const hexDigits = "0123456789abcdef"

func appendHex(dst, p []byte) []byte {
	for _, c := range p {
		dst = append(dst, hexDigits[c>>4], hexDigits[c&0xf])
	}
	return dst
}
