package victoriametricsexporter

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/gzip"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelhub/otelhub/exporter/victoriametricsexporter/internal/vlogs"
)

// logsExporter sends logs to VictoriaLogs' JSON-lines insert API, gzipped.
type logsExporter struct {
	cfg    *Config
	set    exporter.Settings
	url    string
	header http.Header
	client *http.Client
	tel    *telemetry

	mu   sync.Mutex
	raw  []byte
	body bytes.Buffer
	gz   *gzip.Writer
}

func newLogsExporter(cfg *Config, set exporter.Settings, tel *telemetry) (*logsExporter, error) {
	if cfg.Logs.Endpoint == "" {
		return nil, errors.New("logs::endpoint: must be set to export logs")
	}
	e := &logsExporter{cfg: cfg, set: set, tel: tel, url: logsURL(cfg.Logs), header: http.Header{}}
	e.header.Set("Content-Type", "application/stream+json")
	e.header.Set("Content-Encoding", "gzip")
	e.header.Set("User-Agent", "otelhub/"+set.BuildInfo.Version)
	if cfg.Logs.Tenant != "" {
		account, project, _ := strings.Cut(cfg.Logs.Tenant, ":")
		e.header.Set("AccountID", account)
		if project != "" {
			e.header.Set("ProjectID", project)
		}
	}
	gz, err := gzip.NewWriterLevel(&e.body, gzip.BestSpeed)
	if err != nil {
		return nil, err
	}
	e.gz = gz
	return e, nil
}

// logsURL is the jsonline insert URL with the stream and message fields.
func logsURL(c LogsConfig) string {
	q := url.Values{}
	q.Set("_msg_field", "_msg")
	q.Set("_time_field", "_time")
	if len(c.StreamFields) > 0 {
		q.Set("_stream_fields", strings.Join(c.StreamFields, ","))
	}
	return strings.TrimSuffix(c.Endpoint, "/") + "/insert/jsonline?" + q.Encode()
}

func (e *logsExporter) start(ctx context.Context, host component.Host) error {
	client, err := e.cfg.Logs.ToClient(ctx, host.GetExtensions(), e.set.TelemetrySettings)
	if err != nil {
		return err
	}
	e.client = client
	return nil
}

// push sends all records of ld in one request. VictoriaLogs takes a
// request whole or not at all, so a retry resends all of it.
func (e *logsExporter) push(ctx context.Context, ld plog.Logs) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.raw = vlogs.Encode(e.raw[:0], ld, time.Now())
	e.body.Reset()
	e.gz.Reset(&e.body)
	if _, err := e.gz.Write(e.raw); err != nil {
		return consumererror.NewPermanent(err)
	}
	if err := e.gz.Close(); err != nil {
		return consumererror.NewPermanent(err)
	}
	err := post(ctx, e.client, e.url, e.body.Bytes(), e.header.Clone())
	switch {
	case err == nil:
		e.tel.recordSent(ctx, ld.LogRecordCount(), e.body.Len())
	case errors.Is(err, errTooLarge):
		err = consumererror.NewPermanent(&rejectedError{code: http.StatusRequestEntityTooLarge, reason: "set sending_queue::batch::max_size lower"})
		e.tel.recordRejected(ctx, ld.LogRecordCount(), err)
	case consumererror.IsPermanent(err):
		e.tel.recordRejected(ctx, ld.LogRecordCount(), err)
	}
	return err
}
