package elasticsearchexporter

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/elastic/go-elasticsearch/v8/typedapi/core/info"
	"go.uber.org/zap"

	"github.com/otelhub/otelhub/exporter/elasticsearchexporter/internal/esbulk"
)

// checkVersion asks the cluster its version at start and warns when the
// otel mapping meets an Elasticsearch older than 8.12, whose data streams
// lack the OTel templates and refuse its documents. Any failure to ask is
// ignored: the cluster may be down, or a bulk-only peer.
func (e *esExporter) checkVersion(ctx context.Context) {
	if e.cfg.Mapping.Mode != esbulk.ModeOTel {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "/", nil)
	if err != nil {
		return
	}
	resp, err := e.tp.Perform(req)
	if err != nil {
		return
	}
	defer resp.Body.Close()
	var r info.Response
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&r) != nil {
		return
	}
	if olderThan(r.Version.Int, 8, 12) {
		e.set.Logger.Warn("mapping::mode otel needs Elasticsearch 8.12 or later; use mapping::mode ecs or raw",
			zap.String("version", r.Version.Int))
	}
}

// olderThan reports whether a version "major.minor.patch" is before
// major.minor; an unreadable version is not.
func olderThan(v string, major, minor int) bool {
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return false
	}
	ma, err1 := strconv.Atoi(parts[0])
	mi, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil {
		return false
	}
	return ma < major || ma == major && mi < minor
}
