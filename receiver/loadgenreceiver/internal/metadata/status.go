// Package metadata holds the identity and stability of the loadgen receiver.
// It is written by hand in the shape mdatagen generates, since mdatagen does
// not install from this module proxy at v0.165.0.
package metadata

import "go.opentelemetry.io/collector/component"

var (
	Type      = component.MustNewType("loadgen")
	ScopeName = "github.com/otelhub/otelhub/receiver/loadgenreceiver"
)

const (
	TracesStability  = component.StabilityLevelAlpha
	MetricsStability = component.StabilityLevelAlpha
	LogsStability    = component.StabilityLevelAlpha
)
