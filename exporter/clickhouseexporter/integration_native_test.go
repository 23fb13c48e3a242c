package clickhouseexporter

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelhub/otelhub/exporter/clickhouseexporter/internal/schema"
	"github.com/otelhub/otelhub/internal/testserver"
)

// Debian's clickhouse-server is 18.16: it has no DateTime64, Map,
// LowCardinality by default, codecs or TTL, so the production tables do
// not fit it. These tests run the exporter's transport (connection,
// columnar batch, lz4, error classes, retries through exporterhelper)
// against it with a test-only table of types it has.
const compatTable = "CREATE TABLE IF NOT EXISTS default.logs_compat (Timestamp DateTime, ServiceName String, " +
	"Body String, `Attrs.Key` Array(String), `Attrs.Value` Array(String), N UInt64) ENGINE = MergeTree ORDER BY Timestamp"

var compatDef = schema.Table{Columns: []schema.Column{
	{Name: "Timestamp", Type: "DateTime"}, {Name: "ServiceName", Type: "String"}, {Name: "Body", Type: "String"},
	{Name: "Attrs.Key", Type: "Array(String)"}, {Name: "Attrs.Value", Type: "Array(String)"}, {Name: "N", Type: "UInt64"},
}}

// compatColumns maps log records onto the test table: N is the record's
// "n" attribute, which the tests use to find losses and doubles.
func compatColumns(ld plog.Logs) ([]any, int) {
	var ts []time.Time
	var svc, body []string
	var keys, vals [][]*string
	var ns []uint64
	for _, rl := range ld.ResourceLogs().All() {
		s, _ := rl.Resource().Attributes().Get("service.name")
		for _, sl := range rl.ScopeLogs().All() {
			for _, lr := range sl.LogRecords().All() {
				ts = append(ts, lr.Timestamp().AsTime())
				svc = append(svc, s.AsString())
				body = append(body, lr.Body().AsString())
				var k, v []*string
				for key, val := range lr.Attributes().All() {
					k, v = append(k, &key), append(v, new(val.AsString()))
				}
				keys, vals = append(keys, k), append(vals, v)
				n, _ := lr.Attributes().Get("n")
				ns = append(ns, uint64(n.Int()))
			}
		}
	}
	return []any{ts, svc, body, keys, vals, ns}, len(ns)
}

func nativeLogs(first, n int) plog.Logs {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", "checkout")
	for i := first; i < first+n; i++ {
		lr := rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
		lr.SetTimestamp(pcommon.NewTimestampFromTime(t0.Add(time.Duration(i) * time.Second)))
		lr.Body().SetStr(fmt.Sprintf("record %d", i))
		lr.Attributes().PutInt("n", int64(i))
		lr.Attributes().PutStr("kind", "test")
	}
	return ld
}

// nativeExporter is a chExporter on the native protocol with lz4, writing
// the test table; its push is the exporter's own insert.
func nativeExporter(t *testing.T, srv *testserver.ClickHouse, cfg *Config) (*chExporter, func(context.Context, plog.Logs) error) {
	t.Helper()
	cfg.Endpoint = "tcp://" + srv.Addr
	e, push := compatExporter(t, cfg)
	require.NoError(t, e.conn.Exec(context.Background(), compatTable))
	return e, push
}

// compatExporter is nativeExporter on cfg's own endpoint, without
// touching the servers: the test creates the table.
func compatExporter(t *testing.T, cfg *Config) (*chExporter, func(context.Context, plog.Logs) error) {
	t.Helper()
	cfg.InsertDeduplicationToken = false // 18.16 has no such setting
	cfg.DialTimeout = time.Second
	e, err := newExporter(exportertest.NewNopSettings(NewFactory().Type()), cfg, signalLogs)
	require.NoError(t, err)
	opts, err := e.clientOptions(context.Background())
	require.NoError(t, err)
	conn, err := clickhouse.Open(opts)
	require.NoError(t, err)
	e.conn = conn
	t.Cleanup(func() { _ = conn.Close() })
	tbl := &table{name: "logs_compat", def: compatDef, insert: "INSERT INTO default.logs_compat (Timestamp, ServiceName, Body, `Attrs.Key`, `Attrs.Value`, N)"}
	push := func(ctx context.Context, ld plog.Logs) error {
		cols, rows := compatColumns(ld)
		return e.insertBatch(ctx, tbl, cols, rows, "")
	}
	return e, push
}

func nativeReader(t *testing.T, srv *testserver.ClickHouse) driver.Conn {
	t.Helper()
	conn, err := clickhouse.Open(&clickhouse.Options{Addr: []string{srv.Addr}})
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

func TestIntegrationNativeInsert(t *testing.T) {
	srv := testserver.ClickHouseServer(t)
	ctx := context.Background()
	for i, compression := range []string{"lz4", "zstd", "none"} {
		cfg := createDefaultConfig().(*Config)
		cfg.Compression = compression
		_, push := nativeExporter(t, srv, cfg)
		require.NoError(t, push(ctx, nativeLogs(i*1000, 1000)), compression)
	}

	conn := nativeReader(t, srv)
	assert.Equal(t, uint64(3000), count(t, conn, "SELECT count() FROM default.logs_compat"))
	assert.Equal(t, uint64(3000), count(t, conn, "SELECT uniqExact(N) FROM default.logs_compat"))
	var row struct {
		Timestamp time.Time `ch:"Timestamp"`
		Service   string    `ch:"ServiceName"`
		Body      string    `ch:"Body"`
		Keys      []string  `ch:"Attrs.Key"`
		Values    []string  `ch:"Attrs.Value"`
	}
	require.NoError(t, conn.QueryRow(ctx, "SELECT Timestamp, ServiceName, Body, `Attrs.Key`, `Attrs.Value` FROM default.logs_compat WHERE N = 7").ScanStruct(&row))
	assert.Equal(t, t0.Add(7*time.Second).Truncate(time.Second), row.Timestamp.UTC())
	assert.Equal(t, "checkout", row.Service)
	assert.Equal(t, "record 7", row.Body)
	assert.Equal(t, []string{"n", "kind"}, row.Keys)
	assert.Equal(t, []string{"7", "test"}, row.Values)
}

// After a server restart, the pooled connections are dead: the exporter
// reconnects. The first attempt may fail on a dead connection; that error
// must be retryable, as exporterhelper would retry it.
func TestIntegrationNativeReconnectAfterRestart(t *testing.T) {
	srv := testserver.ClickHouseServer(t)
	_, push := nativeExporter(t, srv, createDefaultConfig().(*Config))
	ctx := context.Background()
	require.NoError(t, push(ctx, nativeLogs(0, 100)))
	srv.Stop()
	err := push(ctx, nativeLogs(100, 100))
	require.Error(t, err, "the server is down")
	_, permanent := classify(err)
	require.False(t, permanent, "a refused connection must be retried: %v", err)
	srv.Start()
	var last error
	// A loaded machine can take seconds to serve again after Start.
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); {
		if last = push(ctx, nativeLogs(100, 100)); last == nil {
			break
		}
		_, permanent := classify(last)
		require.False(t, permanent, "%v", last)
		time.Sleep(100 * time.Millisecond)
	}
	require.NoError(t, last)
	conn := nativeReader(t, srv)
	assert.Equal(t, uint64(200), count(t, conn, "SELECT count() FROM default.logs_compat"))
	assert.Equal(t, uint64(200), count(t, conn, "SELECT uniqExact(N) FROM default.logs_compat"))
}

// The server goes down while batches are queued and being sent, and comes
// back: exporterhelper retries what failed; every record arrives once.
func TestIntegrationNativeServerDownDuringBatches(t *testing.T) {
	srv := testserver.ClickHouseServer(t)
	cfg := createDefaultConfig().(*Config)
	q := exporterhelper.NewDefaultQueueConfig()
	q.NumConsumers = 2
	cfg.QueueConfig = configoptional.Some(q)
	cfg.RetryConfig.InitialInterval = 50 * time.Millisecond
	cfg.RetryConfig.MaxInterval = 200 * time.Millisecond
	cfg.RetryConfig.MaxElapsedTime = time.Minute
	_, push := nativeExporter(t, srv, cfg)
	ctx := context.Background()
	exp, err := exporterhelper.NewLogs(ctx, exportertest.NewNopSettings(NewFactory().Type()), cfg, push,
		exporterhelper.WithQueue(cfg.QueueConfig), exporterhelper.WithRetry(cfg.RetryConfig))
	require.NoError(t, err)
	require.NoError(t, exp.Start(ctx, componenttest.NewNopHost()))

	const batches, per = 20, 100
	for b := range batches {
		if b == 5 {
			srv.Stop()
		}
		if b == 15 {
			srv.Start()
		}
		require.NoError(t, exp.ConsumeLogs(ctx, nativeLogs(b*per, per)))
		time.Sleep(20 * time.Millisecond)
	}
	conn := nativeReader(t, srv)
	require.Eventually(t, func() bool {
		return count(t, conn, "SELECT count() FROM default.logs_compat") >= batches*per
	}, 30*time.Second, 100*time.Millisecond)
	require.NoError(t, exp.Shutdown(ctx))
	assert.Equal(t, uint64(batches*per), count(t, conn, "SELECT count() FROM default.logs_compat"), "doubles")
	assert.Equal(t, uint64(batches*per), count(t, conn, "SELECT uniqExact(N) FROM default.logs_compat"), "losses")
}

// A row the table cannot take is refused by the server for good: the
// error is permanent, with its reason.
func TestIntegrationNativePermanentError(t *testing.T) {
	srv := testserver.ClickHouseServer(t)
	e, _ := nativeExporter(t, srv, createDefaultConfig().(*Config))
	ctx := context.Background()
	bad := &table{name: "logs_compat", def: compatDef, insert: "INSERT INTO default.logs_compat (Timestamp, NoSuchColumn)"}
	err := e.insertBatch(ctx, bad, []any{[]time.Time{t0}, []string{"x"}}, 1, "")
	require.Error(t, err)
	reason, permanent := classify(err)
	assert.True(t, permanent, "%v", err)
	assert.True(t, strings.HasPrefix(reason, "no_such_column") || reason == "unknown_identifier", reason)
}
