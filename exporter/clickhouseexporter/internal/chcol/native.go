package chcol

import (
	"encoding/binary"
	"math"
	"time"
	"unsafe"

	"github.com/otelhub/otelhub/exporter/clickhouseexporter/internal/schema"
)

// Writer appends ClickHouse's Native format to B. Numbers are little
// endian, strings are a uvarint length and their bytes.
type Writer struct{ B []byte }

func (w *Writer) uvarint(v uint64) { w.B = binary.AppendUvarint(w.B, v) }
func (w *Writer) u64(v uint64)     { w.B = binary.LittleEndian.AppendUint64(w.B, v) }

func (w *Writer) str(s string) {
	w.uvarint(uint64(len(s)))
	w.B = append(w.B, s...)
}

func (w *Writer) strs(vals []string) {
	for _, s := range vals {
		w.str(s)
	}
}

// littleEndian: fixed-width values are copied as they lie in memory when
// the machine's order is the wire's (amd64, arm64), one by one otherwise.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// fixed is what a Native column holds as raw little-endian values.
type fixed interface {
	~uint8 | ~uint32 | ~uint64 | ~int32 | ~int64 | ~float64 | ~bool
}

func putFixed[T fixed](w *Writer, vals []T) {
	if len(vals) == 0 {
		return
	}
	size := int(unsafe.Sizeof(vals[0]))
	if littleEndian {
		w.B = append(w.B, unsafe.Slice((*byte)(unsafe.Pointer(&vals[0])), len(vals)*size)...)
		return
	}
	for _, v := range vals {
		var u uint64
		switch x := any(v).(type) {
		case float64:
			u = math.Float64bits(x)
		case bool:
			if x {
				u = 1
			}
		default:
			u = uint64(toInt64(x))
		}
		for i := range size {
			w.B = append(w.B, byte(u>>(8*i)))
		}
	}
}

func toInt64(v any) int64 {
	switch x := v.(type) {
	case uint8:
		return int64(x)
	case uint32:
		return int64(x)
	case uint64:
		return int64(x)
	case int32:
		return int64(x)
	case int64:
		return x
	}
	return 0
}

// offsets writes the cumulative end of each row (ends[1:] of a list that
// starts with 0), as UInt64: the offsets of Array and Map columns.
func (w *Writer) offsets(ends []int) {
	for _, e := range ends[1:] {
		w.u64(uint64(e))
	}
}

// LowCardinality serialization: the state prefix is the key version
// (1: shared dictionaries with additional keys); each granule is the
// flags and index width, the dictionary as additional keys, and the
// index of each row into it.
const (
	lcKeysVersion      = 1
	lcHasAdditionalKey = 1 << 9
	lcUpdateDictionary = 1 << 10
)

// Col is one filled column: what clickhouse-go's batch takes (Driver) and
// its Native encoding (written by EncodeNative).
type Col interface {
	Len() int
	// Driver is the column for clickhouse-go's BatchColumn.Append, or
	// Rows for BatchColumn.AppendRow one row at a time.
	Driver() any
	// prefix writes the serialization state prefix (only LowCardinality
	// and what holds it have one).
	prefix(w *Writer)
	encode(w *Writer)
	// reset empties the column for the next batch, keeping its memory,
	// and binds it to the block's intern table and digest.
	reset(c *common, h *hasher)
}

// resetCols resets every column of a block.
func resetCols(c *common, h *hasher, cols []Col) {
	for _, col := range cols {
		col.reset(c, h)
	}
}

// EncodeNative appends one Native-format block of cols, named and typed
// as def's columns, to dst. The types must be def's (a test checks that
// every block's columns encode its table's types); a server converts them
// to an older table's types (String for LowCardinality(String), DateTime
// for DateTime64(9)) on input.
func EncodeNative(dst []byte, def schema.Table, cols []Col) []byte {
	w := Writer{B: dst}
	rows := 0
	if len(cols) > 0 {
		rows = cols[0].Len()
	}
	w.uvarint(uint64(len(cols)))
	w.uvarint(uint64(rows))
	for i, c := range cols {
		w.str(def.Columns[i].Name)
		w.str(def.Columns[i].Type)
		if rows == 0 {
			continue
		}
		c.prefix(&w)
		c.encode(&w)
	}
	return w.B
}

// noPrefix is embedded by the columns without a state prefix.
type noPrefix struct{}

func (noPrefix) prefix(*Writer) {}

// lcPrefix is embedded by columns that hold a LowCardinality column.
type lcPrefix struct{}

func (lcPrefix) prefix(w *Writer) { w.u64(lcKeysVersion) }

// Strs is a String column.
type Strs struct {
	noPrefix
	v []string
}

func (c *Strs) Append(s string)        { c.v = append(c.v, s) }
func (c *Strs) reset(*common, *hasher) { clear(c.v); c.v = c.v[:0] }
func (c *Strs) Len() int               { return len(c.v) }
func (c *Strs) Driver() any            { return c.v }
func (c *Strs) encode(w *Writer) {
	w.strs(c.v)
}

// Nums is a column of fixed-width values (UInt8/32/64, Int32, Float64,
// Bool).
type Nums[T fixed] struct {
	noPrefix
	v []T
}

func (c *Nums[T]) Append(v T)             { c.v = append(c.v, v) }
func (c *Nums[T]) reset(*common, *hasher) { c.v = c.v[:0] }
func (c *Nums[T]) Len() int               { return len(c.v) }
func (c *Nums[T]) Driver() any            { return c.v }
func (c *Nums[T]) encode(w *Writer)       { putFixed(w, c.v) }

// Times is a DateTime64(9) column: nanoseconds since the epoch.
type Times struct {
	noPrefix
	v   []int64
	drv []time.Time
}

func (c *Times) Append(nanos uint64)    { c.v = append(c.v, int64(nanos)) }
func (c *Times) reset(*common, *hasher) { c.v = c.v[:0] }
func (c *Times) Len() int               { return len(c.v) }
func (c *Times) encode(w *Writer)       { putFixed(w, c.v) }
func (c *Times) Driver() any {
	c.drv = c.drv[:0]
	for _, n := range c.v {
		c.drv = append(c.drv, time.Unix(0, n).UTC())
	}
	return c.drv
}

// LCs is a LowCardinality(String) column of interned values.
type LCs struct {
	lcPrefix
	c   *common
	ids []uint32
	drv []any
}

func (c *LCs) Append(id uint32)            { c.ids = append(c.ids, id) }
func (c *LCs) reset(cm *common, _ *hasher) { c.c = cm; c.ids = c.ids[:0] }
func (c *LCs) Len() int                    { return len(c.ids) }
func (c *LCs) encode(w *Writer)            { c.c.writeLC(w, c.ids) }
func (c *LCs) Driver() any {
	c.drv = c.c.boxed(c.drv, c.ids)
	return c.drv
}
