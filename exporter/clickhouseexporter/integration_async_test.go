package clickhouseexporter

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelhub/otelhub/internal/benchdata"
	"github.com/otelhub/otelhub/internal/testserver"
)

// With async_insert the server buffers inserts and writes them in the
// background; the exporter waits for the write (wait_for_async_insert),
// so a push that returned nil is stored.
func TestIntegrationChDBAsyncInsert(t *testing.T) {
	s := testserver.ChDB(t)
	conn := reader(t, s)
	ctx := context.Background()
	cfg := chdbConfig(s)
	cfg.AsyncInsert = true
	e := logsExporter(t, cfg)
	ld := benchdata.Logs()
	require.NoError(t, e.ConsumeLogs(ctx, ld))
	assert.Equal(t, uint64(ld.LogRecordCount()), count(t, conn, "SELECT count() FROM otel.otel_logs"))
	// Whether chDB really buffered the insert cannot be seen from here
	// (it counts no async insert events), nor is the deduplication of a
	// resent async insert tested: ClickHouse applies it only with
	// async_insert_deduplicate on Replicated tables. The README says so.
}

// async_insert exists from ClickHouse 21.11. Debian's 18.16 does not know
// the setting: it refuses every insert that carries it (code 115), and the
// exporter drops the batch as permanent, reason unknown_setting, rather
// than retrying it for ever. The README says the server must be >= 21.11.
func TestIntegrationNativeAsyncInsertOldServer(t *testing.T) {
	srv := testserver.ClickHouseServer(t)
	cfg := createDefaultConfig().(*Config)
	cfg.AsyncInsert = true
	_, push := nativeExporter(t, srv, cfg)
	err := push(context.Background(), nativeLogs(0, 10))
	require.Error(t, err)
	assert.ErrorContains(t, err, "async_insert")
	reason, permanent := classify(err)
	assert.True(t, permanent, "%v", err)
	assert.Equal(t, "unknown_setting", reason)
	assert.Zero(t, count(t, nativeReader(t, srv), "SELECT count() FROM default.logs_compat"))
}
