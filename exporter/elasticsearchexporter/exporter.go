package elasticsearchexporter

import (
	"compress/gzip"
	"context"
	"net/url"
	"slices"
	"sync"
	"time"

	"github.com/elastic/elastic-transport-go/v8/elastictransport"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.uber.org/zap"

	"github.com/otelhub/otelhub/exporter/elasticsearchexporter/internal/esbulk"
	"github.com/otelhub/otelhub/internal/httpsend"
	"github.com/otelhub/otelhub/internal/pdatasubset"
)

// esExporter encodes a batch into one bulk body, cuts it into requests of
// at most flush::bytes, sends them with up to num_workers at once, and
// reads every item of every answer.
type esExporter struct {
	cfg     *Config
	set     exporter.Settings
	tel     *telemetry
	tp      *elastictransport.Client
	workers chan struct{} // one token per bulk request in flight
	pool    sync.Pool     // *work
}

// work is the reused state of one push.
type work struct {
	enc   *esbulk.Encoder
	batch esbulk.Batch
	state []docState
	retry []bool // by item key: to be sent again
}

// docState is what became of one document of a push.
type docState uint8

const (
	stPending docState = iota
	stSent
	stRetry
	stRejected
)

func newExporter(cfg *Config, set exporter.Settings, tel *telemetry) *esExporter {
	e := &esExporter{cfg: cfg, set: set, tel: tel, workers: make(chan struct{}, cfg.NumWorkers)}
	opts := cfg.bulkOptions()
	e.pool.New = func() any { return &work{enc: esbulk.NewEncoder(opts)} }
	return e
}

func (e *esExporter) start(ctx context.Context, host component.Host) error {
	hc := e.cfg.ClientConfig
	hc.Compression = "" // the transport compresses, so 413 sizes are known
	client, err := hc.ToClient(ctx, host.GetExtensions(), e.set.TelemetrySettings)
	if err != nil {
		return err
	}
	var urls []*url.URL
	for _, s := range e.cfg.urls() {
		u, err := url.Parse(s)
		if err != nil {
			return err
		}
		urls = append(urls, u)
	}
	opts := []elastictransport.Option{
		elastictransport.WithUserAgent("otelhub/" + e.set.BuildInfo.Version),
		elastictransport.WithURLs(urls...),
		elastictransport.WithDisableRetry(), // exporterhelper retries, per document
		elastictransport.WithTransport(client.Transport),
		elastictransport.WithDiscoverNodesInterval(e.cfg.Discovery.Interval),
	}
	if e.cfg.User != "" || e.cfg.Password != "" {
		opts = append(opts, elastictransport.WithBasicAuth(e.cfg.User, string(e.cfg.Password)))
	}
	if e.cfg.APIKey != "" {
		opts = append(opts, elastictransport.WithAPIKey(string(e.cfg.APIKey)))
	}
	if e.cfg.Compression == "gzip" {
		opts = append(opts, elastictransport.WithCompression(gzip.BestSpeed))
	}
	tp, err := elastictransport.NewClient(opts...)
	if err != nil {
		return err
	}
	e.tp = tp
	e.checkVersion(ctx)
	if e.cfg.Discovery.OnStart {
		if err := tp.DiscoverNodesContext(ctx); err != nil {
			e.set.Logger.Warn("elasticsearch node discovery failed; using the configured endpoints", zap.Error(err))
		}
	}
	return nil
}

func (e *esExporter) shutdown(context.Context) error {
	if e.tp != nil {
		return e.tp.Close(context.Background())
	}
	return nil
}

func now() pcommon.Timestamp { return pcommon.NewTimestampFromTime(time.Now()) }

func (e *esExporter) pushLogs(ctx context.Context, ld plog.Logs) error {
	w := e.pool.Get().(*work)
	defer e.pool.Put(w)
	w.batch.Reset()
	w.enc.EncodeLogs(&w.batch, ld, now())
	out := e.send(ctx, w)
	return out.Err(func(err error) error {
		return consumererror.NewLogs(err, pdatasubset.Logs(ld, w.retryKeys()))
	})
}

func (e *esExporter) pushTraces(ctx context.Context, td ptrace.Traces) error {
	w := e.pool.Get().(*work)
	defer e.pool.Put(w)
	w.batch.Reset()
	w.enc.EncodeTraces(&w.batch, td)
	out := e.send(ctx, w)
	return out.Err(func(err error) error {
		return consumererror.NewTraces(err, pdatasubset.Traces(td, w.retryKeys()))
	})
}

func (e *esExporter) pushMetrics(ctx context.Context, md pmetric.Metrics) error {
	w := e.pool.Get().(*work)
	defer e.pool.Put(w)
	w.batch.Reset()
	w.enc.EncodeMetrics(&w.batch, md)
	out := e.send(ctx, w)
	return out.Err(func(err error) error {
		return consumererror.NewMetrics(err, pdatasubset.Metrics(md, w.retryKeys()))
	})
}

// retryKeys returns whether the item at a traversal position has a
// document to send again.
func (w *work) retryKeys() func(int) bool {
	w.retry = w.retry[:0]
	for i, d := range w.batch.Docs {
		if w.state[i] != stRetry {
			continue
		}
		for _, k := range w.batch.Keys[d.KeyLo:d.KeyHi] {
			for int(k) >= len(w.retry) {
				w.retry = append(w.retry, false)
			}
			w.retry[k] = true
		}
	}
	return func(i int) bool { return i < len(w.retry) && w.retry[i] }
}

// send posts the batch in requests of at most flush::bytes and returns
// what became of its documents; w.state says it per document.
func (e *esExporter) send(ctx context.Context, w *work) httpsend.Outcome {
	e.tel.recordDrops(ctx, w.batch.Drops)
	docs := w.batch.Docs
	w.state = slices.Grow(w.state[:0], len(docs))[:len(docs)]
	clear(w.state)
	var (
		mu    sync.Mutex
		total httpsend.Outcome
		wg    sync.WaitGroup
	)
	for lo := 0; lo < len(docs); {
		hi := lo + 1
		for hi < len(docs) && docs[hi].End-docs[lo].Start <= e.cfg.Flush.Bytes {
			hi++
		}
		e.workers <- struct{}{}
		wg.Add(1)
		go func(lo, hi int) {
			defer func() { <-e.workers; wg.Done() }()
			o := httpsend.SendSplitting(ctx, lo, hi, func(ctx context.Context, lo, hi int) (httpsend.Outcome, bool) {
				return e.bulk(ctx, w, lo, hi)
			}, httpsend.Middle)
			e.countUncuttable(ctx, w, lo, hi)
			mu.Lock()
			total.Add(o)
			mu.Unlock()
		}(lo, hi)
		lo = hi
	}
	wg.Wait()
	return total
}

// countUncuttable counts the documents SendSplitting rejected because one
// alone was over the server's size limit.
func (e *esExporter) countUncuttable(ctx context.Context, w *work, lo, hi int) {
	n := 0
	for i := lo; i < hi; i++ {
		if w.state[i] == stPending {
			w.state[i] = stRejected
			n++
		}
	}
	if n > 0 {
		e.tel.rejected.Add(ctx, int64(n), e.tel.withReason("reason", "http_413"))
		e.set.Logger.Warn("elasticsearch refused documents larger than its request limit; they are dropped", zap.Int("documents", n))
	}
}
