// Package jsonlfileexporter appends everything it receives to a file, one
// OTLP/JSON document per line. It backs otelhub's no-backend default config.
package jsonlfileexporter

import (
	"context"
	"sync"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"

	"github.com/otelhub/otelhub/exporter/jsonlfileexporter/internal/metadata"
)

// NewFactory returns the jsonlfile exporter's factory.
func NewFactory() exporter.Factory {
	return exporter.NewFactory(metadata.Type, createDefaultConfig,
		exporter.WithTraces(createTraces, metadata.TracesStability),
		exporter.WithMetrics(createMetrics, metadata.MetricsStability),
		exporter.WithLogs(createLogs, metadata.LogsStability),
	)
}

// writers shares one fileWriter between the signals of one config, so that
// their lines never interleave mid-line.
var writers = struct {
	sync.Mutex
	m map[*Config]*fileWriter
}{m: map[*Config]*fileWriter{}}

func writerFor(cfg component.Config) *fileWriter {
	c := cfg.(*Config)
	writers.Lock()
	defer writers.Unlock()
	w, ok := writers.m[c]
	if !ok {
		w = &fileWriter{cfg: c}
		writers.m[c] = w
	}
	return w
}

func options(w *fileWriter) []exporterhelper.Option {
	return []exporterhelper.Option{
		exporterhelper.WithStart(w.start),
		exporterhelper.WithShutdown(w.shutdown),
		exporterhelper.WithCapabilities(consumer.Capabilities{MutatesData: false}),
	}
}

func createTraces(ctx context.Context, set exporter.Settings, cfg component.Config) (exporter.Traces, error) {
	w := writerFor(cfg)
	return exporterhelper.NewTraces(ctx, set, cfg, w.pushTraces, options(w)...)
}

func createMetrics(ctx context.Context, set exporter.Settings, cfg component.Config) (exporter.Metrics, error) {
	w := writerFor(cfg)
	return exporterhelper.NewMetrics(ctx, set, cfg, w.pushMetrics, options(w)...)
}

func createLogs(ctx context.Context, set exporter.Settings, cfg component.Config) (exporter.Logs, error) {
	w := writerFor(cfg)
	return exporterhelper.NewLogs(ctx, set, cfg, w.pushLogs, options(w)...)
}
