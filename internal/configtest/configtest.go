// Package configtest runs the config test every component has: load a
// named entry of testdata/config.yaml into a default config, validate it,
// and compare the whole result or the error.
package configtest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"
)

// Case is one named entry: either the config it must load into, or a part
// of the error its validation must give.
type Case struct {
	Name    string
	Want    component.Config
	WantErr string
}

// Run checks each case against the entry <typ>/<name> of file.
func Run(t *testing.T, file string, typ component.Type, newConfig func() component.Config, cases []Case) {
	t.Helper()
	cm, err := confmaptest.LoadConf(file)
	require.NoError(t, err)
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			sub, err := cm.Sub(component.NewIDWithName(typ, c.Name).String())
			require.NoError(t, err)
			cfg := newConfig()
			require.NoError(t, sub.Unmarshal(cfg))
			err = confmap.Validate(cfg)
			if c.WantErr != "" {
				require.ErrorContains(t, err, c.WantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.Want, cfg)
		})
	}
}
