// Package clickhouseexporter writes logs, traces and metrics into
// ClickHouse tables that Grafana's ClickHouse data source reads, with
// columnar batch inserts over the native protocol (or HTTP).
package clickhouseexporter

import (
	"context"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configretry"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"

	"github.com/otelhub/otelhub/exporter/clickhouseexporter/internal/metadata"
)

// NewFactory returns the clickhouse exporter's factory.
func NewFactory() exporter.Factory {
	return exporter.NewFactory(metadata.Type, createDefaultConfig,
		exporter.WithLogs(createLogs, metadata.LogsStability),
		exporter.WithTraces(createTraces, metadata.TracesStability),
		exporter.WithMetrics(createMetrics, metadata.MetricsStability),
	)
}

func createDefaultConfig() component.Config {
	return &Config{
		Database:                 "otel",
		Compression:              "lz4",
		ConnectionOpenStrategy:   "in_order",
		DialTimeout:              10 * time.Second,
		MaxOpenConns:             10,
		InsertDeduplicationToken: true,
		CreateSchema:             true,
		TableEngine:              "MergeTree",
		DeduplicationWindow:      1000,
		LogsTableName:            "otel_logs",
		TracesTableName:          "otel_traces",
		MetricsTableName:         "otel_metrics",
		TimeoutConfig:            exporterhelper.TimeoutConfig{Timeout: 30 * time.Second},
		QueueConfig:              metadata.NewDefaultSendingQueueConfig(),
		RetryConfig:              configretry.NewDefaultBackOffConfig(),
	}
}

func helperOptions(cfg *Config, e *chExporter) []exporterhelper.Option {
	return []exporterhelper.Option{
		exporterhelper.WithStart(e.start),
		exporterhelper.WithShutdown(e.shutdown),
		exporterhelper.WithCapabilities(consumer.Capabilities{MutatesData: false}),
		exporterhelper.WithTimeout(cfg.TimeoutConfig),
		exporterhelper.WithRetry(cfg.RetryConfig),
		exporterhelper.WithQueue(cfg.QueueConfig),
	}
}

func newExporter(set exporter.Settings, cfg component.Config, sig signal) (*chExporter, error) {
	tel, err := newTelemetry(set)
	if err != nil {
		return nil, err
	}
	return &chExporter{cfg: cfg.(*Config), set: set, tel: tel, signal: sig}, nil
}

func createLogs(ctx context.Context, set exporter.Settings, cfg component.Config) (exporter.Logs, error) {
	e, err := newExporter(set, cfg, signalLogs)
	if err != nil {
		return nil, err
	}
	return exporterhelper.NewLogs(ctx, set, cfg, e.pushLogs, helperOptions(e.cfg, e)...)
}

func createTraces(ctx context.Context, set exporter.Settings, cfg component.Config) (exporter.Traces, error) {
	e, err := newExporter(set, cfg, signalTraces)
	if err != nil {
		return nil, err
	}
	return exporterhelper.NewTraces(ctx, set, cfg, e.pushTraces, helperOptions(e.cfg, e)...)
}

func createMetrics(ctx context.Context, set exporter.Settings, cfg component.Config) (exporter.Metrics, error) {
	e, err := newExporter(set, cfg, signalMetrics)
	if err != nil {
		return nil, err
	}
	return exporterhelper.NewMetrics(ctx, set, cfg, e.pushMetrics, helperOptions(e.cfg, e)...)
}
