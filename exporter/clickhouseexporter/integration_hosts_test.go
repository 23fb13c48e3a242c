package clickhouseexporter

import (
	"context"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelhub/otelhub/internal/testserver"
)

// Several hosts in one endpoint. clickhouse-go applies
// connection_open_strategy when it opens a connection, not per insert:
// an idle pooled connection is reused, whatever its host. These tests
// count the rows each server stored (read back over its own plain
// connection) against the records sent.

// deadAddr is a loopback address nobody listens on: connecting is refused.
func deadAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}

// hostsExporter writes the test table through an endpoint of several
// hosts with the given strategy; the table is created on every live one.
func hostsExporter(t *testing.T, strategy string, hosts []string, live ...*testserver.ClickHouse) (*Config, func(context.Context, plog.Logs) error) {
	t.Helper()
	for _, srv := range live {
		require.NoError(t, nativeReader(t, srv).Exec(context.Background(), compatTable))
	}
	cfg := createDefaultConfig().(*Config)
	cfg.Endpoint = "tcp://" + strings.Join(hosts, ",")
	cfg.ConnectionOpenStrategy = strategy
	require.NoError(t, cfg.Validate())
	_, push := compatExporter(t, cfg)
	return cfg, push
}

// pushConcurrently sends rounds of workers batches of per records at
// once, as the queue's consumers do, numbered from 0 up; it returns how
// many records it sent.
func pushConcurrently(t *testing.T, push func(context.Context, plog.Logs) error, rounds, workers, per int) int {
	t.Helper()
	n := 0
	for range rounds {
		var wg sync.WaitGroup
		errs := make(chan error, workers)
		for w := range workers {
			wg.Go(func() { errs <- push(context.Background(), nativeLogs(n+w*per, per)) })
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		n += workers * per
	}
	return n
}

// stored is the N of every row on the server.
func stored(t *testing.T, srv *testserver.ClickHouse) []uint64 {
	t.Helper()
	rows, err := nativeReader(t, srv).Query(context.Background(), "SELECT N FROM default.logs_compat")
	require.NoError(t, err)
	defer rows.Close()
	var out []uint64
	for rows.Next() {
		var n uint64
		require.NoError(t, rows.Scan(&n))
		out = append(out, n)
	}
	require.NoError(t, rows.Err())
	return out
}

// assertOnce checks that the servers together hold records 0..sent-1,
// each exactly once.
func assertOnce(t *testing.T, sent int, servers ...*testserver.ClickHouse) {
	t.Helper()
	seen := make(map[uint64]int, sent)
	for _, srv := range servers {
		for _, n := range stored(t, srv) {
			seen[n]++
		}
	}
	var doubled, foreign int
	for n, c := range seen {
		if c > 1 {
			doubled++
		}
		if n >= uint64(sent) {
			foreign++
		}
	}
	assert.Equal(t, sent, len(seen), "distinct records stored")
	assert.Zero(t, doubled, "records stored more than once")
	assert.Zero(t, foreign, "records never sent")
}

// in_order: every connection goes to the first host that answers; a
// refused host is skipped and the second one is not used at all.
func TestIntegrationHostsInOrder(t *testing.T) {
	a, b := testserver.ClickHouseServer(t), testserver.ClickHouseServer(t)
	_, push := hostsExporter(t, "in_order", []string{deadAddr(t), a.Addr, b.Addr}, a, b)
	sent := pushConcurrently(t, push, 3, 8, 100)
	assert.Len(t, stored(t, a), sent)
	assert.Empty(t, stored(t, b))
	assertOnce(t, sent, a, b)
}

// round_robin: one connection per concurrently busy insert, each opened
// on the next host; inserts one after another reuse one connection and
// so stay on one server.
func TestIntegrationHostsRoundRobin(t *testing.T) {
	a, b := testserver.ClickHouseServer(t), testserver.ClickHouseServer(t)
	ctx := context.Background()

	t.Run("one after another", func(t *testing.T) {
		_, push := hostsExporter(t, "round_robin", []string{a.Addr, b.Addr}, a, b)
		for i := range 10 {
			require.NoError(t, push(ctx, nativeLogs(i*100, 100)))
		}
		onA, onB := len(stored(t, a)), len(stored(t, b))
		t.Logf("rows on the first host %d, on the second %d", onA, onB)
		assert.Equal(t, 1000, onA+onB)
		assert.True(t, onA == 0 || onB == 0, "one pooled connection, one server: %d and %d", onA, onB)
		assertOnce(t, 1000, a, b)
		for _, srv := range []*testserver.ClickHouse{a, b} {
			require.NoError(t, nativeReader(t, srv).Exec(ctx, "TRUNCATE TABLE default.logs_compat"))
		}
	})
	t.Run("concurrent", func(t *testing.T) {
		_, push := hostsExporter(t, "round_robin", []string{a.Addr, b.Addr}, a, b)
		sent := pushConcurrently(t, push, 3, 8, 100)
		onA, onB := len(stored(t, a)), len(stored(t, b))
		t.Logf("rows on the first host %d, on the second %d", onA, onB)
		assert.Positive(t, onA)
		assert.Positive(t, onB)
		assertOnce(t, sent, a, b)
	})
}

// random: each new connection picks a host at random. Sixteen exporters
// (sixteen pools, as sixteen collectors) open one connection each: all on
// one host has a chance of 2^-15.
func TestIntegrationHostsRandom(t *testing.T) {
	a, b := testserver.ClickHouseServer(t), testserver.ClickHouseServer(t)
	const exporters, per = 16, 100
	for i := range exporters {
		_, push := hostsExporter(t, "random", []string{a.Addr, b.Addr}, a, b)
		require.NoError(t, push(context.Background(), nativeLogs(i*per, per)))
	}
	onA, onB := len(stored(t, a)), len(stored(t, b))
	t.Logf("rows on the first host %d, on the second %d", onA, onB)
	assert.Positive(t, onA)
	assert.Positive(t, onB)
	assertOnce(t, exporters*per, a, b)
}

// One of two servers stops (gracefully: it finishes what it was doing;
// or killed, as in a crash: inserts in flight get no answer) while queued
// batches are being sent with round_robin. Inserts that fail on it are
// retried, new connections go to the other one, and every record is
// stored exactly once across the two (the stopped one is started again
// at the end only to count what it had stored).
func TestIntegrationHostsServerStopped(t *testing.T) {
	for _, how := range []string{"stop", "kill"} {
		t.Run(how, func(t *testing.T) { hostStoppedMidRun(t, how == "kill") })
	}
}

func hostStoppedMidRun(t *testing.T, kill bool) {
	a, b := testserver.ClickHouseServer(t), testserver.ClickHouseServer(t)
	cfg, push := hostsExporter(t, "round_robin", []string{a.Addr, b.Addr}, a, b)
	q := exporterhelper.NewDefaultQueueConfig()
	q.NumConsumers = 4
	cfg.QueueConfig = configoptional.Some(q)
	cfg.RetryConfig.InitialInterval = 50 * time.Millisecond
	cfg.RetryConfig.MaxInterval = 200 * time.Millisecond
	cfg.RetryConfig.MaxElapsedTime = time.Minute
	ctx := context.Background()
	var failed atomic.Int64 // inserts that failed and went back for a retry
	counted := func(ctx context.Context, ld plog.Logs) error {
		err := push(ctx, ld)
		if err != nil {
			failed.Add(1)
		}
		return err
	}
	exp, err := exporterhelper.NewLogs(ctx, exportertest.NewNopSettings(NewFactory().Type()), cfg, counted,
		exporterhelper.WithQueue(cfg.QueueConfig), exporterhelper.WithRetry(cfg.RetryConfig))
	require.NoError(t, err)
	require.NoError(t, exp.Start(ctx, componenttest.NewNopHost()))

	const batches, per = 40, 500
	var victim *testserver.ClickHouse
	var beforeStop int
	const stopAt, burst = batches / 4, 4
	for i := range batches {
		if i == stopAt {
			// Stop the server that the pooled connections write to (with
			// inserts one after another, that may be only one of the two).
			victim = a
			if len(stored(t, b)) > len(stored(t, a)) {
				victim = b
			}
			beforeStop = len(stored(t, victim))
		}
		require.NoError(t, exp.ConsumeLogs(ctx, nativeLogs(i*per, per)))
		switch {
		case i == stopAt+burst-1: // a burst of batches is being inserted
			if kill {
				victim.Kill()
			} else {
				victim.Stop()
			}
		case i < stopAt || i >= stopAt+burst:
			time.Sleep(5 * time.Millisecond)
		}
	}
	// Shutdown sends what is queued, with its retries, before it returns.
	require.NoError(t, exp.Shutdown(ctx))
	victim.Start()
	onVictim := len(stored(t, victim))
	t.Logf("rows on the stopped host %d (%d when it was told to stop), on the other %d; %d failed inserts retried",
		onVictim, beforeStop, len(stored(t, a))+len(stored(t, b))-onVictim, failed.Load())
	assert.Positive(t, beforeStop, "the stopped host was in use")
	assertOnce(t, batches*per, a, b)
}
