package loadgenreceiver

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"go.opentelemetry.io/collector/component"
)

// Signal names accepted in Config.Signals.
const (
	signalTraces  = "traces"
	signalMetrics = "metrics"
	signalLogs    = "logs"
)

var knownSignals = []string{signalTraces, signalMetrics, signalLogs}

// Config is the loadgen receiver's configuration. An item is one span, one
// log record or one metric data point.
type Config struct {
	// Signals lists the signals this receiver may generate. Placing the
	// receiver in a pipeline of a signal that is not listed is an error.
	Signals []string `mapstructure:"signals"`
	// Rate is the number of items per second, per signal. 0 means as fast as
	// the pipeline accepts them.
	Rate float64 `mapstructure:"rate"`
	// BatchSize is the number of items handed to the pipeline in one call.
	BatchSize int `mapstructure:"batch_size"`
	// Total is the number of items per signal after which the receiver
	// stops. 0 means no end.
	Total int64 `mapstructure:"total"`
	// Seed makes the generated content reproducible (timestamps and ids
	// derived from the clock aside).
	Seed uint64 `mapstructure:"seed"`
	// Services is the number of distinct resources (service.name) the data
	// is spread over.
	Services int `mapstructure:"services"`

	// prevent unkeyed literal initialization
	_ struct{}
}

var _ component.Config = (*Config)(nil)

func createDefaultConfig() component.Config {
	return &Config{
		Signals:   slices.Clone(knownSignals),
		Rate:      100,
		BatchSize: 100,
		Seed:      1,
		Services:  3,
	}
}

// Validate checks the configuration and names the offending field.
func (c *Config) Validate() error {
	var errs []error
	if len(c.Signals) == 0 {
		errs = append(errs, errors.New("signals: must list at least one of traces, metrics, logs"))
	}
	for i, s := range c.Signals {
		if !slices.Contains(knownSignals, s) {
			errs = append(errs, fmt.Errorf("signals[%d]: unknown signal %q (want traces, metrics or logs)", i, s))
		}
	}
	if c.Rate < 0 || math.IsNaN(c.Rate) || math.IsInf(c.Rate, 0) {
		errs = append(errs, fmt.Errorf("rate: must be >= 0 items per second, got %v", c.Rate))
	}
	if c.BatchSize <= 0 {
		errs = append(errs, fmt.Errorf("batch_size: must be > 0, got %d", c.BatchSize))
	}
	if c.Total < 0 {
		errs = append(errs, fmt.Errorf("total: must be >= 0 (0 means no end), got %d", c.Total))
	}
	if c.Services <= 0 {
		errs = append(errs, fmt.Errorf("services: must be > 0, got %d", c.Services))
	}
	return errors.Join(errs...)
}

func (c *Config) generates(signal string) bool {
	return slices.Contains(c.Signals, signal)
}
