// Package jsondepthextension is an HTTP server middleware for the OTLP
// receiver: it refuses, with 400, OTLP/JSON requests nested deeper than the
// persistent sending queue's protobuf decoder can read back, so that one
// such request is never acknowledged and then dropped with the data batched
// beside it.
package jsondepthextension

import (
	"context"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/extension"

	"github.com/otelhub/otelhub/extension/jsondepthextension/internal/metadata"
)

// NewFactory returns the json_depth extension's factory.
func NewFactory() extension.Factory {
	return extension.NewFactory(metadata.Type, createDefaultConfig, create, metadata.ExtensionStability)
}

func create(_ context.Context, set extension.Settings, cfg component.Config) (extension.Extension, error) {
	return newGuard(set, cfg.(*Config))
}
