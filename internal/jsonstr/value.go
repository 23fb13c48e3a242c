package jsonstr

import (
	"encoding/base64"
	"math"
	"strconv"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// maxDepth bounds the nesting written as JSON, so hostile input cannot
// blow the stack; deeper values are written as pdata's text for them.
const maxDepth = 24

// AppendValue writes an attribute value as JSON without reflection: maps
// as objects (in the map's own order), slices as arrays, bytes as base64
// strings, numbers as encoding/json writes them. NaN and infinities,
// which JSON cannot hold, become null: pdata's AsString gives up on the
// whole value instead and returns "".
func AppendValue(b []byte, v pcommon.Value) []byte {
	return appendValue(b, v, 0)
}

func appendValue(b []byte, v pcommon.Value, depth int) []byte {
	switch v.Type() {
	case pcommon.ValueTypeStr:
		return Append(b, v.Str())
	case pcommon.ValueTypeInt:
		return strconv.AppendInt(b, v.Int(), 10)
	case pcommon.ValueTypeDouble:
		return AppendFloat(b, v.Double())
	case pcommon.ValueTypeBool:
		return strconv.AppendBool(b, v.Bool())
	case pcommon.ValueTypeBytes:
		b = append(b, '"')
		b = base64.StdEncoding.AppendEncode(b, v.Bytes().AsRaw())
		return append(b, '"')
	case pcommon.ValueTypeMap:
		if depth >= maxDepth {
			return Append(b, v.AsString())
		}
		b = append(b, '{')
		first := true
		for k, x := range v.Map().All() {
			if !first {
				b = append(b, ',')
			}
			first = false
			b = Append(b, k)
			b = append(b, ':')
			b = appendValue(b, x, depth+1)
		}
		return append(b, '}')
	case pcommon.ValueTypeSlice:
		if depth >= maxDepth {
			return Append(b, v.AsString())
		}
		b = append(b, '[')
		for i, x := range v.Slice().All() {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendValue(b, x, depth+1)
		}
		return append(b, ']')
	}
	return append(b, "null"...)
}

// AppendFloat writes f as encoding/json does (shortest form, exponent
// only for very small or large magnitudes); NaN and infinities become
// null.
func AppendFloat(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, "null"...)
	}
	abs, format := math.Abs(f), byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// e-07 → e-7, as encoding/json writes it
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}
