package clickhouseexporter

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/extension"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest"

	"github.com/otelhub/otelhub/internal/testserver"
)

// numberedLogs is n records whose bodies are rec-<first>..rec-<first+n-1>,
// so the stored rows can be counted against what was sent, one by one.
func numberedLogs(first, n int) plog.Logs {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", "lost-test")
	recs := rl.ScopeLogs().AppendEmpty().LogRecords()
	for i := first; i < first+n; i++ {
		r := recs.AppendEmpty()
		r.SetTimestamp(pcommon.NewTimestampFromTime(t0.Add(time.Duration(i) * time.Millisecond)))
		r.Body().SetStr(fmt.Sprintf("rec-%d", i))
	}
	return ld
}

// queuedConfig is the exporter as deployed: HTTP to chDB, a persistent
// queue with its default batching, retries with short intervals.
func queuedConfig(endpoint string, storage component.ID) *Config {
	cfg := createDefaultConfig().(*Config)
	cfg.Endpoint = endpoint
	cfg.Compression = "gzip"
	q := exporterhelper.NewDefaultQueueConfig()
	q.StorageID = &storage
	cfg.QueueConfig = configoptional.Some(q)
	cfg.RetryConfig.Enabled = true
	cfg.RetryConfig.InitialInterval = 20 * time.Millisecond
	cfg.RetryConfig.MaxInterval = 200 * time.Millisecond
	cfg.RetryConfig.MaxElapsedTime = 0 // never give up: the test counts losses
	return cfg
}

type runningExporter struct {
	exp exporter.Logs
	ext extension.Extension
}

func startQueued(t *testing.T, cfg func(component.ID) *Config, dir string) runningExporter {
	t.Helper()
	ctx := context.Background()
	host, id, ext := fileStorage(t, dir)
	f := NewFactory()
	set := exportertest.NewNopSettings(f.Type())
	set.ID = component.NewID(f.Type()) // the storage's file is named after it: the same across restarts
	set.Logger = zaptest.NewLogger(t, zaptest.Level(zapcore.WarnLevel))
	exp, err := f.CreateLogs(ctx, set, cfg(id))
	require.NoError(t, err)
	require.NoError(t, exp.Start(ctx, host))
	return runningExporter{exp, ext}
}

func (r runningExporter) stop(t *testing.T) {
	ctx := context.Background()
	require.NoError(t, r.exp.Shutdown(ctx))
	require.NoError(t, r.ext.Shutdown(ctx))
}

// send consumes batches [from, to) of per records, pausing between them
// so that the server events land in the middle of the flow.
func send(t *testing.T, exp exporter.Logs, from, to, per int) {
	t.Helper()
	for b := from; b < to; b++ {
		require.NoError(t, exp.ConsumeLogs(context.Background(), numberedLogs(b*per, per)))
		time.Sleep(5 * time.Millisecond)
	}
}

// waitStored waits until total distinct records are stored, and returns
// the row count and the distinct count.
func waitStored(t *testing.T, s *testserver.Server, total int) (rows, distinct uint64) {
	t.Helper()
	conn := reader(t, s)
	q := "SELECT count(), uniqExact(Body) FROM otel.otel_logs"
	read := func() {
		if err := conn.QueryRow(context.Background(), q).Scan(&rows, &distinct); err != nil {
			rows, distinct = 0, 0 // the table may not exist yet
		}
	}
	deadline := time.Now().Add(time.Minute)
	for read(); distinct < uint64(total) && time.Now().Before(deadline); read() {
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond) // anything still in flight lands now
	read()
	return rows, distinct
}

// Nothing lost, nothing doubled over HTTP with a persistent queue: the
// server is down when the exporter starts, comes up, is stopped and
// started again mid-run, and killed (SIGKILL) mid-run and started again.
// Every record must be stored exactly once: a retried insert whose
// answer was lost carries the same deduplication token.
func TestIntegrationChDBServerDownUpRestartKill(t *testing.T) {
	srv := testserver.ChDBRestartable(t)
	srv.Stop()
	const per, batches = 20, 160
	r := startQueued(t, func(id component.ID) *Config { return queuedConfig(srv.URL, id) }, t.TempDir())
	defer r.stop(t)

	send(t, r.exp, 0, 40, per) // down at start
	srv.Start()
	send(t, r.exp, 40, 80, per)
	srv.Stop() // down mid-run
	send(t, r.exp, 80, 100, per)
	srv.Start() // restarted
	send(t, r.exp, 100, 130, per)
	srv.Kill() // a crash mid-run
	send(t, r.exp, 130, 140, per)
	srv.Start()
	send(t, r.exp, 140, batches, per)

	rows, distinct := waitStored(t, srv.Server, per*batches)
	require.Equal(t, uint64(per*batches), distinct, "records lost")
	require.Equal(t, uint64(per*batches), rows, "records stored twice")
}

// A collector restart with the persistent queue while records flow: the
// first exporter is shut down mid-run with batches queued, the second
// one on the same storage sends them. Every record arrives; a batch
// written but not acknowledged before the restart may be written twice
// (README), so duplicates are reported, not failed on.
func TestIntegrationChDBCollectorRestartPersistentQueue(t *testing.T) {
	srv := testserver.ChDBRestartable(t)
	dir := t.TempDir()
	const per, batches = 20, 120
	cfg := func(id component.ID) *Config { return queuedConfig(srv.URL, id) }
	first := startQueued(t, cfg, dir)
	send(t, first.exp, 0, 40, per)
	srv.Stop() // so that batches are still queued at the restart
	send(t, first.exp, 40, 80, per)
	first.stop(t)
	srv.Start()
	second := startQueued(t, cfg, dir)
	defer second.stop(t)
	send(t, second.exp, 80, batches, per)

	rows, distinct := waitStored(t, srv.Server, per*batches)
	require.Equal(t, uint64(per*batches), distinct, "records lost; batches stored: %v", storedBatches(t, srv.Server, per))
	if rows != distinct {
		t.Logf("%d records stored twice (a batch written but not acknowledged before the restart)", rows-distinct)
	}
}

// storedBatches lists the batch numbers with rows, for a failure message.
func storedBatches(t *testing.T, s *testserver.Server, per int) []uint32 {
	var got []uint32
	q := fmt.Sprintf("SELECT arraySort(groupUniqArray(toUInt32(intDiv(toUInt32OrZero(substring(Body, 5)), %d)))) FROM otel.otel_logs", per)
	if err := reader(t, s).QueryRow(context.Background(), q).Scan(&got); err != nil {
		t.Log(err)
	}
	return got
}
