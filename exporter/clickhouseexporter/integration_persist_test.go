package clickhouseexporter

import (
	"context"
	"testing"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/extension/storage/filestorage"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/extension"
	"go.opentelemetry.io/collector/extension/extensiontest"

	"go.uber.org/zap/zaptest"

	"github.com/otelhub/otelhub/internal/testserver"
)

type storageHost struct {
	exts map[component.ID]component.Component
}

func (h storageHost) GetExtensions() map[component.ID]component.Component { return h.exts }

func fileStorage(t *testing.T, dir string) (storageHost, component.ID, extension.Extension) {
	t.Helper()
	f := filestorage.NewFactory()
	cfg := f.CreateDefaultConfig().(*filestorage.Config)
	cfg.Directory = dir
	ext, err := f.Create(context.Background(), extensiontest.NewNopSettings(f.Type()), cfg)
	require.NoError(t, err)
	id := component.NewID(f.Type())
	require.NoError(t, ext.Start(context.Background(), storageHost{}))
	return storageHost{exts: map[component.ID]component.Component{id: ext}}, id, ext
}

// With sending_queue::storage, what could not be sent survives a restart
// of the collector: the first exporter cannot reach the server and is
// shut down; a second one on the same storage sends it, once.
func TestIntegrationChDBPersistentQueue(t *testing.T) {
	s := testserver.ChDB(t)
	dir := t.TempDir()
	ctx := context.Background()
	f := NewFactory()
	config := func(endpoint string, storage component.ID) *Config {
		cfg := chdbConfig(s)
		cfg.Endpoint = endpoint
		q := exporterhelper.NewDefaultQueueConfig()
		q.StorageID = &storage
		cfg.QueueConfig = configoptional.Some(q)
		cfg.RetryConfig.Enabled = true
		cfg.RetryConfig.InitialInterval = 50 * time.Millisecond
		return cfg
	}

	host, id, ext := fileStorage(t, dir)
	set := exportertest.NewNopSettings(f.Type())
	set.Logger = zaptest.NewLogger(t)
	down, err := f.CreateLogs(ctx, set, config("http://127.0.0.1:1", id))
	require.NoError(t, err)
	require.NoError(t, down.Start(ctx, host))
	require.NoError(t, down.ConsumeLogs(ctx, testLogs()))
	time.Sleep(200 * time.Millisecond)
	require.NoError(t, down.Shutdown(ctx))
	require.NoError(t, ext.Shutdown(ctx))

	host, id, ext = fileStorage(t, dir)
	t.Cleanup(func() { _ = ext.Shutdown(ctx) })
	up, err := f.CreateLogs(ctx, set, config(s.URL, id))
	require.NoError(t, err)
	require.NoError(t, up.Start(ctx, host))
	t.Cleanup(func() { _ = up.Shutdown(ctx) })
	conn := reader(t, s)
	// A loss never reaches 3; a slow machine (chDB's first DDL and insert
	// under load) only takes longer, so the wait is generous and the
	// failure says which it was.
	query := "SELECT count() FROM otel.otel_logs"
	got := count(t, conn, query)
	for deadline := time.Now().Add(time.Minute); got < 3 && time.Now().Before(deadline); got = count(t, conn, query) {
		time.Sleep(100 * time.Millisecond)
	}
	require.Equal(t, uint64(3), got, "records lost (fewer than 3 within a minute) or doubled")
	time.Sleep(300 * time.Millisecond)
	require.Equal(t, uint64(3), count(t, conn, "SELECT count() FROM otel.otel_logs"), "records doubled")
}
