// Package configs holds otelhub's shipped configs; its tests check the
// promises their comments make, on the files themselves.
package configs

import (
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/confmap/confmaptest"
)

// exposed lists the configs meant to be reached from the network; every
// other one listens on loopback only.
var exposed = []string{"gateway-auth.yaml"}

type config struct {
	name string
	raw  map[string]any
}

func shipped(t *testing.T) []config {
	t.Helper()
	files, err := filepath.Glob("*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	var out []config
	for _, f := range files {
		cm, err := confmaptest.LoadConf(f)
		require.NoError(t, err)
		out = append(out, config{name: f, raw: cm.ToStringMap()})
	}
	return out
}

// get walks nested maps; nil when a key is missing.
func get(m any, path ...string) any {
	for _, k := range path {
		mm, ok := m.(map[string]any)
		if !ok {
			return nil
		}
		m = mm[k]
	}
	return m
}

func section(c config, kind string) map[string]any {
	m, _ := c.raw[kind].(map[string]any)
	return m
}

func typeOf(id string) string { return strings.SplitN(id, "/", 2)[0] }

// Exporters with a disk queue batch in that queue, and no batch processor
// sits in front of them: a batch processor holds acknowledged data in
// memory, where kill -9 loses it.
func TestPersistentQueuesBatchInTheQueueOnly(t *testing.T) {
	seen := 0
	for _, c := range shipped(t) {
		for id, cfg := range section(c, "exporters") {
			if get(cfg, "sending_queue", "storage") == nil {
				continue
			}
			seen++
			_, hasBatch := get(cfg, "sending_queue").(map[string]any)["batch"]
			assert.True(t, hasBatch, "%s: %s has a disk queue but no sending_queue::batch", c.name, id)
			pipelines, _ := get(c.raw, "service", "pipelines").(map[string]any)
			for name, p := range pipelines {
				exporters, _ := get(p, "exporters").([]any)
				if !slices.Contains(exporters, any(id)) {
					continue
				}
				processors, _ := get(p, "processors").([]any)
				for _, proc := range processors {
					assert.NotEqual(t, "batch", typeOf(proc.(string)), "%s: pipeline %s batches in memory in front of %s's disk queue", c.name, name, id)
				}
			}
		}
	}
	assert.Positive(t, seen, "no config has a persistent queue")
}

// A config with a disk queue guards its OTLP/HTTP receiver with json_depth.
func TestPersistentQueuesGuardJSONDepth(t *testing.T) {
	for _, c := range shipped(t) {
		persistent := false
		for _, cfg := range section(c, "exporters") {
			persistent = persistent || get(cfg, "sending_queue", "storage") != nil
		}
		if !persistent {
			continue
		}
		for id, cfg := range section(c, "receivers") {
			if typeOf(id) != "otlp" || get(cfg, "protocols", "http") == nil {
				continue
			}
			mws, _ := get(cfg, "protocols", "http", "middlewares").([]any)
			var ids []string
			for _, mw := range mws {
				ids = append(ids, get(mw, "id").(string))
			}
			assert.Contains(t, ids, "json_depth", "%s: %s", c.name, id)
		}
		exts, _ := get(c.raw, "service", "extensions").([]any)
		assert.Contains(t, exts, any("json_depth"), "%s: service::extensions", c.name)
	}
}

// memory_limiter has a fixed limit: limit_percentage follows the host's RAM
// outside a container.
func TestMemoryLimiterUsesFixedLimit(t *testing.T) {
	for _, c := range shipped(t) {
		for id, cfg := range section(c, "processors") {
			if typeOf(id) != "memory_limiter" {
				continue
			}
			assert.NotNil(t, get(cfg, "limit_mib"), "%s: %s needs limit_mib", c.name, id)
			assert.Nil(t, get(cfg, "limit_percentage"), "%s: %s uses limit_percentage", c.name, id)
			assert.Nil(t, get(cfg, "spike_limit_percentage"), "%s: %s uses spike_limit_percentage", c.name, id)
		}
	}
}

// listeners returns every address a config listens on.
func listeners(c config) map[string]string {
	out := map[string]string{}
	for _, kind := range []string{"extensions", "receivers"} {
		for id, cfg := range section(c, kind) {
			if ep, ok := get(cfg, "endpoint").(string); ok {
				out[id] = ep
			}
			protocols, _ := get(cfg, "protocols").(map[string]any)
			for proto, p := range protocols {
				if ep, ok := get(p, "endpoint").(string); ok {
					out[id+" "+proto] = ep
				}
			}
		}
	}
	readers, _ := get(c.raw, "service", "telemetry", "metrics", "readers").([]any)
	for _, r := range readers {
		if host, ok := get(r, "pull", "exporter", "prometheus", "host").(string); ok {
			out["telemetry"] = net.JoinHostPort(host, "0")
		}
	}
	return out
}

func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return host == "localhost" || (ip != nil && ip.IsLoopback())
}

// Configs not meant for exposure listen on loopback only (nothing in them
// asks for auth); the ones meant for exposure say so in their header and
// serve OTLP over TLS with an authenticator.
func TestOnlyExposedConfigsListenBeyondLoopback(t *testing.T) {
	for _, c := range shipped(t) {
		if slices.Contains(exposed, c.name) {
			head, err := os.ReadFile(c.name)
			require.NoError(t, err)
			assert.Contains(t, string(head), "meant to be reached from the network", c.name)
			for id, cfg := range section(c, "receivers") {
				protocols, _ := get(cfg, "protocols").(map[string]any)
				for proto, p := range protocols {
					assert.NotNil(t, get(p, "tls"), "%s: %s %s without tls", c.name, id, proto)
					assert.NotNil(t, get(p, "auth", "authenticator"), "%s: %s %s without auth", c.name, id, proto)
				}
			}
			continue
		}
		for what, addr := range listeners(c) {
			assert.True(t, loopback(addr), "%s: %s listens on %s", c.name, what, addr)
		}
	}
}
