// Package esbulk encodes pdata as Elasticsearch bulk requests (NDJSON):
// one action line and one source line per document, appended straight
// from pdata to a reused buffer, without maps of any or reflection. It is
// pure: no I/O, no clock (the caller passes "now").
package esbulk

import (
	"bytes"
	"strings"

	"github.com/otelhub/otelhub/internal/jsonstr"
	"go.opentelemetry.io/collector/pdata/pcommon"
)

// Mapping modes.
const (
	ModeOTel = "otel"
	ModeECS  = "ecs"
	ModeRaw  = "raw"
)

// Routing modes.
const (
	RouteDataStream = "data_stream"
	RouteIndex      = "index"
	RouteDateIndex  = "date_index"
)

// Options set how documents are shaped and routed.
type Options struct {
	Mode string // otel, ecs or raw
	// Route is data_stream, index or date_index.
	Route string
	// Dataset and Namespace are the data stream defaults, used when no
	// data_stream.dataset or data_stream.namespace attribute is set.
	Dataset, Namespace string
	// LogsIndex, TracesIndex and MetricsIndex are the indices of the index
	// and date_index routes.
	LogsIndex, TracesIndex, MetricsIndex string
	// DateFormat is the Go time layout of the date_index suffix, taken
	// from the document's timestamp in UTC.
	DateFormat string
	// Pipeline is the ingest pipeline, when set.
	Pipeline string
	// IDAttribute names the log record or span attribute whose value is
	// the document _id, when set.
	IDAttribute string
}

// Doc is one document of a batch: its action line starts at Start, its
// source line at Src, and both end at End (after the newline). Its items
// (log records, spans or data points, by their position in the pdata
// traversal) are Batch.Keys[KeyLo:KeyHi].
type Doc struct {
	Start, Src, End int
	KeyLo, KeyHi    int32
	HasID           bool
}

// Batch is an encoded bulk body and the documents in it. Reset reuses it.
type Batch struct {
	Buf   []byte
	Docs  []Doc
	Keys  []int32
	Drops Drops
}

// Reset empties the batch, keeping its memory.
func (b *Batch) Reset() {
	b.Buf, b.Docs, b.Keys = b.Buf[:0], b.Docs[:0], b.Keys[:0]
	b.Drops = Drops{}
}

// Source is the source line of document i, without its newline.
func (b *Batch) Source(i int) []byte {
	d := b.Docs[i]
	return b.Buf[d.Src : d.End-1]
}

// Drop reasons: items not written as documents.
const (
	DropNoValue   = iota // a metric without a type or a histogram without buckets
	DropNameClash        // ecs, raw: a metric named like a field its document already has
	DropBadKey           // a key Elasticsearch refuses as a field name: the field is left out
	numDrops
)

// DropReasonNames name the drop reasons in telemetry.
var DropReasonNames = [numDrops]string{"no_value", "name_clash", "bad_field_name"}

// Drops counts items not written, by reason.
type Drops [numDrops]int

// Encoder writes documents. It holds scratch state, so one Encoder
// serves one goroutine at a time.
type Encoder struct {
	opt    Options
	w      jw
	groups groups
	// act is the metric group whose dynamic templates begin writes in
	// the action line (otel mode), or nil.
	act *group
}

// NewEncoder returns an encoder for opt.
func NewEncoder(opt Options) *Encoder {
	if opt.Mode == "" {
		opt.Mode = ModeOTel
	}
	if opt.Route == "" {
		opt.Route = RouteDataStream
	}
	if opt.Dataset == "" {
		opt.Dataset = "generic"
		if opt.Mode == ModeOTel {
			opt.Dataset = "generic.otel"
		}
	}
	if opt.Namespace == "" {
		opt.Namespace = "default"
	}
	return &Encoder{opt: opt}
}

// scopes is where routing and id attributes are looked up, innermost
// first: the item's own attributes, its scope's, its resource's.
type scopes struct {
	item, scope, resource pcommon.Map
}

func (s scopes) get(k string) (pcommon.Value, bool) {
	if v, ok := s.item.Get(k); ok {
		return v, true
	}
	if v, ok := s.scope.Get(k); ok {
		return v, true
	}
	return s.resource.Get(k)
}

// begin writes the action line of a document of the given data stream
// type and opens its source object.
func (e *Encoder) begin(b *Batch, typ string, at pcommon.Timestamp, sc scopes, withID bool) {
	d := Doc{Start: len(b.Buf), KeyLo: int32(len(b.Keys))}
	w := &e.w
	w.reset(b.Buf)
	w.b = append(w.b, `{"create":{"_index":"`...)
	w.b = e.appendIndex(w.b, typ, at, sc)
	w.b = append(w.b, '"')
	if withID && e.opt.IDAttribute != "" {
		if v, ok := sc.item.Get(e.opt.IDAttribute); ok && v.Type() != pcommon.ValueTypeEmpty {
			w.b = append(w.b, `,"_id":`...)
			w.b = jsonstr.Append(w.b, idString(v))
			d.HasID = true
		}
	}
	if e.opt.Pipeline != "" {
		w.b = append(w.b, `,"pipeline":`...)
		w.b = jsonstr.Append(w.b, e.opt.Pipeline)
	}
	if e.act != nil {
		w.b = appendDynamicTemplates(w.b, e.act)
	}
	w.b = append(w.b, "}}\n"...)
	d.Src = len(w.b)
	b.Docs = append(b.Docs, d)
	w.open('{')
}

// end closes the source object of the last document and records its
// items.
func (e *Encoder) end(b *Batch, keys ...int32) {
	e.w.close('}')
	e.w.b = append(e.w.b, '\n')
	b.Buf = e.w.b
	b.Drops[DropBadKey] += e.w.badKeys
	b.Keys = append(b.Keys, keys...)
	d := &b.Docs[len(b.Docs)-1]
	d.End = len(b.Buf)
	d.KeyHi = int32(len(b.Keys))
}

// idString is an attribute value as a document id: strings as they are,
// other values in their string form.
func idString(v pcommon.Value) string {
	if v.Type() == pcommon.ValueTypeStr {
		return v.Str()
	}
	return v.AsString()
}

// appendIndex writes the target of a document: a data stream
// type-dataset-namespace, a static index, or an index with a date suffix.
func (e *Encoder) appendIndex(b []byte, typ string, at pcommon.Timestamp, sc scopes) []byte {
	switch e.opt.Route {
	case RouteIndex, RouteDateIndex:
		idx := e.opt.LogsIndex
		switch typ {
		case "traces":
			idx = e.opt.TracesIndex
		case "metrics":
			idx = e.opt.MetricsIndex
		}
		b = appendEscapedRaw(b, idx)
		if e.opt.Route == RouteDateIndex {
			b = append(b, '-')
			b = at.AsTime().UTC().AppendFormat(b, e.opt.DateFormat)
		}
		return b
	}
	b = append(b, typ...)
	b = append(b, '-')
	b = e.appendDataset(b, sc)
	b = append(b, '-')
	return appendDSPart(b, attrOr(sc, "data_stream.namespace", e.opt.Namespace), 100)
}

// appendDataset writes the data stream dataset of a document. In otel
// mode it ends with ".otel", since Elasticsearch's OTel templates match
// only "logs-*.otel-*", "metrics-*.otel-*" and "traces-*.otel-*".
func (e *Encoder) appendDataset(b []byte, sc scopes) []byte {
	n := len(b)
	b = appendDSPart(b, attrOr(sc, "data_stream.dataset", e.opt.Dataset), 100)
	if e.opt.Mode == ModeOTel && !bytes.HasSuffix(b[n:], []byte(".otel")) {
		b = append(b, ".otel"...)
	}
	return b
}

func attrOr(sc scopes, k, def string) string {
	if v, ok := sc.get(k); ok && v.Type() == pcommon.ValueTypeStr && v.Str() != "" {
		return v.Str()
	}
	return def
}

// appendDSPart writes a data stream dataset or namespace as Elasticsearch
// accepts it: lowercase, at most max bytes, and with the characters it
// forbids (\ / * ? " < > | space , # : -) replaced by _.
func appendDSPart(b []byte, s string, max int) []byte {
	if len(s) > max {
		s = s[:max]
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		case c < 0x20 || c >= 0x7f || strings.IndexByte(`\/*?"<>| ,#:-`, c) >= 0:
			c = '_'
		}
		b = append(b, c)
	}
	return b
}

// appendEscapedRaw writes s inside an already opened JSON string.
func appendEscapedRaw(b []byte, s string) []byte {
	n := len(b)
	b = jsonstr.Append(b, s)
	copy(b[n:], b[n+1:len(b)-1])
	return b[:len(b)-2]
}
