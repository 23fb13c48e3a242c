package chcol

import (
	"math"
	"reflect"
	"testing"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelhub/otelhub/exporter/clickhouseexporter/internal/schema"
	"github.com/otelhub/otelhub/internal/benchdata"
)

// checkColumns: one column per schema column, each with one entry per row.
func checkColumns(t testing.TB, name string, def schema.Table, cols []Col, rows int) {
	t.Helper()
	if len(cols) != len(def.Columns) {
		t.Fatalf("%s: %d columns, the schema has %d", name, len(cols), len(def.Columns))
	}
	for i, c := range cols {
		if n := c.Len(); n != rows {
			t.Fatalf("%s: column %s has %d rows, want %d", name, def.Columns[i].Name, n, rows)
		}
		if n := reflect.ValueOf(c.Driver()).Len(); n != rows {
			t.Fatalf("%s: column %s gives the driver %d rows, want %d", name, def.Columns[i].Name, n, rows)
		}
	}
}

// drivers is the columns as the driver takes them.
func drivers(cols []Col) []any {
	out := make([]any, len(cols))
	for i, c := range cols {
		out[i] = c.Driver()
	}
	return out
}

func TestColumnsMatchSchema(t *testing.T) {
	var l Logs
	l.Reset()
	l.Fill(benchdata.Logs())
	checkColumns(t, "logs", schema.Logs, l.Columns(), 10_000)

	var tr Traces
	tr.Reset()
	tr.Fill(benchdata.Traces())
	checkColumns(t, "traces", schema.Traces, tr.Columns(), 10_000)

	var m Metrics
	m.Reset()
	m.Fill(benchdata.Metrics())
	checkColumns(t, "gauge", schema.Gauge, m.Gauge.GaugeColumns(), 5_000)
	checkColumns(t, "sum", schema.Sum, m.Sum.SumColumns(), 5_000)
	checkColumns(t, "histogram", schema.Histogram, m.Histogram.Columns(), 0)
	checkColumns(t, "exponential histogram", schema.ExpHistogram, m.ExpHistogram.Columns(), 0)
	checkColumns(t, "summary", schema.Summary, m.Summary.Columns(), 0)
}

// The token is a function of the content: equal batches (a retry, or a
// copy) agree, and a change anywhere changes it.
func TestTokenFollowsContent(t *testing.T) {
	token := func(ld plog.Logs) string {
		var b Logs
		b.Reset()
		b.Fill(ld)
		return b.Token()
	}
	ld := benchdata.Logs()
	cp := plog.NewLogs()
	ld.CopyTo(cp)
	if token(ld) != token(cp) {
		t.Fatal("a copy has another token")
	}
	mutations := []func(plog.Logs){
		func(l plog.Logs) { l.ResourceLogs().At(3).ScopeLogs().At(0).LogRecords().At(7).Body().SetStr("x") },
		func(l plog.Logs) {
			l.ResourceLogs().At(0).Resource().Attributes().PutStr("host.name", "other")
		},
		func(l plog.Logs) {
			l.ResourceLogs().At(9).ScopeLogs().At(0).LogRecords().At(999).Attributes().PutInt("http.response.status_code", 500)
		},
		func(l plog.Logs) {
			l.ResourceLogs().At(1).ScopeLogs().At(0).LogRecords().At(1).SetTimestamp(1)
		},
		func(l plog.Logs) {
			l.ResourceLogs().At(1).ScopeLogs().At(0).LogRecords().At(2).SetSpanID(pcommon.SpanID{})
		},
	}
	for i, mutate := range mutations {
		m := plog.NewLogs()
		ld.CopyTo(m)
		mutate(m)
		if token(m) == token(ld) {
			t.Errorf("mutation %d kept the token", i)
		}
	}
}

// Each metrics table's token depends on its own points only, so a retry
// of only the failed tables carries the tokens of their first attempt.
func TestMetricsTokensPerTable(t *testing.T) {
	md := benchdata.Metrics()
	var all Metrics
	all.Reset()
	all.Fill(md)
	gauge, sum := all.Gauge.Token(), all.Sum.Token()

	onlySums := pmetric.NewMetrics()
	md.CopyTo(onlySums)
	for _, rm := range onlySums.ResourceMetrics().All() {
		for _, sm := range rm.ScopeMetrics().All() {
			sm.Metrics().RemoveIf(func(m pmetric.Metric) bool { return m.Type() != pmetric.MetricTypeSum })
		}
	}
	var part Metrics
	part.Reset()
	part.Fill(onlySums)
	if part.Gauge.Rows() != 0 || part.Sum.Token() != sum {
		t.Fatalf("sum token %s after the split, %s before", part.Sum.Token(), sum)
	}
	if gauge == sum {
		t.Fatal("gauge and sum tables share a token")
	}
}

// Reusing a block gives the same columns as a fresh one.
func TestResetReuses(t *testing.T) {
	var reused, fresh Traces
	reused.Reset()
	reused.Fill(benchdata.Traces())
	reused.Reset()
	td := ptrace.NewTraces()
	s := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty()
	s.SetName("one")
	s.Attributes().PutStr("k", "v")
	reused.Fill(td)
	fresh.Reset()
	fresh.Fill(td)
	a, b := deref(drivers(reused.Columns())), deref(drivers(fresh.Columns()))
	for i := range a {
		if !reflect.DeepEqual(a[i], b[i]) {
			t.Errorf("column %s: reused %#v, fresh %#v", schema.Traces.Columns[i].Name, a[i], b[i])
		}
	}
	if reused.Token() != fresh.Token() {
		t.Fatal("a reused block has another token")
	}
}

// deref replaces Map cells and element pointers with plain values, so
// columns can be compared.
func deref(cols []any) []any {
	out := make([]any, len(cols))
	for i, c := range cols {
		switch v := c.(type) {
		case []*mapCell:
			out[i] = cellMaps(v)
		case Rows:
			var rows []any
			for _, r := range v {
				switch r := r.(type) {
				case *[]*mapCell:
					rows = append(rows, cellMaps(*r))
				case *[]any:
					rows = append(rows, append([]any{}, (*r)...))
				default:
					rows = append(rows, reflect.ValueOf(r).Elem().Interface())
				}
			}
			out[i] = rows
		default:
			out[i] = c
		}
	}
	return out
}

func cellMaps(cells []*mapCell) []map[string]string {
	var out []map[string]string
	for _, c := range cells {
		m := map[string]string{}
		for it := c.Iterator(); it.Next(); {
			m[*it.Key().(*string)] = *it.Value().(*string)
		}
		out = append(out, m)
	}
	return out
}

// Whatever the input, filling never panics, the columns stay aligned, and
// the Native block decodes (with ch-go) to the values the driver gets.
func FuzzLogsFill(f *testing.F) {
	f.Add("body", "key", "value", int64(3), 1.5, uint64(0), []byte{1, 2})
	f.Add("", "", "", int64(-1), math.Inf(-1), ^uint64(0), []byte(nil))
	f.Fuzz(func(t *testing.T, body, key, val string, i int64, d float64, ts uint64, raw []byte) {
		ld := plog.NewLogs()
		rl := ld.ResourceLogs().AppendEmpty()
		rl.Resource().Attributes().PutStr(key, val)
		lr := rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
		lr.Body().SetStr(body)
		lr.SetTimestamp(pcommon.Timestamp(ts))
		lr.SetSeverityNumber(plog.SeverityNumber(i))
		a := lr.Attributes()
		a.PutInt(key+"i", i)
		a.PutDouble(key+"d", d)
		a.PutEmptyBytes(key + "b").FromRaw(raw)
		a.PutEmptyMap(key+"m").PutStr(val, body)
		a.PutEmptySlice(key + "s").AppendEmpty().SetStr(val)
		lr2 := rl.ScopeLogs().At(0).LogRecords().AppendEmpty()
		lr2.Body().SetEmptyMap().PutDouble(key, d)
		var b Logs
		b.Reset()
		b.Fill(ld)
		checkColumns(t, "logs", schema.Logs, b.Columns(), 2)
		checkNative(t, schema.Logs, b.Columns())
		_ = b.Token()
	})
}
