// Package vlogs encodes pdata logs as VictoriaLogs JSON lines: one JSON
// object per record with _time, _msg, severity, trace context, and the
// resource, scope and record attributes as fields. It is pure and reuses
// its buffer.
package vlogs

import (
	"strconv"
	"time"
	"unicode/utf8"

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
		dst = appendString(dst, sev)
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
		dst = appendString(dst, scope.Name())
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
		dst = appendString(dst, k)
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
		return appendString(dst, v.Str())
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
		return appendString(dst, v.AsString())
	}
}

const hexDigits = "0123456789abcdef"

func appendHex(dst, p []byte) []byte {
	for _, c := range p {
		dst = append(dst, hexDigits[c>>4], hexDigits[c&0xf])
	}
	return dst
}

// appendString writes s as a JSON string; invalid UTF-8 becomes U+FFFD.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, "\ufffd"...)
			i++
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
