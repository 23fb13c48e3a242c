package chcol

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/ch-go/proto"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelhub/otelhub/exporter/clickhouseexporter/internal/schema"
	"github.com/otelhub/otelhub/internal/benchdata"
)

// decoderFor is ch-go's column for a ClickHouse type: ch-go is a second,
// independent reader of the Native format.
func decoderFor(t testing.TB, typ string) proto.Column {
	t.Helper()
	lcStr := func() *proto.ColLowCardinality[string] { return new(proto.ColStr).LowCardinality() }
	attrs := func() *proto.ColMap[string, string] {
		return proto.NewMap[string, string](lcStr(), new(proto.ColStr))
	}
	switch typ {
	case "DateTime64(9)":
		return new(proto.ColDateTime64).WithPrecision(9)
	case "String":
		return new(proto.ColStr)
	case "LowCardinality(String)":
		return lcStr()
	case "UInt8":
		return new(proto.ColUInt8)
	case "UInt32":
		return new(proto.ColUInt32)
	case "UInt64":
		return new(proto.ColUInt64)
	case "Int32":
		return new(proto.ColInt32)
	case "Float64":
		return new(proto.ColFloat64)
	case "Bool":
		return new(proto.ColBool)
	case "Map(LowCardinality(String), String)":
		return attrs()
	case "Array(DateTime64(9))":
		return proto.NewArray[time.Time](new(proto.ColDateTime64).WithPrecision(9))
	case "Array(LowCardinality(String))":
		return proto.NewArray[string](lcStr())
	case "Array(String)":
		return proto.NewArray[string](new(proto.ColStr))
	case "Array(Float64)":
		return proto.NewArray[float64](new(proto.ColFloat64))
	case "Array(UInt64)":
		return proto.NewArray[uint64](new(proto.ColUInt64))
	case "Array(Map(LowCardinality(String), String))":
		return proto.NewArray[map[string]string](attrs())
	}
	t.Fatalf("no decoder for %s", typ)
	return nil
}

// checkNative encodes cols as def's block, decodes it with ch-go, and
// compares every value with what the driver is given.
func checkNative(t testing.TB, def schema.Table, cols []Col) {
	t.Helper()
	data := EncodeNative(nil, def, cols)
	var res proto.Results
	for _, c := range def.Columns {
		res = append(res, proto.ResultColumn{Name: c.Name, Data: decoderFor(t, c.Type)})
	}
	var blk proto.Block
	r := proto.NewReader(strings.NewReader(string(data)))
	if err := blk.DecodeRawBlock(r, 0, res); err != nil {
		t.Fatalf("ch-go cannot decode the block: %v", err)
	}
	rows := cols[0].Len()
	if blk.Rows != rows || blk.Columns != len(def.Columns) {
		t.Fatalf("block of %d rows, %d columns; want %d, %d", blk.Rows, blk.Columns, rows, len(def.Columns))
	}
	for i, c := range cols {
		want := normalize(deref([]any{c.Driver()})[0])
		got := make([]any, 0, rows)
		row := reflect.ValueOf(res[i].Data).MethodByName("Row")
		for j := range rows {
			got = append(got, normalize(row.Call([]reflect.Value{reflect.ValueOf(j)})[0].Interface()))
		}
		if rows == 0 {
			continue
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("column %s: decoded %.300v, driver has %.300v", def.Columns[i].Name, got, want)
		}
	}
}

// normalize turns pointers, times and typed slices into comparable
// plain values.
func normalize(v any) any {
	switch x := v.(type) {
	case time.Time:
		return x.UnixNano()
	case nil:
		return nil
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer:
		return normalize(rv.Elem().Interface())
	case reflect.Slice:
		out := make([]any, rv.Len())
		for i := range out {
			out[i] = normalize(rv.Index(i).Interface())
		}
		return out
	}
	return v
}

func TestNativeDecodesToTheDriverValues(t *testing.T) {
	var l Logs
	l.Reset()
	l.Fill(benchdata.Logs())
	checkNative(t, schema.Logs, l.Columns())

	var tr Traces
	tr.Reset()
	tr.Fill(eventfulTraces())
	checkNative(t, schema.Traces, tr.Columns())

	var m Metrics
	m.Reset()
	m.Fill(everyMetricType())
	checkNative(t, schema.Gauge, m.Gauge.GaugeColumns())
	checkNative(t, schema.Sum, m.Sum.SumColumns())
	checkNative(t, schema.Histogram, m.Histogram.Columns())
	checkNative(t, schema.ExpHistogram, m.ExpHistogram.Columns())
	checkNative(t, schema.Summary, m.Summary.Columns())
}

// Dictionaries past 256 and 65536 values take wider indexes.
func TestNativeWideDictionaries(t *testing.T) {
	for _, n := range []int{256, 257, 65536, 65537} {
		td := ptrace.NewTraces()
		spans := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans()
		for i := range n {
			s := spans.AppendEmpty()
			s.SetName(fmt.Sprintf("span-%d", i))
			s.Attributes().PutStr(fmt.Sprintf("k%d", i%300), "v")
		}
		var b Traces
		b.Reset()
		b.Fill(td)
		checkNative(t, schema.Traces, b.Columns())
	}
}

// An empty block, and rows whose maps and arrays are all empty.
func TestNativeEmptyParts(t *testing.T) {
	var b Traces
	b.Reset()
	checkNative(t, schema.Traces, b.Columns())
	td := ptrace.NewTraces()
	td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty()
	b.Reset()
	b.Fill(td)
	checkNative(t, schema.Traces, b.Columns())
}

// A block reused after a bigger batch encodes only the new rows.
func TestNativeReusedBlock(t *testing.T) {
	var b Logs
	b.Reset()
	b.Fill(benchdata.Logs())
	_ = EncodeNative(nil, schema.Logs, b.Columns())
	ld := plog.NewLogs()
	lr := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	lr.Body().SetStr("only")
	b.Reset()
	b.Fill(ld)
	checkNative(t, schema.Logs, b.Columns())
}

func eventfulTraces() ptrace.Traces {
	td := benchdata.Traces()
	spans := td.ResourceSpans().At(0).ScopeSpans().At(0).Spans()
	for i := range spans.Len() {
		s := spans.At(i)
		for j := range i % 3 {
			e := s.Events().AppendEmpty()
			e.SetName(fmt.Sprintf("event-%d", j))
			e.SetTimestamp(pcommon.Timestamp(1_700_000_000_000_000_000 + i))
			if j == 1 {
				e.Attributes().PutInt("n", int64(i))
			}
		}
		if i%4 == 0 {
			l := s.Links().AppendEmpty()
			l.SetTraceID(pcommon.TraceID{1, byte(i)})
			l.SetSpanID(pcommon.SpanID{2, byte(i)})
			l.TraceState().FromRaw("a=b")
			l.Attributes().PutBool("linked", true)
		}
	}
	return td
}

func everyMetricType() pmetric.Metrics {
	md := pmetric.NewMetrics()
	rm := md.ResourceMetrics().AppendEmpty()
	rm.Resource().Attributes().PutStr("service.name", "svc")
	ms := rm.ScopeMetrics().AppendEmpty().Metrics()
	for i := range 20 {
		g := ms.AppendEmpty()
		g.SetName("g")
		dp := g.SetEmptyGauge().DataPoints().AppendEmpty()
		dp.SetDoubleValue(float64(i) / 3)
		dp.SetTimestamp(pcommon.Timestamp(i))
		if i%2 == 0 {
			ex := dp.Exemplars().AppendEmpty()
			ex.SetIntValue(int64(i))
			ex.FilteredAttributes().PutStr("e", "x")
		}
		s := ms.AppendEmpty()
		s.SetName("s")
		sum := s.SetEmptySum()
		sum.SetIsMonotonic(i%2 == 0)
		sum.SetAggregationTemporality(pmetric.AggregationTemporalityDelta)
		sum.DataPoints().AppendEmpty().SetIntValue(int64(i))
		h := ms.AppendEmpty()
		h.SetName("h")
		hdp := h.SetEmptyHistogram().DataPoints().AppendEmpty()
		hdp.BucketCounts().FromRaw([]uint64{1, uint64(i)})
		hdp.ExplicitBounds().FromRaw([]float64{0.5})
		hdp.SetMin(-1)
		e := ms.AppendEmpty()
		e.SetName("e")
		edp := e.SetEmptyExponentialHistogram().DataPoints().AppendEmpty()
		edp.SetScale(int32(i - 10))
		edp.Positive().SetOffset(int32(-i))
		edp.Positive().BucketCounts().FromRaw([]uint64{uint64(i), 3})
		q := ms.AppendEmpty()
		q.SetName("q")
		qdp := q.SetEmptySummary().DataPoints().AppendEmpty()
		qv := qdp.QuantileValues().AppendEmpty()
		qv.SetQuantile(0.99)
		qv.SetValue(float64(i))
	}
	return md
}

// Spans with fuzzed names, events and links: the block always decodes
// to the driver's values.
func FuzzTracesNative(f *testing.F) {
	f.Add("span", "event", "k", "v", uint8(2), uint8(1), uint64(5))
	f.Add("", "", "", "", uint8(0), uint8(0), ^uint64(0))
	f.Fuzz(func(t *testing.T, name, event, key, val string, events, links uint8, ts uint64) {
		td := ptrace.NewTraces()
		rs := td.ResourceSpans().AppendEmpty()
		rs.Resource().Attributes().PutStr(key, val)
		spans := rs.ScopeSpans().AppendEmpty().Spans()
		for i := range 3 {
			s := spans.AppendEmpty()
			s.SetName(name + fmt.Sprint(i%2))
			s.SetStartTimestamp(pcommon.Timestamp(ts))
			s.SetEndTimestamp(pcommon.Timestamp(ts / 2))
			for j := range int(events % 8) {
				e := s.Events().AppendEmpty()
				e.SetName(event + fmt.Sprint(j))
				e.SetTimestamp(pcommon.Timestamp(ts))
				e.Attributes().PutStr(key, val)
			}
			for range int(links % 4) {
				l := s.Links().AppendEmpty()
				l.TraceState().FromRaw(val)
				l.Attributes().PutStr(val, key)
			}
		}
		var b Traces
		b.Reset()
		b.Fill(td)
		checkNative(t, schema.Traces, b.Columns())
	})
}
