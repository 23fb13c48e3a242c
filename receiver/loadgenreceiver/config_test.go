package loadgenreceiver

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"

	"github.com/otelhub/otelhub/receiver/loadgenreceiver/internal/metadata"
)

func TestLoadConfig(t *testing.T) {
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)

	tests := []struct {
		name    string
		want    *Config
		wantErr string
	}{
		{name: "", want: createDefaultConfig().(*Config)},
		{name: "custom", want: &Config{Signals: []string{"logs", "traces"}, Rate: 2500, BatchSize: 250, Total: 100000, Seed: 42, Services: 5}},
		{name: "negative_rate", wantErr: "rate: must be >= 0 items per second, got -1"},
		{name: "unknown_signal", wantErr: `signals[1]: unknown signal "spans" (want traces, metrics or logs)`},
		{name: "zero_batch", wantErr: "batch_size: must be > 0, got 0"},
		{name: "negative_total", wantErr: "total: must be >= 0 (0 means no end), got -5"},
		{name: "no_signals", wantErr: "signals: must list at least one of traces, metrics, logs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := component.NewIDWithName(metadata.Type, tt.name)
			sub, err := cm.Sub(id.String())
			require.NoError(t, err)
			cfg := createDefaultConfig()
			require.NoError(t, sub.Unmarshal(cfg))
			err = confmap.Validate(cfg)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, cfg)
		})
	}
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
