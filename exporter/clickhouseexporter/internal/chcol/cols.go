// Package chcol turns pdata into the columns of otelhub's ClickHouse
// tables. It is pure: no I/O.
//
// A filled block gives each column two ways: ClickHouse's Native format,
// written straight from the columns into one reused buffer
// (EncodeNative; the HTTP transport posts it as it is), and the values
// clickhouse-go's columnar batch API takes (Col.Driver, for
// batch.Column(i).Append on the native protocol).
//
// The columns are kept and reused from one batch to the next. Strings are
// not copied: they point into pdata, or into a byte arena for the ones
// built here (hex ids, numbers), valid until the next Reset.
// LowCardinality values are interned to small ids, so that the Native
// encoding builds each column's dictionary without hashing strings, and
// the driver gets one boxed pointer per distinct value.
package chcol

import (
	"encoding/base64"
	"encoding/binary"
	"math"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/ClickHouse/clickhouse-go/v2/lib/column"
	"github.com/cespare/xxhash/v2"
	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelhub/otelhub/internal/jsonstr"
)

// maxInterned and maxInternedBytes bound the intern table, in values and
// in their bytes; past either the table starts afresh at the next batch.
// The bytes matter too: LowCardinality columns such as SpanName can carry
// long texts (whole SQL statements), and every pooled block keeps a table.
const (
	maxInterned      = 1 << 16
	maxInternedBytes = 8 << 20
)

// hasher digests what goes into one table. Small pieces are gathered in
// buf and digested in chunks: a digest call per 8-byte number costs more
// than the hashing itself. xxhash is a stream, so the chunking does not
// change the sum.
type hasher struct {
	hash xxhash.Digest
	buf  []byte
}

const hashChunk = 4096

func (c *hasher) resetHash() {
	c.hash.Reset()
	c.buf = c.buf[:0]
}

func (c *hasher) flush() {
	_, _ = c.hash.Write(c.buf)
	c.buf = c.buf[:0]
}

// common is the state every block shares: the intern table of the
// LowCardinality values, kept across batches (see intern), and the arena
// of the strings built here.
type common struct {
	hasher
	interned map[string]uint32
	dict     []string // by id
	dictSize int      // the bytes of dict's values
	boxes    []any    // by id: the value boxed once, for the driver
	arena    []byte
	lcScratch
}

// lcScratch is reused by writeLC: the per-column dictionary of a
// LowCardinality column is built by remapping global ids, stamped with a
// generation so that nothing is cleared between columns.
type lcScratch struct {
	stamp uint32
	gen   []uint32
	remap []uint32
	local []uint32
	index []uint32
	keys  []uint32
}

func (c *common) reset() {
	if c.interned == nil || len(c.interned) > maxInterned || c.dictSize > maxInternedBytes {
		c.interned = make(map[string]uint32, 256)
		clear(c.boxes)
		clear(c.dict)
		c.dict, c.boxes, c.dictSize = c.dict[:0], c.boxes[:0], 0
		c.gen, c.remap = c.gen[:0], c.remap[:0]
	}
	c.arena = c.arena[:0]
	c.resetHash()
}

// intern returns the id of s. The table outlives the batch, so the value
// is copied: it must not point into pdata that the collector may reuse.
// Each value is also boxed once, as a *string: clickhouse-go's
// LowCardinality column dedups its dictionary with a map keyed by the
// interface value, and a pointer key hashes in a few nanoseconds.
func (c *common) intern(s string) uint32 {
	if id, ok := c.interned[s]; ok {
		return id
	}
	s = strings.Clone(s)
	id := uint32(len(c.dict))
	c.interned[s] = id
	c.dict = append(c.dict, s)
	c.dictSize += len(s)
	p := new(string)
	*p = s
	c.boxes = append(c.boxes, any(p))
	return id
}

// boxed is ids as the driver takes them.
func (c *common) boxed(dst []any, ids []uint32) []any {
	clear(dst)
	dst = dst[:0]
	for _, id := range ids {
		dst = append(dst, c.boxes[id])
	}
	return dst
}

// writeLC writes a LowCardinality(String) column body for the values ids:
// its own dictionary (only the values it uses, in order of first use) and
// each row's index into it, as narrow as the dictionary allows. An empty
// column writes nothing, as ClickHouse expects inside empty arrays.
func (c *common) writeLC(w *Writer, ids []uint32) {
	if len(ids) == 0 {
		return
	}
	s := &c.lcScratch
	if s.stamp++; s.stamp == 0 {
		clear(s.gen)
		s.stamp = 1
	}
	for len(s.gen) < len(c.dict) {
		s.gen = append(s.gen, 0)
		s.remap = append(s.remap, 0)
	}
	s.local, s.index = s.local[:0], s.index[:0]
	for _, id := range ids {
		if s.gen[id] != s.stamp {
			s.gen[id] = s.stamp
			s.remap[id] = uint32(len(s.local))
			s.local = append(s.local, id)
		}
		s.index = append(s.index, s.remap[id])
	}
	n := len(s.local)
	width := uint64(0) // UInt8
	switch {
	case n > math.MaxUint16+1:
		width = 2 // UInt32
	case n > math.MaxUint8+1:
		width = 1 // UInt16
	}
	w.u64(lcHasAdditionalKey | lcUpdateDictionary | width)
	w.u64(uint64(n))
	for _, id := range s.local {
		w.str(c.dict[id])
	}
	w.u64(uint64(len(ids)))
	for _, x := range s.index {
		switch width {
		case 0:
			w.B = append(w.B, byte(x))
		case 1:
			w.B = binary.LittleEndian.AppendUint16(w.B, uint16(x))
		default:
			w.B = binary.LittleEndian.AppendUint32(w.B, x)
		}
	}
}

// Token is a digest of everything the block holds (and of log records'
// observed times, which no column keeps): the same pdata gives the same
// token, in any process, so ClickHouse can recognise a retried insert
// (insert_deduplication_token).
func (c *hasher) Token() string {
	c.flush()
	return strconv.FormatUint(c.hash.Sum64(), 16)
}

func (c *hasher) hstr(s string) {
	if len(s) > hashChunk/4 {
		c.flush()
		_, _ = c.hash.WriteString(s)
	} else {
		c.buf = append(c.buf, s...)
	}
	c.hu64(uint64(len(s))) // keep ("ab","c") apart from ("a","bc")
}

func (c *hasher) hbytes(b []byte) {
	c.buf = append(c.buf, b...)
	if len(c.buf) >= hashChunk {
		c.flush()
	}
}

func (c *hasher) hu64(v uint64) {
	c.buf = binary.LittleEndian.AppendUint64(c.buf, v)
	if len(c.buf) >= hashChunk {
		c.flush()
	}
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
// as it is, numbers and booleans as text, bytes as base64, maps and
// slices as JSON (NaN and infinities inside as null).
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
	case pcommon.ValueTypeBytes: // base64, as pdata's text form
		c.arena = base64.StdEncoding.AppendEncode(c.arena, v.Bytes().AsRaw())
	default: // maps and slices as JSON, written without reflection
		c.arena = jsonstr.AppendValue(c.arena, v)
	}
	return c.arenaString(start)
}

// MapCol is a Map(LowCardinality(String), String) column: each row is a
// window of a shared key/value arena.
type MapCol struct {
	lcPrefix
	c    *common
	h    *hasher
	keys []uint32
	vals []string
	rows []mapCell
	ptrs []*mapCell
}

// mapCell is one row's map. It is its own iterator, for the driver
// (clickhouse-go's column.IterableOrderedMap).
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
func (r *mapCell) Key() any   { return r.m.c.boxes[r.m.keys[r.pos]] }
func (r *mapCell) Value() any { return &r.m.vals[r.pos] }

func (m *MapCol) reset(c *common, h *hasher) {
	m.c, m.h = c, h
	m.keys = m.keys[:0]
	clear(m.vals)
	m.vals = m.vals[:0]
	m.rows = m.rows[:0]
	clear(m.ptrs)
	m.ptrs = m.ptrs[:0]
}

// appendCell adds the attributes of am as one cell, for the caller to
// use as a row (Append) or as an array element (MapArr).
func (m *MapCol) appendCell(am pcommon.Map) {
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
}

// Append adds one row.
func (m *MapCol) Append(am pcommon.Map) { m.appendCell(am) }

// Repeat adds the last row again: resource and scope attributes are the
// same for every record under them.
func (m *MapCol) Repeat() {
	m.rows = append(m.rows, m.rows[len(m.rows)-1])
}

func (m *MapCol) Len() int { return len(m.rows) }

// Driver is the column for Append: one pointer per row.
func (m *MapCol) Driver() any { return m.cellPtrs() }

func (m *MapCol) cellPtrs() []*mapCell {
	m.ptrs = m.ptrs[:0]
	for i := range m.rows {
		m.ptrs = append(m.ptrs, &m.rows[i])
	}
	return m.ptrs
}

// encode writes the map body: the offsets, then the keys as one
// LowCardinality column and the values as one String column. A repeated
// row is written out again.
func (m *MapCol) encode(w *Writer) {
	end := 0
	s := &m.c.lcScratch
	s.keys = s.keys[:0]
	for _, r := range m.rows {
		end += int(r.end - r.start)
		w.u64(uint64(end))
		s.keys = append(s.keys, m.keys[r.start:r.end]...)
	}
	keys := s.keys // writeLC leaves s.keys alone
	m.c.writeLC(w, keys)
	for _, r := range m.rows {
		w.strs(m.vals[r.start:r.end])
	}
}

// Rows is an Array column given to the driver row by row: each value
// points at one row's slice. clickhouse-go's Array.Append boxes a
// reflect.Value for each row (an allocation per row and column);
// appending each row as a pointer with BatchColumn.AppendRow does not
// allocate.
type Rows []any

// MapArr is an Array(Map(LowCardinality(String), String)) column (the
// Attributes of Nested events, links and exemplars).
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

func (a *MapArr) Len() int         { return len(a.offs) - 1 }
func (a *MapArr) prefix(w *Writer) { a.cells.prefix(w) }
func (a *MapArr) encode(w *Writer) {
	w.offsets(a.offs)
	a.cells.encode(w)
}

// Driver is the column, row by row.
func (a *MapArr) Driver() any {
	ptrs := a.cells.cellPtrs()
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

// arrElem is what an Array column of this package holds.
type arrElem interface {
	~float64 | ~uint64 | ~string | time.Time
}

// Arr is an Array(T) column. For the driver, elements are passed as
// pointers into one flat slice, which clickhouse-go appends without
// boxing them.
type Arr[T arrElem] struct {
	noPrefix
	vals  []T
	offs  []int
	ptrs  []*T
	rows  [][]*T
	boxed Rows
}

func (a *Arr[T]) reset(*common, *hasher) {
	clear(a.vals)
	a.vals = a.vals[:0]
	a.offs = append(a.offs[:0], 0)
	a.ptrs = a.ptrs[:0]
	a.rows = a.rows[:0]
}

// Add adds one element to the current row.
func (a *Arr[T]) Add(v T) { a.vals = append(a.vals, v) }

// EndRow closes the current row.
func (a *Arr[T]) EndRow() { a.offs = append(a.offs, len(a.vals)) }

func (a *Arr[T]) Len() int { return len(a.offs) - 1 }

func (a *Arr[T]) encode(w *Writer) {
	w.offsets(a.offs)
	switch v := any(a.vals).(type) {
	case []float64:
		putFixed(w, v)
	case []uint64:
		putFixed(w, v)
	case []string:
		w.strs(v)
	case []time.Time:
		for _, t := range v {
			w.u64(uint64(t.UnixNano()))
		}
	}
}

// Driver is the column, row by row.
func (a *Arr[T]) Driver() any {
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

// LCArr is an Array(LowCardinality(String)) column of interned values.
type LCArr struct {
	lcPrefix
	c     *common
	ids   []uint32
	offs  []int
	vals  []any
	rows  [][]any
	boxed Rows
}

func (a *LCArr) reset(c *common, _ *hasher) {
	a.c = c
	a.ids = a.ids[:0]
	a.offs = append(a.offs[:0], 0)
	a.rows = a.rows[:0]
}

// Add adds one element to the current row.
func (a *LCArr) Add(id uint32) { a.ids = append(a.ids, id) }

// EndRow closes the current row.
func (a *LCArr) EndRow() { a.offs = append(a.offs, len(a.ids)) }

func (a *LCArr) Len() int { return len(a.offs) - 1 }

func (a *LCArr) encode(w *Writer) {
	w.offsets(a.offs)
	a.c.writeLC(w, a.ids)
}

// Driver is the column, row by row.
func (a *LCArr) Driver() any {
	a.vals = a.c.boxed(a.vals, a.ids)
	a.rows = a.rows[:0]
	for i := 1; i < len(a.offs); i++ {
		a.rows = append(a.rows, a.vals[a.offs[i-1]:a.offs[i]])
	}
	a.boxed = boxRows(a.boxed, a.rows)
	return a.boxed
}

// timeOf is a pdata timestamp as the DateTime64(9) column takes it.
func timeOf(t pcommon.Timestamp) time.Time { return time.Unix(0, int64(t)).UTC() }

func (c *hasher) hf64(v float64) { c.hu64(math.Float64bits(v)) }
