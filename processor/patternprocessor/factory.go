// Package patternprocessor tags log records with the pattern (template)
// they belong to, learned online from the stream, and with rule tags.
package patternprocessor

import (
	"context"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processorhelper"

	"github.com/otelhub/otelhub/processor/patternprocessor/internal/metadata"
)

// NewFactory returns the pattern processor's factory.
func NewFactory() processor.Factory {
	return processor.NewFactory(metadata.Type, createDefaultConfig,
		processor.WithLogs(createLogs, metadata.LogsStability))
}

func createLogs(ctx context.Context, set processor.Settings, cfg component.Config, next consumer.Logs) (processor.Logs, error) {
	tel, err := newTelemetry(set)
	if err != nil {
		return nil, err
	}
	p := newProcessor(cfg.(*Config), set, tel)
	return processorhelper.NewLogs(ctx, set, cfg, next, p.processLogs,
		processorhelper.WithCapabilities(consumer.Capabilities{MutatesData: true}),
		processorhelper.WithStart(p.start), processorhelper.WithShutdown(p.shutdown))
}
