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
	// Rotation bounds the disk the file may take.
	Rotation RotationConfig `mapstructure:"rotation"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// RotationConfig: when the file would grow past MaxMegabytes it is renamed
// to <path>.1 (older ones shift to .2, .3, ...) and a new file is started;
// files past MaxBackups are deleted. A line (one batch) larger than
// MaxMegabytes gets a file of its own, so the total is bounded by
// (MaxBackups+1) * max(MaxMegabytes, largest batch).
type RotationConfig struct {
	// MaxMegabytes is the size (MiB) at which the file is rotated.
	MaxMegabytes int `mapstructure:"max_megabytes"`
	// MaxBackups is how many rotated files are kept.
	MaxBackups int `mapstructure:"max_backups"`

	// prevent unkeyed literal initialization
	_ struct{}
}

var _ component.Config = (*Config)(nil)

func createDefaultConfig() component.Config {
	return &Config{FlushInterval: time.Second, Rotation: RotationConfig{MaxMegabytes: 100, MaxBackups: 3}}
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
	if c.Rotation.MaxMegabytes < 1 {
		errs = append(errs, fmt.Errorf("rotation::max_megabytes: must be >= 1, got %d", c.Rotation.MaxMegabytes))
	}
	if c.Rotation.MaxBackups < 0 {
		errs = append(errs, fmt.Errorf("rotation::max_backups: must be >= 0, got %d", c.Rotation.MaxBackups))
	}
	return errors.Join(errs...)
}
