// Package elasticsearchexporter sends logs, traces and metrics to
// Elasticsearch through the bulk API, retrying only the documents that
// failed.
package elasticsearchexporter

import (
	"context"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/config/configretry"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"

	"github.com/otelhub/otelhub/exporter/elasticsearchexporter/internal/esbulk"
	"github.com/otelhub/otelhub/exporter/elasticsearchexporter/internal/metadata"
)

// NewFactory returns the elasticsearch exporter's factory.
func NewFactory() exporter.Factory {
	return exporter.NewFactory(metadata.Type, createDefaultConfig,
		exporter.WithLogs(createLogs, metadata.LogsStability),
		exporter.WithTraces(createTraces, metadata.TracesStability),
		exporter.WithMetrics(createMetrics, metadata.MetricsStability),
	)
}

func createDefaultConfig() component.Config {
	client := confighttp.NewDefaultClientConfig()
	client.Timeout = 90 * time.Second
	// exporterhelper drops a batch once max_elapsed_time has passed, even
	// from a persistent queue; retry until Elasticsearch is back instead,
	// so an outage loses nothing (contrib #45747).
	retry := configretry.NewDefaultBackOffConfig()
	retry.MaxElapsedTime = 0
	return &Config{
		ClientConfig: client,
		QueueConfig:  metadata.NewDefaultSendingQueueConfig(),
		RetryConfig:  retry,
		Mapping:      MappingConfig{Mode: esbulk.ModeOTel},
		Routing:      RoutingConfig{Mode: esbulk.RouteDataStream, Namespace: "default", DateFormat: "2006.01.02"},
		Flush:        FlushConfig{Bytes: 5_000_000, Interval: time.Second},
		NumWorkers:   4,
	}
}

func helperOptions(cfg *Config, e *esExporter) []exporterhelper.Option {
	q := cfg.QueueConfig
	if b := q.Get(); b != nil && q.HasValue() && b.Batch.HasValue() && cfg.Flush.Interval > 0 {
		qc := *b
		bc := *qc.Batch.Get()
		bc.FlushTimeout = cfg.Flush.Interval
		qc.Batch = configoptional.Some(bc)
		q = configoptional.Some(qc)
	}
	return []exporterhelper.Option{
		exporterhelper.WithStart(e.start),
		exporterhelper.WithShutdown(e.shutdown),
		exporterhelper.WithCapabilities(consumer.Capabilities{MutatesData: false}),
		exporterhelper.WithTimeout(exporterhelper.TimeoutConfig{Timeout: 0}), // each bulk request times out
		exporterhelper.WithRetry(cfg.RetryConfig),
		exporterhelper.WithQueue(q),
	}
}

func newExporterFor(set exporter.Settings, cfg component.Config, signal string) (*esExporter, *Config, error) {
	c := cfg.(*Config)
	if err := c.checkSignalIndex(signal); err != nil {
		return nil, nil, err
	}
	tel, err := newTelemetry(set)
	if err != nil {
		return nil, nil, err
	}
	return newExporter(c, set, tel), c, nil
}

func createLogs(ctx context.Context, set exporter.Settings, cfg component.Config) (exporter.Logs, error) {
	e, c, err := newExporterFor(set, cfg, "logs")
	if err != nil {
		return nil, err
	}
	return exporterhelper.NewLogs(ctx, set, cfg, e.pushLogs, helperOptions(c, e)...)
}

func createTraces(ctx context.Context, set exporter.Settings, cfg component.Config) (exporter.Traces, error) {
	e, c, err := newExporterFor(set, cfg, "traces")
	if err != nil {
		return nil, err
	}
	return exporterhelper.NewTraces(ctx, set, cfg, e.pushTraces, helperOptions(c, e)...)
}

func createMetrics(ctx context.Context, set exporter.Settings, cfg component.Config) (exporter.Metrics, error) {
	e, c, err := newExporterFor(set, cfg, "metrics")
	if err != nil {
		return nil, err
	}
	return exporterhelper.NewMetrics(ctx, set, cfg, e.pushMetrics, helperOptions(c, e)...)
}
