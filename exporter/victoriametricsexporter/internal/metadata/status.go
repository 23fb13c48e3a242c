// Package metadata holds the identity and stability of the victoriametrics
// exporter, written by hand in the shape mdatagen generates.
package metadata

import (
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
)

var (
	Type      = component.MustNewType("victoriametrics")
	ScopeName = "github.com/otelhub/otelhub/exporter/victoriametricsexporter"
)

const (
	MetricsStability = component.StabilityLevelAlpha
	LogsStability    = component.StabilityLevelAlpha
)

// NewDefaultSendingQueueConfig is the exporter's sending queue default: on,
// with one consumer, since the exporter orders and shards sends itself.
func NewDefaultSendingQueueConfig() configoptional.Optional[exporterhelper.QueueBatchConfig] {
	q := exporterhelper.NewDefaultQueueConfig()
	q.NumConsumers = 1
	return configoptional.Some(q)
}
