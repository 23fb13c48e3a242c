// Package victoriametricsexporter sends metrics to VictoriaMetrics by
// Prometheus remote write and, optionally, logs to VictoriaLogs.
package victoriametricsexporter

import (
	"context"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/configretry"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"

	"github.com/otelhub/otelhub/exporter/victoriametricsexporter/internal/metadata"
	"github.com/otelhub/otelhub/exporter/victoriametricsexporter/internal/promrw"
)

// NewFactory returns the victoriametrics exporter's factory.
func NewFactory() exporter.Factory {
	return exporter.NewFactory(metadata.Type, createDefaultConfig,
		exporter.WithMetrics(createMetrics, metadata.MetricsStability),
		exporter.WithLogs(createLogs, metadata.LogsStability),
	)
}

func createDefaultConfig() component.Config {
	client := confighttp.NewDefaultClientConfig()
	client.Timeout = 30 * time.Second
	logsClient := confighttp.NewDefaultClientConfig()
	logsClient.Timeout = 30 * time.Second
	return &Config{
		ClientConfig:           client,
		QueueConfig:            metadata.NewDefaultSendingQueueConfig(),
		RetryConfig:            configretry.NewDefaultBackOffConfig(),
		AddMetricSuffixes:      true,
		TargetInfo:             true,
		ExponentialHistograms:  promrw.ExpHistogramBuckets,
		RemoteWriteCompression: "snappy",
		Shards:                 4,
		DeltaToCumulative:      DeltaConfig{MaxSeries: 100_000, TTL: 10 * time.Minute},
		Logs:                   LogsConfig{ClientConfig: logsClient, StreamFields: []string{"service.name", "host.name", "severity"}},
	}
}

func helperOptions(cfg *Config, start component.StartFunc, shutdown component.ShutdownFunc) []exporterhelper.Option {
	return []exporterhelper.Option{
		exporterhelper.WithStart(start),
		exporterhelper.WithShutdown(shutdown),
		exporterhelper.WithCapabilities(consumer.Capabilities{MutatesData: false}),
		exporterhelper.WithTimeout(exporterhelper.TimeoutConfig{Timeout: 0}), // the HTTP client times out
		exporterhelper.WithRetry(cfg.RetryConfig),
		exporterhelper.WithQueue(cfg.QueueConfig),
	}
}

func createMetrics(ctx context.Context, set exporter.Settings, cfg component.Config) (exporter.Metrics, error) {
	c := cfg.(*Config)
	tel, err := newTelemetry(set)
	if err != nil {
		return nil, err
	}
	e, err := newMetricsExporter(c, set, tel)
	if err != nil {
		return nil, err
	}
	return exporterhelper.NewMetrics(ctx, set, cfg, e.push, helperOptions(c, e.start, e.shutdown)...)
}

func createLogs(ctx context.Context, set exporter.Settings, cfg component.Config) (exporter.Logs, error) {
	c := cfg.(*Config)
	tel, err := newTelemetry(set)
	if err != nil {
		return nil, err
	}
	e, err := newLogsExporter(c, set, tel)
	if err != nil {
		return nil, err
	}
	return exporterhelper.NewLogs(ctx, set, cfg, e.push, helperOptions(c, e.start, nil)...)
}
