package clickhouseexporter

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/otelhub/otelhub/internal/testserver"
)

// An otel_logs table as an older exporter created it: no EventName,
// ResourceSchemaUrl or ScopeSchemaUrl.
const olderLogsTable = "CREATE TABLE otel.otel_logs (" +
	"Timestamp DateTime64(9), TraceId String, SpanId String, TraceFlags UInt8, " +
	"SeverityText LowCardinality(String), SeverityNumber UInt8, ServiceName LowCardinality(String), " +
	"Body String, ResourceAttributes Map(LowCardinality(String), String), ScopeName String, " +
	"ScopeVersion String, ScopeAttributes Map(LowCardinality(String), String), " +
	"LogAttributes Map(LowCardinality(String), String)) ENGINE = MergeTree ORDER BY Timestamp"

func describe(t *testing.T, s *testserver.Server, table string) map[string]string {
	t.Helper()
	rows, err := reader(t, s).Query(context.Background(), "SELECT name, type FROM system.columns WHERE database = 'otel' AND table = '"+table+"'")
	require.NoError(t, err)
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var n, typ string
		require.NoError(t, rows.Scan(&n, &typ))
		out[n] = typ
	}
	return out
}

func TestIntegrationChDBSchemaUpgrade(t *testing.T) {
	s := testserver.ChDB(t)
	conn := reader(t, s)
	ctx := context.Background()
	require.NoError(t, conn.Exec(ctx, "CREATE DATABASE otel"))
	require.NoError(t, conn.Exec(ctx, olderLogsTable))
	before := describe(t, s, "otel_logs")
	require.NotContains(t, before, "EventName")

	e := logsExporter(t, chdbConfig(s))
	after := describe(t, s, "otel_logs")
	assert.Equal(t, "String", after["EventName"])
	assert.Equal(t, "LowCardinality(String)", after["ResourceSchemaUrl"])
	assert.Equal(t, "LowCardinality(String)", after["ScopeSchemaUrl"])
	assert.Equal(t, "String", after["ScopeVersion"], "an existing column keeps its type")
	require.NoError(t, e.ConsumeLogs(ctx, testLogs()))
	assert.Equal(t, uint64(1), count(t, conn, "SELECT count() FROM otel.otel_logs WHERE EventName = 'payment.failed'"))
}

func TestIntegrationChDBSchemaIncompatible(t *testing.T) {
	s := testserver.ChDB(t)
	conn := reader(t, s)
	ctx := context.Background()
	require.NoError(t, conn.Exec(ctx, "CREATE DATABASE otel"))
	require.NoError(t, conn.Exec(ctx, strings.Replace(olderLogsTable, "SeverityNumber UInt8", "SeverityNumber String", 1)))

	f := NewFactory()
	e, err := f.CreateLogs(ctx, exportertest.NewNopSettings(f.Type()), chdbConfig(s))
	require.NoError(t, err)
	err = e.Start(ctx, componenttest.NewNopHost())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "table otel_logs: column SeverityNumber has type String, the exporter writes UInt8")
	_ = e.Shutdown(ctx)
}

// The same batch sent twice (a retry after a lost answer) is stored
// once: the exporter sends a digest of it as insert_deduplication_token.
// Without the token, the second copy is stored too, which shows the test
// can tell.
func TestIntegrationChDBDeduplicationToken(t *testing.T) {
	s := testserver.ChDB(t)
	conn := reader(t, s)
	ctx := context.Background()

	cfg := chdbConfig(s)
	e := logsExporter(t, cfg)
	ld := testLogs()
	require.NoError(t, e.ConsumeLogs(ctx, ld))
	require.NoError(t, e.ConsumeLogs(ctx, ld))
	assert.Equal(t, uint64(3), count(t, conn, "SELECT count() FROM otel.otel_logs"), "the retried batch was written twice")
	other := plog.NewLogs()
	other.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty().Body().SetStr("another batch")
	require.NoError(t, e.ConsumeLogs(ctx, other))
	assert.Equal(t, uint64(4), count(t, conn, "SELECT count() FROM otel.otel_logs"), "a different batch must not be taken for a retry")

	cfg2 := chdbConfig(s)
	cfg2.InsertDeduplicationToken = false
	cfg2.LogsTableName = "no_token_logs"
	e2 := logsExporter(t, cfg2)
	require.NoError(t, e2.ConsumeLogs(ctx, ld))
	require.NoError(t, e2.ConsumeLogs(ctx, ld))
	assert.Equal(t, uint64(6), count(t, conn, "SELECT count() FROM otel.no_token_logs"))
}

// A batch the table cannot take (a column the exporter writes was
// dropped) is refused for good: the error is permanent, so the queue
// drops it and goes on with the next batch instead of retrying it.
func TestIntegrationChDBPermanentErrorDoesNotBlockQueue(t *testing.T) {
	s := testserver.ChDB(t)
	conn := reader(t, s)
	ctx := context.Background()

	sync := logsExporter(t, chdbConfig(s))
	cfg := chdbConfig(s)
	q := exporterhelper.NewDefaultQueueConfig()
	q.NumConsumers = 1
	cfg.QueueConfig = configoptional.Some(q)
	cfg.RetryConfig.Enabled = true
	cfg.RetryConfig.InitialInterval = 10 * time.Millisecond
	queued, tel := logsExporterWithTelemetry(t, cfg)
	require.NoError(t, conn.Exec(ctx, "ALTER TABLE otel.otel_logs DROP COLUMN EventName"))
	err := sync.ConsumeLogs(ctx, testLogs())
	require.Error(t, err)
	assert.True(t, consumererror.IsPermanent(err), "%v", err)
	reason, permanent := classify(err)
	assert.True(t, permanent)
	assert.Equal(t, "no_such_column_in_table", reason)

	// With the queue and retries on: the bad batch is dropped at once; once
	// the table is fixed, the next batch arrives, and the bad one never does.
	require.NoError(t, queued.ConsumeLogs(ctx, testLogs()))
	// The queue sends it and drops it, counted with its reason; only then
	// is the table fixed (under load the send may take a while).
	require.Eventually(t, func() bool {
		return rejectedRows(t, tel, "no_such_column_in_table") == int64(testLogs().LogRecordCount())
	}, 20*time.Second, 20*time.Millisecond, "the refused batch is not counted as rejected")
	require.NoError(t, conn.Exec(ctx, "ALTER TABLE otel.otel_logs ADD COLUMN EventName String"))
	next := plog.NewLogs()
	next.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty().Body().SetStr("after the fix")
	require.NoError(t, queued.ConsumeLogs(ctx, next))
	require.Eventually(t, func() bool { return count(t, conn, "SELECT count() FROM otel.otel_logs") > 0 }, 10*time.Second, 50*time.Millisecond)
	time.Sleep(300 * time.Millisecond)
	assert.Equal(t, uint64(1), count(t, conn, "SELECT count() FROM otel.otel_logs"))
	assert.Equal(t, uint64(1), count(t, conn, "SELECT count() FROM otel.otel_logs WHERE Body = 'after the fix'"))
}

// rejectedRows is otelcol_exporter_clickhouse_rejected_rows for reason.
func rejectedRows(t *testing.T, tel *componenttest.Telemetry, reason string) int64 {
	return counterFor(t, tel, "otelcol_exporter_clickhouse_rejected_rows", reason)
}

// counterFor is the sum of the counter name's points with reason.
func counterFor(t *testing.T, tel *componenttest.Telemetry, name, reason string) int64 {
	t.Helper()
	m, err := tel.GetMetric(name)
	if err != nil {
		return 0 // not recorded yet
	}
	var n int64
	for _, dp := range m.Data.(metricdata.Sum[int64]).DataPoints {
		if r, _ := dp.Attributes.Value("reason"); r.AsString() == reason {
			n += dp.Value
		}
	}
	return n
}
