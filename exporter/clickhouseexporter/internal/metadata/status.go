// Package metadata holds the identity and stability of the clickhouse
// exporter, written by hand in the shape mdatagen generates.
package metadata

import (
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
)

var (
	Type      = component.MustNewType("clickhouse")
	ScopeName = "github.com/otelhub/otelhub/exporter/clickhouseexporter"
)

const (
	LogsStability    = component.StabilityLevelAlpha
	TracesStability  = component.StabilityLevelAlpha
	MetricsStability = component.StabilityLevelAlpha
)

// NewDefaultSendingQueueConfig is the exporter's sending queue default:
// on, with batching, since ClickHouse wants few large inserts rather than
// many small ones (each insert makes a part on disk).
func NewDefaultSendingQueueConfig() configoptional.Optional[exporterhelper.QueueBatchConfig] {
	q := exporterhelper.NewDefaultQueueConfig()
	b := exporterhelper.NewDefaultBatchConfig()
	b.MaxSize = 100_000 // bound the memory of one insert
	q.Batch = configoptional.Some(b)
	return configoptional.Some(q)
}
