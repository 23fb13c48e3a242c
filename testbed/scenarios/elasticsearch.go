package scenarios

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/elastic/go-elasticsearch/v8"
	"github.com/elastic/go-elasticsearch/v8/esutil"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/pdata/plog"

	es "github.com/otelhub/otelhub/exporter/elasticsearchexporter"
	"github.com/otelhub/otelhub/testbed/bench"
)

// Elasticsearch: otelhub's elasticsearch exporter against the idiomatic
// Go baseline (documents as map[string]any, encoding/json, one long-lived
// go-elasticsearch esutil.BulkIndexer), into the same _bulk sink. One log
// record is one document.
func init() {
	bench.Register(&bench.Scenario{
		Name:     "elasticsearch",
		Signal:   bench.Logs,
		SinkKind: "esbulk",
		Units: func(data any) (int64, error) {
			ld, ok := data.(plog.Logs)
			if !ok {
				return 0, fmt.Errorf("_bulk counts logs, got %T", data)
			}
			return int64(ld.LogRecordCount()), nil
		},
		Variants: []bench.Variant{
			{Name: "otelhub", Role: bench.Ours, Exporter: otelhubES, Process: otelhubESProc},
			{Name: "bulkindexer", Role: bench.Twin, Exporter: bulkIndexerBaseline},
		},
	})
}

func otelhubES(ctx context.Context, b bench.Backend) (component.Component, error) {
	f := es.NewFactory()
	cfg := f.CreateDefaultConfig().(*es.Config)
	cfg.Endpoint = b.URL
	cfg.Headers = b.HTTPHeaders()
	return f.CreateLogs(ctx, exportertest.NewNopSettings(f.Type()), cfg)
}

func otelhubESProc(env bench.Env, b bench.Backend) (*bench.Proc, error) {
	return bench.OtelhubProc(env, bench.Logs, "elasticsearch", "    endpoint: "+b.URL)
}

// baseline is what a straightforward Go program does: one BulkIndexer for
// its lifetime, a map per record, encoding/json. ConsumeLogs returns once
// the records are queued in the indexer, as an exporter with a queue would;
// Shutdown flushes.
type baseline struct {
	component.StartFunc
	bi esutil.BulkIndexer
}

func bulkIndexerBaseline(_ context.Context, b bench.Backend) (component.Component, error) {
	// Headers (OTELHUB_BENCH_HEADERS) go on every request, as otelhub's
	// exporter sends them; go-elasticsearch uses Username/Password only
	// when no Authorization header is set.
	hdr := http.Header{}
	for k, v := range b.Headers {
		hdr.Set(k, string(v))
	}
	client, err := elasticsearch.NewClient(elasticsearch.Config{Addresses: []string{b.URL},
		Username: b.Username, Password: string(b.Password), Header: hdr})
	if err != nil {
		return nil, err
	}
	bi, err := esutil.NewBulkIndexer(esutil.BulkIndexerConfig{Client: client, NumWorkers: 4,
		FlushBytes: 5_000_000, FlushInterval: time.Second})
	if err != nil {
		return nil, err
	}
	bl := &baseline{bi: bi}
	c, err := consumer.NewLogs(bl.consume)
	if err != nil {
		return nil, err
	}
	return struct {
		component.Component
		consumer.Logs
	}{bl, c}, nil
}

func (bl *baseline) Shutdown(ctx context.Context) error { return bl.bi.Close(ctx) }

func (bl *baseline) consume(ctx context.Context, ld plog.Logs) error {
	for _, rl := range ld.ResourceLogs().All() {
		res := rl.Resource().Attributes().AsRaw()
		for _, sl := range rl.ScopeLogs().All() {
			for _, lr := range sl.LogRecords().All() {
				tid, sid := lr.TraceID(), lr.SpanID()
				doc, err := json.Marshal(map[string]any{
					"@timestamp":      lr.Timestamp().AsTime().UTC().Format(time.RFC3339Nano),
					"severity_text":   lr.SeverityText(),
					"severity_number": int32(lr.SeverityNumber()),
					"body":            lr.Body().AsString(),
					"trace_id":        hex.EncodeToString(tid[:]),
					"span_id":         hex.EncodeToString(sid[:]),
					"attributes":      lr.Attributes().AsRaw(),
					"resource":        res,
					"scope":           sl.Scope().Name(),
				})
				if err != nil {
					return err
				}
				if err := bl.bi.Add(ctx, esutil.BulkIndexerItem{Action: "create", Index: "logs-bench",
					Body: bytes.NewReader(doc)}); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
