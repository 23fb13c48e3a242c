package elasticsearchexporter

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelhub/otelhub/exporter/elasticsearchexporter/internal/metadata"
	"github.com/otelhub/otelhub/internal/esfake"
)

// Every mode's documents, for logs, traces and metrics, pass the strict
// fake's shape check for that mode and all arrive.
func TestEveryModeMatchesItsShape(t *testing.T) {
	for mode, shape := range map[string]esfake.Shape{"otel": esfake.ShapeOTel, "ecs": esfake.ShapeECS, "raw": esfake.ShapeRaw} {
		t.Run(mode, func(t *testing.T) {
			es := esfake.Start(t, shape)
			cfg := testConfig(es.URL)
			cfg.Mapping.Mode = mode
			cfg.Compression = "gzip"
			ctx := context.Background()
			set := exportertest.NewNopSettings(metadata.Type)
			f := NewFactory()
			le, err := f.CreateLogs(ctx, set, cfg)
			require.NoError(t, err)
			te, err := f.CreateTraces(ctx, set, cfg)
			require.NoError(t, err)
			me, err := f.CreateMetrics(ctx, set, cfg)
			require.NoError(t, err)
			for _, c := range []interface {
				Start(context.Context, componentHost) error
				Shutdown(context.Context) error
			}{le, te, me} {
				require.NoError(t, c.Start(ctx, componenttest.NewNopHost()))
				defer func() { require.NoError(t, c.Shutdown(ctx)) }()
			}
			require.NoError(t, le.ConsumeLogs(ctx, logBatch(0, 20)))
			require.NoError(t, te.ConsumeTraces(ctx, spans(5)))
			require.NoError(t, me.ConsumeMetrics(ctx, gauges(3, 4)))
			assert.Empty(t, es.Violations())
			assert.Equal(t, 20+5+5+3, es.Count(), "20 records, 5 spans, 5 span events, 3 metric documents")
		})
	}
}

func spans(n int) ptrace.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", "estest")
	ss := rs.ScopeSpans().AppendEmpty().Spans()
	now := time.Now()
	for i := range n {
		sp := ss.AppendEmpty()
		sp.SetTraceID(pcommon.TraceID{1, byte(i)})
		sp.SetSpanID(pcommon.SpanID{2, byte(i)})
		sp.SetName("op")
		sp.SetStartTimestamp(pcommon.NewTimestampFromTime(now))
		sp.SetEndTimestamp(pcommon.NewTimestampFromTime(now.Add(time.Millisecond)))
		sp.Attributes().PutInt("i", int64(i))
		sp.Events().AppendEmpty().SetName("ev")
		sp.Events().At(0).SetTimestamp(pcommon.NewTimestampFromTime(now))
	}
	return td
}

// gauges is series (by attribute) x metrics gauges at one timestamp: one
// document per series.
func gauges(series, metrics int) pmetric.Metrics {
	md := pmetric.NewMetrics()
	ms := md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty().Metrics()
	ts := pcommon.NewTimestampFromTime(time.Now())
	for m := range metrics {
		g := ms.AppendEmpty()
		g.SetName("g" + string(rune('a'+m)))
		dps := g.SetEmptyGauge().DataPoints()
		for s := range series {
			dp := dps.AppendEmpty()
			dp.SetTimestamp(ts)
			dp.SetIntValue(int64(s * m))
			dp.Attributes().PutInt("series", int64(s))
		}
	}
	return md
}

// idsOf returns how often each log.id was stored.
func idsOf(t *testing.T, es *esfake.Server) map[string]int {
	t.Helper()
	seen := map[string]int{}
	for _, d := range es.Docs("logs-") {
		id, _ := d["attributes"].(map[string]any)["log.id"].(string)
		seen[id]++
	}
	return seen
}

func requireEachOnce(t *testing.T, es *esfake.Server, batches, per int) {
	t.Helper()
	seen := idsOf(t, es)
	assert.Len(t, seen, batches*per)
	for id, n := range seen {
		assert.Equal(t, 1, n, id)
	}
	assert.Equal(t, batches*per, es.Count(), "no document twice")
}

// A storm of per-document 429s (a third of the documents, for the first
// 600 received): only the refused documents are sent again, with backoff,
// and every document is stored once. No document ids are set, so a
// resent document that had arrived would show as a duplicate.
func TestPerDocument429StormRetriesOnlyRefusedDocuments(t *testing.T) {
	es := esfake.Start(t, esfake.ShapeOTel)
	var mu sync.Mutex
	rng := rand.New(rand.NewPCG(1, 2))
	es.ItemFault = func(n int, _ map[string]any) int {
		mu.Lock()
		defer mu.Unlock()
		if n < 600 && rng.IntN(3) == 0 {
			return 429
		}
		return 0
	}
	tel := newTel(t)
	exp := startLogs(t, testConfig(es.URL), tel)
	const batches, per = 4, 100
	for b := range batches {
		require.NoError(t, exp.ConsumeLogs(context.Background(), logBatch(b, per)))
	}
	requireEachOnce(t, es, batches, per)
	assert.Empty(t, es.Violations())
	retried := sumMetric(t, tel, "otelcol_exporter_elasticsearch_retried_documents", "http.response.status_code", "429")
	assert.Positive(t, retried)
	assert.Equal(t, int64(batches*per), sumMetric(t, tel, "otelcol_exporter_elasticsearch_sent_documents", "", ""))
	t.Logf("429 answers: %d", retried)
}

// A 400 mapping error is permanent: the document is counted by reason and
// written to the dead-letter index with the error; the other documents
// of the batch arrive and the push succeeds.
func TestMappingErrorIsCountedAndDeadLettered(t *testing.T) {
	es := esfake.Start(t, nil)
	es.ItemFault = func(_ int, doc map[string]any) int {
		attrs, _ := doc["attributes"].(map[string]any)
		if id, _ := attrs["log.id"].(string); id == "record 0-3" {
			return 400
		}
		return 0
	}
	tel := newTel(t)
	cfg := testConfig(es.URL)
	cfg.DeadLetterIndex = "otel-dead-letter"
	exp := startLogs(t, cfg, tel)
	require.NoError(t, exp.ConsumeLogs(context.Background(), logBatch(0, 10)))

	assert.Len(t, es.Docs("logs-"), 9)
	dead := es.Docs("otel-dead-letter")
	require.Len(t, dead, 1)
	for _, d := range dead {
		assert.Equal(t, "document_parsing_exception", d["error"].(map[string]any)["type"])
		var orig map[string]any
		require.NoError(t, json.Unmarshal([]byte(d["document"].(string)), &orig))
		assert.Equal(t, "record 0-3", orig["attributes"].(map[string]any)["log.id"])
	}
	assert.Equal(t, int64(1), sumMetric(t, tel, "otelcol_exporter_elasticsearch_rejected_documents", "reason", "document_parsing_exception"))
	assert.Equal(t, int64(1), sumMetric(t, tel, "otelcol_exporter_elasticsearch_dead_letter_documents", "outcome", "ok"))
}

// When every document is refused for good, the push fails with one
// permanent error (not wrapped twice) and is not retried.
func TestAllRejectedIsOnePermanentError(t *testing.T) {
	es := esfake.Start(t, nil)
	es.ItemFault = func(int, map[string]any) int { return 400 }
	exp := startLogs(t, testConfig(es.URL), nil)
	err := exp.ConsumeLogs(context.Background(), logBatch(0, 3))
	require.Error(t, err)
	assert.True(t, consumererrorIsPermanent(err))
	assert.Equal(t, 1, countSubstr(err.Error(), "Permanent"), err.Error())
	assert.EqualValues(t, 1, es.Requests.Load(), "not retried")
}

// 409 on create with a document id means an earlier attempt wrote it: it
// counts as sent (conflict counter), with no error.
func TestConflictWithIDCountsAsWritten(t *testing.T) {
	es := esfake.Start(t, esfake.ShapeOTel)
	es.Put("logs-generic.otel-default", "record 0-1", json.RawMessage(`{"@timestamp":"2026-01-01T00:00:00.000000000Z"}`))
	tel := newTel(t)
	cfg := testConfig(es.URL)
	cfg.DocumentIDAttribute = "log.id"
	exp := startLogs(t, cfg, tel)
	require.NoError(t, exp.ConsumeLogs(context.Background(), logBatch(0, 3)))
	assert.Equal(t, 3, es.Count())
	assert.Equal(t, int64(1), sumMetric(t, tel, "otelcol_exporter_elasticsearch_conflict_documents", "", ""))
	assert.Zero(t, sumMetric(t, tel, "otelcol_exporter_elasticsearch_rejected_documents", "", ""))
}

// Whole-request 503s, dropped connections (before and after the server
// stored the documents), slow answers and a 413: with document ids, every
// document is stored exactly once.
func TestWholeRequestFaultsLoseNothingDuplicateNothing(t *testing.T) {
	es := esfake.Start(t, esfake.ShapeOTel, esfake.Down, esfake.Pass, esfake.Drop, esfake.DropAfter, esfake.Slow,
		esfake.TooLarge, esfake.Down, esfake.DropAfter)
	cfg := testConfig(es.URL)
	cfg.DocumentIDAttribute = "log.id"
	tel := newTel(t)
	exp := startLogs(t, cfg, tel)
	const batches, per = 6, 50
	for b := range batches {
		require.NoError(t, exp.ConsumeLogs(context.Background(), logBatch(b, per)))
	}
	assert.Equal(t, 8, es.FaultsUsed())
	requireEachOnce(t, es, batches, per)
	assert.Positive(t, sumMetric(t, tel, "otelcol_exporter_elasticsearch_conflict_documents", "", ""),
		"a request stored but unanswered is answered 409 on resend")
}

// A server that refuses bodies over 2 KB: requests are split until they
// fit; every document arrives once.
func TestTooLargeSplits(t *testing.T) {
	es := esfake.Start(t, esfake.ShapeOTel)
	es.MaxBody = 2048
	exp := startLogs(t, testConfig(es.URL), nil)
	require.NoError(t, exp.ConsumeLogs(context.Background(), logBatch(0, 60)))
	requireEachOnce(t, es, 1, 60)
	assert.Positive(t, es.TooBig.Load())
}

// flush::bytes cuts a batch into several bulk requests.
func TestFlushBytesCutsRequests(t *testing.T) {
	es := esfake.Start(t, esfake.ShapeOTel)
	cfg := testConfig(es.URL)
	cfg.Flush.Bytes = 4096
	exp := startLogs(t, cfg, nil)
	require.NoError(t, exp.ConsumeLogs(context.Background(), logBatch(0, 100)))
	requireEachOnce(t, es, 1, 100)
	assert.Greater(t, es.Requests.Load(), int64(5))
	assert.Zero(t, es.TooBig.Load())
}

// Elasticsearch down for a while (every request 503): the in-memory queue
// holds the batches and retries; when it is back, every document arrives
// once.
func TestElasticsearchDownForAWhile(t *testing.T) {
	es := esfake.Start(t, esfake.ShapeOTel)
	es.SetDown(true)
	cfg := testConfig(es.URL)
	cfg.QueueConfig = createDefaultConfig().(*Config).QueueConfig
	cfg.DocumentIDAttribute = "log.id"
	exp := startLogs(t, cfg, nil)
	const batches, per = 10, 30
	for b := range batches {
		require.NoError(t, exp.ConsumeLogs(context.Background(), logBatch(b, per)))
	}
	time.Sleep(1500 * time.Millisecond)
	assert.Zero(t, es.Count())
	es.SetDown(false)
	require.Eventually(t, func() bool { return es.Count() >= batches*per }, 30*time.Second, 50*time.Millisecond)
	time.Sleep(200 * time.Millisecond)
	requireEachOnce(t, es, batches, per)
}

// The README's warning: with a finite retry_on_failure::max_elapsed_time,
// an outage longer than it loses what was queued. 50 records sent while
// Elasticsearch is down, max_elapsed_time 300ms: exporterhelper counts all
// 50 as failed, and none arrives once it is back.
func TestFiniteMaxElapsedTimeDropsInAnOutage(t *testing.T) {
	es := esfake.Start(t, esfake.ShapeOTel)
	es.SetDown(true)
	cfg := testConfig(es.URL)
	cfg.QueueConfig = createDefaultConfig().(*Config).QueueConfig
	cfg.RetryConfig.MaxElapsedTime = 300 * time.Millisecond
	tel := newTel(t)
	exp := startLogs(t, cfg, tel)
	const batches, per = 5, 10
	for b := range batches {
		require.NoError(t, exp.ConsumeLogs(context.Background(), logBatch(b, per)))
	}
	require.Eventually(t, func() bool {
		return sumMetric(t, tel, "otelcol_exporter_send_failed_log_records", "", "") == batches*per
	}, 30*time.Second, 50*time.Millisecond)
	es.SetDown(false)
	time.Sleep(500 * time.Millisecond)
	assert.Zero(t, es.Count(), "dropped batches are not retried")
}
