package clickhouseexporter

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelhub/otelhub/internal/testserver"
)

// wideLogs is n records, perRes per resource, starting at first: every
// record has its own severity text and attribute key, every resource its
// own service name, scope version and resource attribute key, so that one
// block carries as many distinct LowCardinality values as records. Every
// seventh record has no attributes.
func wideLogs(first, n, perRes int) plog.Logs {
	ld := plog.NewLogs()
	var sl plog.ScopeLogs
	for i := first; i < first+n; i++ {
		if (i-first)%perRes == 0 {
			rl := ld.ResourceLogs().AppendEmpty()
			rl.Resource().Attributes().PutStr("service.name", "svc-"+strconv.Itoa(i))
			rl.Resource().Attributes().PutStr("rk-"+strconv.Itoa(i), "rv")
			rl.SetSchemaUrl("https://schema/" + strconv.Itoa(i%3))
			sl = rl.ScopeLogs().AppendEmpty()
			sl.Scope().SetVersion("ver-" + strconv.Itoa(i))
			sl.Scope().SetName("scope-" + strconv.Itoa(i%5))
		}
		lr := sl.LogRecords().AppendEmpty()
		lr.SetTimestamp(pcommon.NewTimestampFromTime(t0.Add(time.Duration(i) * time.Microsecond)))
		lr.SetSeverityText("sev-" + strconv.Itoa(i))
		lr.Body().SetStr(strconv.Itoa(i))
		lr.SetSeverityNumber(plog.SeverityNumber(i % 25))
		lr.SetFlags(plog.LogRecordFlags(i % 2))
		lr.SetEventName("event-" + strconv.Itoa(i%4))
		if i%3 != 0 {
			lr.SetTraceID(pcommon.TraceID{byte(i >> 16), byte(i >> 8), byte(i), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xf})
			lr.SetSpanID(pcommon.SpanID{0, 0, 0, 0, 0, byte(i >> 16), byte(i >> 8), byte(i)})
		}
		if i%7 != 0 {
			lr.Attributes().PutStr("k-"+strconv.Itoa(i), "v-"+strconv.Itoa(i))
			lr.Attributes().PutStr("shared", string([]byte{0xff, byte(i)}))
		}
	}
	return ld
}

// expectLogs is what ld should store, read from pdata's accessors.
func expectLogs(ld plog.Logs) []logRow {
	var out []logRow
	for _, rl := range ld.ResourceLogs().All() {
		res := map[string]string{}
		for k, v := range rl.Resource().Attributes().All() {
			res[k] = v.Str()
		}
		for _, sl := range rl.ScopeLogs().All() {
			for _, lr := range sl.LogRecords().All() {
				attrs := map[string]string{}
				for k, v := range lr.Attributes().All() {
					attrs[k] = v.Str()
				}
				tid, sid := lr.TraceID(), lr.SpanID()
				out = append(out, logRow{
					TraceID: hexOrEmpty(tid[:], tid.String()), SpanID: hexOrEmpty(sid[:], sid.String()),
					TraceFlags: uint8(lr.Flags()), SeverityNumber: uint8(lr.SeverityNumber()), EventName: lr.EventName(),
					ResourceSchema: rl.SchemaUrl(), ScopeName: sl.Scope().Name(),
					Timestamp: lr.Timestamp().AsTime(), SeverityText: lr.SeverityText(), Body: lr.Body().Str(),
					ServiceName: res["service.name"], ResourceAttrs: res, ScopeVersion: sl.Scope().Version(),
					ScopeAttrs: map[string]string{}, LogAttrs: attrs,
				})
			}
		}
	}
	return out
}

func readLogs(t *testing.T, s *testserver.Server) []logRow {
	t.Helper()
	var rows []logRow
	require.NoError(t, reader(t, s).Select(context.Background(), &rows, `SELECT Timestamp, TraceId, SpanId, TraceFlags,
		SeverityText, SeverityNumber, ServiceName, Body, ResourceSchemaUrl, ResourceAttributes, ScopeName,
		ScopeVersion, ScopeAttributes, LogAttributes, EventName FROM otel.otel_logs ORDER BY Timestamp`))
	for i := range rows {
		rows[i].Timestamp = rows[i].Timestamp.UTC()
	}
	return rows
}

func requireSameLogs(t *testing.T, want, got []logRow) {
	t.Helper()
	require.Len(t, got, len(want))
	for i := range want {
		require.Equal(t, want[i], got[i], "row %d", i)
	}
}

// One block with more than 65,536 distinct values in every
// LowCardinality column (UInt32 indexes), then smaller blocks (UInt16,
// then UInt8) through the same exporter, which reuses its block and its
// intern table: everything is stored as pdata holds it.
func TestIntegrationChDBWideDictionaries(t *testing.T) {
	s := testserver.ChDB(t)
	e := logsExporter(t, chdbConfig(s))
	ctx := context.Background()
	var want []logRow
	for _, b := range []struct{ first, n, perRes int }{
		{0, 70_000, 1}, {100_000, 300, 1}, {200_000, 10, 3}, {300_000, 70_000, 100},
	} {
		ld := wideLogs(b.first, b.n, b.perRes)
		want = append(want, expectLogs(ld)...)
		require.NoError(t, e.ConsumeLogs(ctx, ld))
		requireSameLogs(t, want, readLogs(t, s))
	}
}

// Events and links: > 65,536 distinct event names and attribute keys in
// one block (Array(LowCardinality(String)) and the keys of
// Array(Map(LowCardinality(String), String))), spans without events or
// links, and empty event attributes.
func TestIntegrationChDBWideEvents(t *testing.T) {
	s := testserver.ChDB(t)
	e := tracesExporter(t, chdbConfig(s))
	ctx := context.Background()
	td := ptrace.NewTraces()
	spans := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans()
	type spanWant struct {
		names  []string
		attrs  []map[string]string
		lattrs []map[string]string
		states []string
		times  []time.Time
		ltids  []string
		lsids  []string
	}
	var want []spanWant
	ev := 0
	for i := range 1_000 {
		sp := spans.AppendEmpty()
		sp.SetName("span")
		sp.SetStartTimestamp(pcommon.NewTimestampFromTime(t0.Add(time.Duration(i) * time.Millisecond)))
		w := spanWant{names: []string{}, attrs: []map[string]string{}, lattrs: []map[string]string{}, states: []string{},
			times: []time.Time{}, ltids: []string{}, lsids: []string{}}
		for j := range i % 141 {
			e := sp.Events().AppendEmpty()
			e.SetName("ev-" + strconv.Itoa(ev))
			e.SetTimestamp(pcommon.Timestamp(uint64(t0.UnixNano()) + uint64(ev)))
			w.times = append(w.times, e.Timestamp().AsTime())
			m := map[string]string{}
			if j%5 != 0 {
				e.Attributes().PutStr("ek-"+strconv.Itoa(ev), "x")
				m["ek-"+strconv.Itoa(ev)] = "x"
			}
			w.names = append(w.names, e.Name())
			w.attrs = append(w.attrs, m)
			ev++
		}
		for j := range i % 3 {
			l := sp.Links().AppendEmpty()
			l.TraceState().FromRaw(fmt.Sprintf("s=%d", j))
			if j == 1 {
				l.SetTraceID(pcommon.TraceID{0xab, byte(i), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff})
				l.SetSpanID(pcommon.SpanID{byte(i >> 8), byte(i), 0, 0, 0, 0, 0, 1})
			}
			tid, sid := l.TraceID(), l.SpanID()
			w.ltids = append(w.ltids, hexOrEmpty(tid[:], tid.String()))
			w.lsids = append(w.lsids, hexOrEmpty(sid[:], sid.String()))
			key := fmt.Sprintf("lk-%d-%d", i, j)
			l.Attributes().PutStr(key, "")
			w.lattrs = append(w.lattrs, map[string]string{key: ""})
			w.states = append(w.states, l.TraceState().AsRaw())
		}
		want = append(want, w)
	}
	require.Greater(t, ev, 65_536)
	require.NoError(t, e.ConsumeTraces(ctx, td))
	var rows []struct {
		Names  []string            `ch:"Events.Name"`
		Attrs  []map[string]string `ch:"Events.Attributes"`
		LAttrs []map[string]string `ch:"Links.Attributes"`
		States []string            `ch:"Links.TraceState"`
		Times  []time.Time         `ch:"Events.Timestamp"`
		LTIDs  []string            `ch:"Links.TraceId"`
		LSIDs  []string            `ch:"Links.SpanId"`
	}
	require.NoError(t, reader(t, s).Select(ctx, &rows, `SELECT Events.Name, Events.Attributes, Links.Attributes,
		Links.TraceState, Events.Timestamp, Links.TraceId, Links.SpanId FROM otel.otel_traces ORDER BY Timestamp`))
	require.Len(t, rows, len(want))
	for i, w := range want {
		require.Equal(t, w.names, rows[i].Names, "span %d", i)
		require.Equal(t, w.attrs, rows[i].Attrs, "span %d", i)
		require.Equal(t, w.lattrs, rows[i].LAttrs, "span %d", i)
		require.Equal(t, w.states, rows[i].States, "span %d", i)
		require.Equal(t, w.ltids, rows[i].LTIDs, "span %d", i)
		require.Equal(t, w.lsids, rows[i].LSIDs, "span %d", i)
		require.Len(t, rows[i].Times, len(w.times), "span %d", i)
		for j := range w.times {
			require.True(t, w.times[j].Equal(rows[i].Times[j]), "span %d event %d: %v, want %v", i, j, rows[i].Times[j], w.times[j])
		}
	}
}

// Pushes run at once, as the queue's consumers do, each with its own
// values (so a block or buffer shared by two pushes, or an intern table
// mixed up between them, shows as a wrong row), gzip-compressed: every
// row is stored as pdata holds it.
func TestIntegrationChDBConcurrentPushes(t *testing.T) {
	s := testserver.ChDB(t)
	cfg := chdbConfig(s)
	cfg.Compression = "gzip"
	e := logsExporter(t, cfg)
	const workers, rounds = 6, 3
	var want []logRow
	for r := range rounds {
		batches := make([]plog.Logs, workers)
		for w := range batches {
			k := r*workers + w
			batches[w] = wideLogs(k*10_000, 200+k*97, 1+k%5)
			want = append(want, expectLogs(batches[w])...)
		}
		errs := make(chan error, workers)
		for _, ld := range batches {
			go func() { errs <- e.ConsumeLogs(context.Background(), ld) }()
		}
		for range workers {
			require.NoError(t, <-errs)
		}
	}
	slices.SortFunc(want, func(a, b logRow) int { return a.Timestamp.Compare(b.Timestamp) })
	requireSameLogs(t, want, readLogs(t, s))
}

// OTLP may carry a key twice in one map (pdata keeps both when it
// decodes such a payload): both pairs are stored, in order.
func TestIntegrationChDBDuplicateKeys(t *testing.T) {
	ld := plog.NewLogs()
	lr := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	lr.Attributes().PutStr("dupA", "first")
	lr.Attributes().PutStr("dupB", "second")
	raw, err := (&plog.ProtoMarshaler{}).MarshalLogs(ld)
	require.NoError(t, err)
	raw = bytes.Replace(raw, []byte("dupB"), []byte("dupA"), 1)
	ld, err = (&plog.ProtoUnmarshaler{}).UnmarshalLogs(raw)
	require.NoError(t, err)
	var keys, vals []string
	for k, v := range ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Attributes().All() {
		keys, vals = append(keys, k), append(vals, v.Str())
	}
	require.Equal(t, []string{"dupA", "dupA"}, keys, "pdata kept both")

	s := testserver.ChDB(t)
	require.NoError(t, logsExporter(t, chdbConfig(s)).ConsumeLogs(context.Background(), ld))
	var got struct {
		Keys []string `ch:"k"`
		Vals []string `ch:"v"`
	}
	require.NoError(t, reader(t, s).QueryRow(context.Background(),
		"SELECT mapKeys(LogAttributes) AS k, mapValues(LogAttributes) AS v FROM otel.otel_logs").ScanStruct(&got))
	require.Equal(t, keys, got.Keys)
	require.Equal(t, vals, got.Vals)
}

// Two batches that differ only in a record's severity number and its
// flags' upper bits are different rows: the second is not taken for a
// retry of the first and dropped.
func TestIntegrationChDBSeverityAndFlagsKeepBatchesApart(t *testing.T) {
	s := testserver.ChDB(t)
	e := logsExporter(t, chdbConfig(s))
	batch := func(sev plog.SeverityNumber, flags uint32) plog.Logs {
		ld := plog.NewLogs()
		lr := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
		lr.SetTimestamp(pcommon.NewTimestampFromTime(t0))
		lr.SetSeverityNumber(sev)
		lr.SetFlags(plog.LogRecordFlags(flags))
		return ld
	}
	require.NoError(t, e.ConsumeLogs(context.Background(), batch(1, 0)))
	require.NoError(t, e.ConsumeLogs(context.Background(), batch(0, 256)))
	require.Equal(t, uint64(2), count(t, reader(t, s), "SELECT count() FROM otel.otel_logs"), "the second batch was dropped as a retry")
}
