package esbulk

import (
	"bytes"
	"encoding/base64"
	"math"
	"strconv"
	"time"

	"github.com/otelhub/otelhub/internal/jsonstr"
	"go.opentelemetry.io/collector/pdata/pcommon"
)

// maxDepth bounds the nesting of attribute values written as JSON; deeper
// values are written as their string form, so hostile input cannot blow
// the stack.
const maxDepth = 24

// jw appends one JSON document to b. It tracks, per nesting level, whether
// the next member needs a comma, so callers only name keys and values.
type jw struct {
	b     []byte
	comma uint64 // bit d: the object or array at depth d has members
	depth uint
	// keys holds where each key of the open objects starts in b, and
	// marks[d] where the keys of the object at depth d start in keys, so
	// member can refuse a key its object already has: Elasticsearch
	// refuses documents with a key twice, which OTLP from the wire (one
	// key twice in a map), ECS renames and invalid UTF-8 (two keys, one
	// escaped form) could otherwise produce.
	keys  []int32
	marks [64]int32
	// badKeys counts the keys member left out as field names
	// Elasticsearch refuses.
	badKeys int
}

// reset starts a new document at the end of b.
func (w *jw) reset(b []byte) {
	w.b, w.depth, w.comma, w.keys, w.badKeys = b, 0, 0, w.keys[:0], 0
}

func (w *jw) sep() {
	if w.comma&(1<<w.depth) != 0 {
		w.b = append(w.b, ',')
	}
	w.comma |= 1 << w.depth
}

func (w *jw) open(c byte) {
	w.b = append(w.b, c)
	w.depth++
	w.comma &^= 1 << w.depth
	w.marks[w.depth] = int32(len(w.keys))
}

func (w *jw) close(c byte) {
	w.b = append(w.b, c)
	w.keys = w.keys[:w.marks[w.depth]]
	w.depth--
}

// key writes the separator and "k":.
func (w *jw) key(k string) {
	w.sep()
	w.keys = append(w.keys, int32(len(w.b)))
	w.b = jsonstr.Append(w.b, k)
	w.b = append(w.b, ':')
}

// member writes the key k like key, unless the open object already has a
// key of the same escaped form, or k is no field name for Elasticsearch:
// then it writes nothing and returns false, and the caller skips the
// value (the first one wins).
func (w *jw) member(k string) bool {
	if !fieldName(k) {
		w.badKeys++
		return false
	}
	mark, had := len(w.b), w.comma&(1<<w.depth) != 0
	w.key(k)
	n := len(w.keys) - 1
	enc := w.b[w.keys[n]:] // "k": — the closing quote and colon make a prefix match exact
	for _, at := range w.keys[w.marks[w.depth]:n] {
		if bytes.HasPrefix(w.b[at:], enc) {
			w.b, w.keys = w.b[:mark], w.keys[:n]
			if !had {
				w.comma &^= 1 << w.depth
			}
			return false
		}
	}
	return true
}

// elem writes the separator before an array element.
func (w *jw) elem() { w.sep() }

func (w *jw) str(k, v string) {
	w.key(k)
	w.b = jsonstr.Append(w.b, v)
}

func (w *jw) strIf(k, v string) {
	if v != "" {
		w.str(k, v)
	}
}

func (w *jw) int(k string, v int64) {
	w.key(k)
	w.b = strconv.AppendInt(w.b, v, 10)
}

func (w *jw) uint(k string, v uint64) {
	w.key(k)
	w.b = strconv.AppendUint(w.b, v, 10)
}

func (w *jw) float(k string, v float64) {
	w.key(k)
	w.b = appendFloat(w.b, v)
}

func (w *jw) time(k string, ts pcommon.Timestamp) {
	w.key(k)
	w.b = appendTime(w.b, ts)
}

func (w *jw) openObj(k string) {
	w.key(k)
	w.open('{')
}

func (w *jw) openArr(k string) {
	w.key(k)
	w.open('[')
}

// appendFloat writes v as a JSON number; NaN and infinities, which JSON
// cannot hold, become null.
func appendFloat(b []byte, v float64) []byte {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return append(b, "null"...)
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}

// appendTime writes ts as an RFC 3339 string in UTC with nanoseconds.
func appendTime(b []byte, ts pcommon.Timestamp) []byte {
	b = append(b, '"')
	b = time.Unix(0, int64(ts)).UTC().AppendFormat(b, "2006-01-02T15:04:05.000000000Z")
	return append(b, '"')
}

const hexDigits = "0123456789abcdef"

// value writes an attribute value: maps as objects, slices as arrays,
// bytes as base64.
func (w *jw) value(v pcommon.Value) {
	switch v.Type() {
	case pcommon.ValueTypeStr:
		w.b = jsonstr.Append(w.b, v.Str())
	case pcommon.ValueTypeInt:
		w.b = strconv.AppendInt(w.b, v.Int(), 10)
	case pcommon.ValueTypeDouble:
		w.b = appendFloat(w.b, v.Double())
	case pcommon.ValueTypeBool:
		w.b = strconv.AppendBool(w.b, v.Bool())
	case pcommon.ValueTypeBytes:
		w.b = append(w.b, '"')
		w.b = base64.StdEncoding.AppendEncode(w.b, v.Bytes().AsRaw())
		w.b = append(w.b, '"')
	case pcommon.ValueTypeMap:
		if w.depth >= maxDepth {
			w.b = jsonstr.Append(w.b, v.AsString())
			return
		}
		w.open('{')
		w.attrs(v.Map(), nil)
		w.close('}')
	case pcommon.ValueTypeSlice:
		if w.depth >= maxDepth {
			w.b = jsonstr.Append(w.b, v.AsString())
			return
		}
		w.open('[')
		for _, x := range v.Slice().All() {
			w.elem()
			w.value(x)
		}
		w.close(']')
	default:
		w.b = append(w.b, "null"...)
	}
}

// attrs writes the members of m, skipping keys skip accepts (skip may be
// nil).
func (w *jw) attrs(m pcommon.Map, skip func(string) bool) {
	for k, v := range m.All() {
		if skip != nil && skip(k) || !w.member(k) {
			continue
		}
		w.value(v)
	}
}

// hexID writes a trace or span id as lowercase hex; empty ids are skipped.
func (w *jw) hexID(k string, id []byte) {
	empty := true
	for _, c := range id {
		if c != 0 {
			empty = false
			break
		}
	}
	if empty {
		return
	}
	w.key(k)
	w.b = append(w.b, '"')
	for _, c := range id {
		w.b = append(w.b, hexDigits[c>>4], hexDigits[c&0xf])
	}
	w.b = append(w.b, '"')
}

func appendInt(b []byte, v int64) []byte   { return strconv.AppendInt(b, v, 10) }
func appendUint(b []byte, v uint64) []byte { return strconv.AppendUint(b, v, 10) }

// fieldName reports whether Elasticsearch takes k as a field name: every
// part between dots has a character other than white space. It refuses
// the whole document otherwise ("field name cannot be an empty string",
// "field name starting or ending with a [.] makes object resolution
// ambiguous").
func fieldName(k string) bool {
	blank := true
	for i := 0; i < len(k); i++ {
		switch k[i] {
		case '.':
			if blank {
				return false
			}
		case ' ', '\t', '\n', '\r', '\v', '\f':
			continue
		default:
			blank = false
			continue
		}
		blank = true // a new part starts after the dot
	}
	return !blank
}
