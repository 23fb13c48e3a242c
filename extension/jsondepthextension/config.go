package jsondepthextension

import (
	"fmt"

	"go.opentelemetry.io/collector/component"
)

// QueueSafeDepth is the deepest JSON object nesting whose every OTLP
// payload the persistent queue can read back. pdata's protobuf decoder
// refuses more than 100 nested AnyValue, ArrayValue, KeyValueList and
// KeyValue messages; each of them is one JSON object in OTLP/JSON, and the
// shallowest place such a chain starts is a resource attribute, below three
// objects (request, ResourceX, Resource). So 3 + 100.
const QueueSafeDepth = 3 + 100

// Config is the json_depth extension's configuration.
type Config struct {
	// MaxDepth is the deepest nesting of JSON objects a request may carry.
	MaxDepth int `mapstructure:"max_depth"`

	// prevent unkeyed literal initialization
	_ struct{}
}

var _ component.Config = (*Config)(nil)

func createDefaultConfig() component.Config {
	return &Config{MaxDepth: QueueSafeDepth}
}

// Validate keeps max_depth where the persistent queue can still read every
// accepted request back.
func (c *Config) Validate() error {
	if c.MaxDepth < 1 || c.MaxDepth > QueueSafeDepth {
		return fmt.Errorf("max_depth: must be between 1 and %d, got %d", QueueSafeDepth, c.MaxDepth)
	}
	return nil
}
