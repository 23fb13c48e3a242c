// Package metadata holds the identity and stability of the semconv
// processor, written by hand in the shape mdatagen generates.
package metadata

import "go.opentelemetry.io/collector/component"

var (
	Type      = component.MustNewType("semconv")
	ScopeName = "github.com/otelhub/otelhub/processor/semconvprocessor"
)

const (
	TracesStability  = component.StabilityLevelDevelopment
	MetricsStability = component.StabilityLevelDevelopment
	LogsStability    = component.StabilityLevelDevelopment
)
