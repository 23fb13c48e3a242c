// Package metadata holds the identity and stability of the json_depth
// extension, written by hand in the shape mdatagen generates.
package metadata

import "go.opentelemetry.io/collector/component"

var (
	Type      = component.MustNewType("json_depth")
	ScopeName = "github.com/otelhub/otelhub/extension/jsondepthextension"
)

const ExtensionStability = component.StabilityLevelAlpha
