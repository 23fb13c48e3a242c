package loadgenreceiver

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/confmap"

	"github.com/otelhub/otelhub/internal/configtest"
	"github.com/otelhub/otelhub/receiver/loadgenreceiver/internal/metadata"
)

func TestLoadConfig(t *testing.T) {
	configtest.Run(t, filepath.Join("testdata", "config.yaml"), metadata.Type, createDefaultConfig, []configtest.Case{
		{Name: "", Want: createDefaultConfig()},
		{Name: "custom", Want: &Config{Signals: []string{"logs", "traces"}, Rate: 2500, BatchSize: 250, Total: 100000, Seed: 42, Services: 5}},
		{Name: "negative_rate", WantErr: "rate: must be >= 0 items per second, got -1"},
		{Name: "unknown_signal", WantErr: `signals[1]: unknown signal "spans" (want traces, metrics or logs)`},
		{Name: "zero_batch", WantErr: "batch_size: must be > 0, got 0"},
		{Name: "negative_total", WantErr: "total: must be >= 0 (0 means no end), got -5"},
		{Name: "no_signals", WantErr: "signals: must list at least one of traces, metrics, logs"},
	})
}

func TestUnknownFieldIsRejected(t *testing.T) {
	cm := confmap.NewFromStringMap(map[string]any{"rates": 10})
	err := cm.Unmarshal(createDefaultConfig())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "rates")
}

func TestRateMustBeFinite(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.Rate = math.Inf(1)
	assert.ErrorContains(t, cfg.Validate(), "rate:")
}
