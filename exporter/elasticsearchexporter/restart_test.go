package elasticsearchexporter

import (
	"context"
	"testing"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/extension/storage/filestorage"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/extension/extensiontest"
	"go.uber.org/zap/zaptest"

	"github.com/otelhub/otelhub/exporter/elasticsearchexporter/internal/metadata"
	"github.com/otelhub/otelhub/internal/esfake"
)

// host offers one storage extension.
type host struct {
	ext map[component.ID]component.Component
}

func (h host) GetExtensions() map[component.ID]component.Component { return h.ext }

var storageID = component.MustNewID("file_storage")

// withStorage starts a file_storage extension on dir and an exporter of
// cfg whose sending queue persists there; stop shuts both down.
func withStorage(t *testing.T, cfg *Config, dir string) (exp exporter.Logs, stop func()) {
	t.Helper()
	ctx := context.Background()
	sf := filestorage.NewFactory()
	scfg := sf.CreateDefaultConfig().(*filestorage.Config)
	scfg.Directory = dir
	ext, err := sf.Create(ctx, extensiontest.NewNopSettings(sf.Type()), scfg)
	require.NoError(t, err)
	h := host{ext: map[component.ID]component.Component{storageID: ext}}
	require.NoError(t, ext.Start(ctx, h))
	exp, err = NewFactory().CreateLogs(ctx, restartSettings(t), cfg)
	require.NoError(t, err)
	require.NoError(t, exp.Start(ctx, h))
	return exp, func() {
		require.NoError(t, exp.Shutdown(ctx))
		require.NoError(t, ext.Shutdown(ctx))
	}
}

// Elasticsearch is down while batches arrive; the collector stops with
// them in its file_storage queue; a new exporter on the same storage
// delivers every document exactly once (by document id) when
// Elasticsearch is back.
func TestPersistentQueueSurvivesRestart(t *testing.T) {
	es := esfake.Start(t, esfake.ShapeOTel)
	es.SetDown(true)
	dir := t.TempDir()
	cfg := createDefaultConfig().(*Config)
	cfg.Endpoint = es.URL
	cfg.DocumentIDAttribute = "log.id"
	cfg.RetryConfig.InitialInterval = 10 * time.Millisecond
	cfg.RetryConfig.MaxInterval = 50 * time.Millisecond
	cfg.RetryConfig.MaxElapsedTime = 0
	q := cfg.QueueConfig.Get()
	q.StorageID = &storageID
	q.Batch.Get().FlushTimeout = 50 * time.Millisecond
	q.Batch.Get().MinSize = 100

	exp, stop := withStorage(t, cfg, dir)
	const batches, per = 20, 50
	for b := range batches {
		require.NoError(t, exp.ConsumeLogs(context.Background(), logBatch(b, per)))
	}
	time.Sleep(500 * time.Millisecond)
	stop()
	require.Zero(t, es.Count(), "nothing may pass while Elasticsearch is down")

	es.SetDown(false)
	_, stop = withStorage(t, cfg, dir)
	defer stop()
	require.Eventually(t, func() bool { return es.Count() >= batches*per }, 20*time.Second, 50*time.Millisecond, "stored %d", es.Count())
	time.Sleep(300 * time.Millisecond)
	requireEachOnce(t, es, batches, per)
	require.Empty(t, es.Violations())
}

func restartSettings(t *testing.T) exporter.Settings {
	set := exportertest.NewNopSettings(metadata.Type)
	set.ID = component.NewID(metadata.Type) // the same queue after the restart
	set.Logger = zaptest.NewLogger(t)
	return set
}
