// Package chcol turns pdata into the column slices of otelhub's ClickHouse
// tables, ready for clickhouse-go's columnar batch API
// (batch.Column(i).Append(slice)). It is pure: no I/O.
//
// The slices are kept and reused from one batch to the next. Values are
// shaped so that clickhouse-go appends them without allocating: strings
// of LowCardinality columns are interned and passed boxed once (the
// driver dedups them by interface value), Map cells are small iterators
// over a shared key/value arena, and array elements are passed as
// pointers into flat slices. Strings built here (hex ids, numbers) live in
// a byte arena; they stay valid until the next Reset, and the driver
// copies them when they are appended.
package chcol

import (
	"encoding/binary"
	"math"
	"strconv"
	"time"
	"unsafe"

	"github.com/ClickHouse/clickhouse-go/v2/lib/column"
	"github.com/cespare/xxhash/v2"
	"go.opentelemetry.io/collector/pdata/pcommon"
)

// maxInterned bounds the intern table; past it the table starts afresh.
const maxInterned = 1 << 16

// hasher digests what goes into one table.
type hasher struct {
	hash xxhash.Digest
	num  [8]byte
}

// common is the state every block shares.
type common struct {
	hasher
	interned map[string]any
	arena    []byte
}

func (c *common) reset() {
	if c.interned == nil || len(c.interned) > maxInterned {
		c.interned = make(map[string]any, 256)
	}
	c.arena = c.arena[:0]
	c.hash.Reset()
}

// intern returns s boxed as a *string, the same pointer for equal
// strings. clickhouse-go's LowCardinality column dedups its dictionary with
// a map keyed by the interface value: a pointer key hashes in a few
// nanoseconds, where a string key hashes all its bytes, for every row.
func (c *common) intern(s string) any {
	if v, ok := c.interned[s]; ok {
		return v
	}
	p := new(s)
	v := any(p)
	c.interned[s] = v
	return v
}

// Token is a digest of everything the block holds (and of log records'
// observed times, which no column keeps): the same pdata gives the same
// token, in any process, so ClickHouse can recognise a retried insert
// (insert_deduplication_token).
func (c *hasher) Token() string {
	return strconv.FormatUint(c.hash.Sum64(), 16)
}

func (c *hasher) hstr(s string) {
	_, _ = c.hash.WriteString(s)
	c.hu64(uint64(len(s))) // keep ("ab","c") apart from ("a","bc")
}

func (c *hasher) hu64(v uint64) {
	binary.LittleEndian.PutUint64(c.num[:], v)
	_, _ = c.hash.Write(c.num[:])
}

// arenaString returns the bytes appended to the arena from start as a
// string, without copying.
func (c *common) arenaString(start int) string {
	if len(c.arena) == start {
		return ""
	}
	return unsafe.String(&c.arena[start], len(c.arena)-start)
}

const hexDigits = "0123456789abcdef"

// hexID is the lower-case hex of an id, or "" when it is all zero, as
// Grafana and contrib store empty ids.
func (c *common) hexID(id []byte) string {
	zero := true
	for _, b := range id {
		if b != 0 {
			zero = false
			break
		}
	}
	if zero {
		return ""
	}
	start := len(c.arena)
	for _, b := range id {
		c.arena = append(c.arena, hexDigits[b>>4], hexDigits[b&15])
	}
	return c.arenaString(start)
}

// valueString is an attribute value as the String column holds it: text
// as it is, numbers and booleans as text, maps and slices as JSON.
func (c *common) valueString(v pcommon.Value) string {
	start := len(c.arena)
	switch v.Type() {
	case pcommon.ValueTypeStr:
		return v.Str()
	case pcommon.ValueTypeInt:
		c.arena = strconv.AppendInt(c.arena, v.Int(), 10)
	case pcommon.ValueTypeDouble:
		f := v.Double()
		switch {
		case math.IsInf(f, 1):
			c.arena = append(c.arena, "+Inf"...)
		case math.IsInf(f, -1):
			c.arena = append(c.arena, "-Inf"...)
		default:
			c.arena = strconv.AppendFloat(c.arena, f, 'f', -1, 64)
		}
	case pcommon.ValueTypeBool:
		c.arena = strconv.AppendBool(c.arena, v.Bool())
	case pcommon.ValueTypeEmpty:
		return ""
	default: // maps, slices, bytes: pdata's own text form
		return v.AsString()
	}
	return c.arenaString(start)
}

// MapCol fills a Map(LowCardinality(String), String) column.
type MapCol struct {
	c    *common
	h    *hasher
	keys []any
	vals []string
	rows []mapCell
	ptrs []*mapCell
}

// mapCell is one row's map: a window of the key/value arena. It is its
// own iterator (clickhouse-go's column.IterableOrderedMap).
type mapCell struct {
	m          *MapCol
	start, end int32
	pos        int32
}

func (r *mapCell) Put(any, any) {} // only read by the driver
func (r *mapCell) Iterator() column.MapIterator {
	r.pos = r.start - 1
	return r
}
func (r *mapCell) Next() bool { r.pos++; return r.pos < r.end }
func (r *mapCell) Key() any   { return r.m.keys[r.pos] }
func (r *mapCell) Value() any { return &r.m.vals[r.pos] }

func (m *MapCol) reset(c *common, h *hasher) {
	m.c, m.h = c, h
	m.keys = clearAny(m.keys)
	m.vals = m.vals[:0]
	m.rows = m.rows[:0]
	m.ptrs = m.ptrs[:0]
}

// appendCell adds the attributes of am as one cell and returns it, for the
// caller to append as a row (Rows) or as an array element (MapArr).
func (m *MapCol) appendCell(am pcommon.Map) int {
	start := int32(len(m.keys))
	for k, v := range am.All() {
		s := m.c.valueString(v)
		m.keys = append(m.keys, m.c.intern(k))
		m.vals = append(m.vals, s)
		m.h.hstr(k)
		m.h.hstr(s)
	}
	m.rows = append(m.rows, mapCell{m: m, start: start, end: int32(len(m.keys))})
	m.h.hu64(uint64(len(m.keys)) - uint64(start))
	return len(m.rows) - 1
}

// Append adds one row.
func (m *MapCol) Append(am pcommon.Map) { m.appendCell(am) }

// Repeat adds the last row again: resource and scope attributes are the
// same for every record under them.
func (m *MapCol) Repeat() {
	m.rows = append(m.rows, m.rows[len(m.rows)-1])
}

// Rows is the column for Append: one pointer per row.
func (m *MapCol) Rows() []*mapCell {
	m.ptrs = m.ptrs[:0]
	for i := range m.rows {
		m.ptrs = append(m.ptrs, &m.rows[i])
	}
	return m.ptrs
}

// Rows is an Array column given row by row: each value points at one
// row's slice. clickhouse-go's Array.Append boxes a reflect.Value for each
// row (an allocation per row and column); appending each row as a
// pointer with BatchColumn.AppendRow does not allocate.
type Rows []any

// MapArr fills an Array(Map(...)) column (the Attributes of Nested
// events, links and exemplars).
type MapArr struct {
	cells MapCol
	offs  []int
	rows  [][]*mapCell
	boxed Rows
}

func (a *MapArr) reset(c *common, h *hasher) {
	a.cells.reset(c, h)
	a.offs = append(a.offs[:0], 0)
	a.rows = a.rows[:0]
}

// Add adds one element to the current row.
func (a *MapArr) Add(am pcommon.Map) { a.cells.appendCell(am) }

// EndRow closes the current row.
func (a *MapArr) EndRow() { a.offs = append(a.offs, len(a.cells.rows)) }

// Rows is the column, row by row.
func (a *MapArr) Rows() Rows {
	ptrs := a.cells.Rows()
	a.rows = a.rows[:0]
	for i := 1; i < len(a.offs); i++ {
		a.rows = append(a.rows, ptrs[a.offs[i-1]:a.offs[i]])
	}
	a.boxed = boxRows(a.boxed, a.rows)
	return a.boxed
}

func boxRows[T any](dst Rows, rows []T) Rows {
	clear(dst)
	dst = dst[:0]
	for i := range rows {
		dst = append(dst, &rows[i])
	}
	return dst
}

// Arr fills an Array(T) column. Elements are passed as pointers into one
// flat slice, which clickhouse-go appends without boxing them.
type Arr[T any] struct {
	vals  []T
	offs  []int
	ptrs  []*T
	rows  [][]*T
	boxed Rows
}

func (a *Arr[T]) reset() {
	a.vals = a.vals[:0]
	a.offs = append(a.offs[:0], 0)
	a.ptrs = a.ptrs[:0]
	a.rows = a.rows[:0]
}

// Add adds one element to the current row.
func (a *Arr[T]) Add(v T) { a.vals = append(a.vals, v) }

// EndRow closes the current row.
func (a *Arr[T]) EndRow() { a.offs = append(a.offs, len(a.vals)) }

// Rows is the column, row by row.
func (a *Arr[T]) Rows() Rows {
	a.ptrs = a.ptrs[:0]
	for i := range a.vals {
		a.ptrs = append(a.ptrs, &a.vals[i])
	}
	a.rows = a.rows[:0]
	for i := 1; i < len(a.offs); i++ {
		a.rows = append(a.rows, a.ptrs[a.offs[i-1]:a.offs[i]])
	}
	a.boxed = boxRows(a.boxed, a.rows)
	return a.boxed
}

// LCArr fills an Array(LowCardinality(String)) column with interned values.
type LCArr struct {
	vals  []any
	offs  []int
	rows  [][]any
	boxed Rows
}

func (a *LCArr) reset() {
	a.vals = clearAny(a.vals)
	a.offs = append(a.offs[:0], 0)
	a.rows = a.rows[:0]
}

// Add adds one element to the current row.
func (a *LCArr) Add(v any) { a.vals = append(a.vals, v) }

// EndRow closes the current row.
func (a *LCArr) EndRow() { a.offs = append(a.offs, len(a.vals)) }

// Rows is the column, row by row.
func (a *LCArr) Rows() Rows {
	a.rows = a.rows[:0]
	for i := 1; i < len(a.offs); i++ {
		a.rows = append(a.rows, a.vals[a.offs[i-1]:a.offs[i]])
	}
	a.boxed = boxRows(a.boxed, a.rows)
	return a.boxed
}

// clearAny empties s and drops its references, so old batches' strings
// can be collected.
func clearAny(s []any) []any {
	clear(s)
	return s[:0]
}

// timeOf is a pdata timestamp as the DateTime64(9) column takes it.
func timeOf(t pcommon.Timestamp) time.Time { return time.Unix(0, int64(t)).UTC() }

func (c *hasher) hf64(v float64) { c.hu64(math.Float64bits(v)) }
