// Package metadata holds the identity and stability of the jsonlfile
// exporter, written by hand in the shape mdatagen generates.
package metadata

import "go.opentelemetry.io/collector/component"

var (
	Type      = component.MustNewType("jsonlfile")
	ScopeName = "github.com/otelhub/otelhub/exporter/jsonlfileexporter"
)

const (
	TracesStability  = component.StabilityLevelAlpha
	MetricsStability = component.StabilityLevelAlpha
	LogsStability    = component.StabilityLevelAlpha
)
