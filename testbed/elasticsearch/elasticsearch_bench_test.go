// Package elasticsearch compares otelhub's elasticsearch exporter with the
// idiomatic baseline, in the same run and into the same sink: documents
// built as map[string]any from the same pdata, marshalled with
// encoding/json and sent with go-elasticsearch's esutil.BulkIndexer. The
// sink reads every bulk body and answers one item per document.
package elasticsearch

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/elastic/go-elasticsearch/v8"
	"github.com/elastic/go-elasticsearch/v8/esutil"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/pdata/plog"

	es "github.com/otelhub/otelhub/exporter/elasticsearchexporter"
	"github.com/otelhub/otelhub/internal/benchdata"
)

// sink is a bulk endpoint: it counts the documents of each body and
// answers 201 for each, as Elasticsearch does.
func sink(b *testing.B) (string, *atomic.Int64) {
	var docs atomic.Int64
	bufs := sync.Pool{New: func() any { return new(bytes.Buffer) }}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Elastic-Product", "Elasticsearch")
		w.Header().Set("Content-Type", "application/json")
		in, out := bufs.Get().(*bytes.Buffer), bufs.Get().(*bytes.Buffer)
		defer bufs.Put(in)
		defer bufs.Put(out)
		in.Reset()
		out.Reset()
		_, _ = in.ReadFrom(r.Body)
		n := bytes.Count(in.Bytes(), []byte{'\n'}) / 2
		docs.Add(int64(n))
		out.WriteString(`{"took":1,"errors":false,"items":[`)
		var num [20]byte
		for i := range n {
			if i > 0 {
				out.WriteByte(',')
			}
			out.WriteString(`{"create":{"_index":"logs-generic.otel-default","_id":"`)
			out.Write(strconv.AppendInt(num[:0], int64(i), 10))
			out.WriteString(`","status":201,"result":"created"}}`)
		}
		out.WriteString("]}")
		_, _ = w.Write(out.Bytes())
	}))
	b.Cleanup(srv.Close)
	return srv.URL, &docs
}

func BenchmarkLogs(b *testing.B) {
	ld := benchdata.Logs()
	n := ld.LogRecordCount()
	b.Run("otelhub", func(b *testing.B) {
		url, docs := sink(b)
		f := es.NewFactory()
		cfg := f.CreateDefaultConfig().(*es.Config)
		cfg.Endpoint = url
		cfg.QueueConfig = configoptional.None[exporterhelper.QueueBatchConfig]()
		exp, err := f.CreateLogs(context.Background(), exportertest.NewNopSettings(f.Type()), cfg)
		if err != nil {
			b.Fatal(err)
		}
		if err := exp.Start(context.Background(), componenttest.NewNopHost()); err != nil {
			b.Fatal(err)
		}
		defer func() { _ = exp.Shutdown(context.Background()) }()
		b.ReportAllocs()
		for b.Loop() {
			if err := exp.ConsumeLogs(context.Background(), ld); err != nil {
				b.Fatal(err)
			}
		}
		report(b, n, docs)
	})
	b.Run("bulkindexer", func(b *testing.B) {
		url, docs := sink(b)
		client, err := elasticsearch.NewClient(elasticsearch.Config{Addresses: []string{url}})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if err := bulkIndex(client, ld); err != nil {
				b.Fatal(err)
			}
		}
		report(b, n, docs)
	})
}

func report(b *testing.B, perOp int, docs *atomic.Int64) {
	if got := docs.Load(); got < int64(b.N*perOp) {
		b.Fatalf("sink got %d documents, want %d", got, b.N*perOp)
	}
	b.ReportMetric(float64(b.N*perOp)/b.Elapsed().Seconds(), "docs/s")
}

// bulkIndex is the baseline: one indexer per batch (as an exporter's push
// would flush it), documents as maps, encoding/json.
func bulkIndex(client *elasticsearch.Client, ld plog.Logs) error {
	var failed atomic.Int64
	bi, err := esutil.NewBulkIndexer(esutil.BulkIndexerConfig{Client: client, NumWorkers: 4, FlushBytes: 5_000_000})
	if err != nil {
		return err
	}
	ctx := context.Background()
	for _, rl := range ld.ResourceLogs().All() {
		for _, sl := range rl.ScopeLogs().All() {
			for _, lr := range sl.LogRecords().All() {
				body, err := json.Marshal(logDoc(rl, sl, lr))
				if err != nil {
					return err
				}
				err = bi.Add(ctx, esutil.BulkIndexerItem{
					Action: "create", Index: "logs-generic.otel-default", Body: bytes.NewReader(body),
					OnFailure: func(context.Context, esutil.BulkIndexerItem, esutil.BulkIndexerResponseItem, error) { failed.Add(1) },
				})
				if err != nil {
					return err
				}
			}
		}
	}
	if err := bi.Close(ctx); err != nil {
		return err
	}
	if failed.Load() > 0 {
		b := bi.Stats()
		return &statsError{b}
	}
	return nil
}

type statsError struct{ s esutil.BulkIndexerStats }

func (e *statsError) Error() string {
	return "bulk indexer: " + strconv.FormatUint(e.s.NumFailed, 10) + " failed"
}

// logDoc is the otel-mode document as a map, the way a straightforward
// exporter builds it.
func logDoc(rl plog.ResourceLogs, sl plog.ScopeLogs, lr plog.LogRecord) map[string]any {
	tid, sid := lr.TraceID(), lr.SpanID()
	return map[string]any{
		"@timestamp":         lr.Timestamp().AsTime().UTC().Format(time.RFC3339Nano),
		"observed_timestamp": lr.ObservedTimestamp().AsTime().UTC().Format(time.RFC3339Nano),
		"data_stream":        map[string]any{"type": "logs", "dataset": "generic.otel", "namespace": "default"},
		"severity_text":      lr.SeverityText(),
		"severity_number":    int32(lr.SeverityNumber()),
		"trace_id":           hex.EncodeToString(tid[:]),
		"span_id":            hex.EncodeToString(sid[:]),
		"body":               map[string]any{"text": lr.Body().AsString()},
		"attributes":         lr.Attributes().AsRaw(),
		"resource":           map[string]any{"attributes": rl.Resource().Attributes().AsRaw()},
		"scope":              map[string]any{"name": sl.Scope().Name()},
	}
}
