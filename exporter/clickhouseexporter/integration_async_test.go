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
