package jsonlfileexporter

import (
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/collector/component"
)

// Config is the jsonlfile exporter's configuration.
type Config struct {
	// Path of the file to append to. Its folder is created when missing.
	Path string `mapstructure:"path"`
	// FlushInterval is how often buffered lines are written to the file.
	// 0 writes every request through at once.
	FlushInterval time.Duration `mapstructure:"flush_interval"`

	// prevent unkeyed literal initialization
	_ struct{}
}

var _ component.Config = (*Config)(nil)

func createDefaultConfig() component.Config {
	return &Config{FlushInterval: time.Second}
}

// Validate checks the configuration and names the offending field.
func (c *Config) Validate() error {
	var errs []error
	if c.Path == "" {
		errs = append(errs, errors.New("path: must be set"))
	}
	if c.FlushInterval < 0 {
		errs = append(errs, fmt.Errorf("flush_interval: must be >= 0, got %s", c.FlushInterval))
	}
	return errors.Join(errs...)
}
