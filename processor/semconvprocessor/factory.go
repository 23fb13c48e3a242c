// Package semconvprocessor checks spans, span events, log records, metric
// data points and their resources against the OpenTelemetry semantic
// conventions registry as they pass, like Weaver's live-check, and counts,
// annotates, fixes or drops what does not conform.
package semconvprocessor

import (
	"context"
	"sync"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processorhelper"

	"github.com/otelhub/otelhub/processor/semconvprocessor/internal/metadata"
	"github.com/otelhub/otelhub/processor/semconvprocessor/internal/registry"
)

// builtin is generated once and shared read-only by every instance.
var builtin = registry.Builtin()

// models caches the registries loaded from a registry_path, so that the
// signals of one config share one.
var models sync.Map // path -> *registry.Registry

func registryFor(cfg *Config) (*registry.Registry, error) {
	if cfg.RegistryPath == "" {
		return builtin, nil
	}
	if r, ok := models.Load(cfg.RegistryPath); ok {
		return r.(*registry.Registry), nil
	}
	r, err := registry.LoadModel(cfg.RegistryPath)
	if err != nil {
		return nil, err
	}
	models.Store(cfg.RegistryPath, r)
	return r, nil
}

func newFor(cfg component.Config, set processor.Settings) (*semconvChecker, error) {
	c := cfg.(*Config)
	reg, err := registryFor(c)
	if err != nil {
		return nil, err
	}
	return newSemconvChecker(c, set, reg)
}

// NewFactory returns the semconv processor's factory.
func NewFactory() processor.Factory {
	return processor.NewFactory(metadata.Type, createDefaultConfig,
		processor.WithTraces(createTraces, metadata.TracesStability),
		processor.WithMetrics(createMetrics, metadata.MetricsStability),
		processor.WithLogs(createLogs, metadata.LogsStability),
	)
}

// capabilities: only count leaves the data untouched.
func capabilities(cfg *Config) processorhelper.Option {
	mutates := cfg.Action != ActionCount
	for _, a := range cfg.Actions {
		mutates = mutates || a != ActionCount
	}
	return processorhelper.WithCapabilities(consumer.Capabilities{MutatesData: mutates})
}

func createTraces(ctx context.Context, set processor.Settings, cfg component.Config, next consumer.Traces) (processor.Traces, error) {
	p, err := newFor(cfg, set)
	if err != nil {
		return nil, err
	}
	return processorhelper.NewTraces(ctx, set, cfg, next, p.processTraces, capabilities(cfg.(*Config)))
}

func createMetrics(ctx context.Context, set processor.Settings, cfg component.Config, next consumer.Metrics) (processor.Metrics, error) {
	p, err := newFor(cfg, set)
	if err != nil {
		return nil, err
	}
	return processorhelper.NewMetrics(ctx, set, cfg, next, p.processMetrics, capabilities(cfg.(*Config)))
}

func createLogs(ctx context.Context, set processor.Settings, cfg component.Config, next consumer.Logs) (processor.Logs, error) {
	p, err := newFor(cfg, set)
	if err != nil {
		return nil, err
	}
	return processorhelper.NewLogs(ctx, set, cfg, next, p.processLogs, capabilities(cfg.(*Config)))
}
