// Package metadata holds the identity and stability of the elasticsearch
// exporter, written by hand in the shape mdatagen generates.
package metadata

import (
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
)

var (
	Type      = component.MustNewType("elasticsearch")
	ScopeName = "github.com/otelhub/otelhub/exporter/elasticsearchexporter"
)

const (
	LogsStability    = component.StabilityLevelAlpha
	TracesStability  = component.StabilityLevelAlpha
	MetricsStability = component.StabilityLevelAlpha
)

// NewDefaultSendingQueueConfig is the exporter's sending queue default:
// on, with batching by items so bulk requests carry many documents.
func NewDefaultSendingQueueConfig() configoptional.Optional[exporterhelper.QueueBatchConfig] {
	q := exporterhelper.NewDefaultQueueConfig()
	b := exporterhelper.NewDefaultBatchConfig()
	b.FlushTimeout = time.Second
	b.Sizer = exporterhelper.RequestSizerTypeItems
	b.MinSize = 5000
	q.Batch = configoptional.Some(b)
	return configoptional.Some(q)
}
