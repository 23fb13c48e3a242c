// Package metadata holds the identity and stability of the pattern
// processor, written by hand in the shape mdatagen generates.
package metadata

import "go.opentelemetry.io/collector/component"

var (
	Type      = component.MustNewType("pattern")
	ScopeName = "github.com/otelhub/otelhub/processor/patternprocessor"
)

const LogsStability = component.StabilityLevelAlpha
