package scenarios

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	contrib "github.com/open-telemetry/opentelemetry-collector-contrib/exporter/clickhouseexporter"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/pdata/plog"

	ours "github.com/otelhub/otelhub/exporter/clickhouseexporter"
	"github.com/otelhub/otelhub/internal/testserver"
	"github.com/otelhub/otelhub/testbed/bench"
	"github.com/otelhub/otelhub/testbed/sink"
)

// ClickHouse: otelhub's clickhouse exporter against contrib's
// clickhouseexporter v0.165.1, both over HTTP into the same real
// ClickHouse (chDB behind internal/chdbhttp), each in its own database
// with its own schema. One log record is one row; the sink counts rows by
// query. Every variant runs with its factory's defaults except the
// endpoint, the database and compression: chdbhttp takes plain bodies.
func init() {
	bench.Register(&bench.Scenario{
		Name:   "clickhouse",
		Signal: bench.Logs,
		Units: func(data any) (int64, error) {
			ld, ok := data.(plog.Logs)
			if !ok {
				return 0, fmt.Errorf("clickhouse counts log rows, got %T", data)
			}
			return int64(ld.LogRecordCount()), nil
		},
		NewSink: newChDBSink,
		Variants: []bench.Variant{
			{Name: "otelhub", Role: bench.Ours, Exporter: otelhubCH, Process: otelhubCHProc},
			{Name: "contrib-clickhouse", Role: bench.Twin, Exporter: contribCH},
		},
	})
}

// The databases the variants write to; the logs table keeps each
// exporter's default name.
const (
	oursCHDatabase    = "otelhub"
	contribCHDatabase = "contrib"
	chLogsTable       = "otel_logs"
)

func otelhubCH(ctx context.Context, b bench.Backend) (component.Component, error) {
	f := ours.NewFactory()
	cfg := f.CreateDefaultConfig().(*ours.Config)
	cfg.Endpoint, cfg.Username, cfg.Password = b.URL, b.Username, b.Password
	cfg.Database, cfg.Compression = oursCHDatabase, "none"
	return f.CreateLogs(ctx, exportertest.NewNopSettings(f.Type()), cfg)
}

func otelhubCHProc(env bench.Env, b bench.Backend) (*bench.Proc, error) {
	return bench.OtelhubProc(env, bench.Logs, "clickhouse", fmt.Sprintf(
		"    endpoint: %s\n    database: %s\n    compression: none", b.URL, oursCHDatabase))
}

func contribCH(ctx context.Context, b bench.Backend) (component.Component, error) {
	f := contrib.NewFactory()
	cfg := f.CreateDefaultConfig().(*contrib.Config)
	cfg.Endpoint, cfg.Username, cfg.Password = b.URL, b.Username, b.Password
	cfg.Database, cfg.Compress = contribCHDatabase, "none"
	return f.CreateLogs(ctx, exportertest.NewNopSettings(f.Type()), cfg)
}

// chdbSink is a real ClickHouse (chDB) behind a sink.Proxy: the exporters
// send through the proxy (wire bytes, faults), the counts are queried
// from the server directly. Only one variant runs at a time and Reset
// empties both tables, so the counts are the sum over both.
type chdbSink struct {
	server string // chDB's HTTP interface, for queries
	proxy  *sink.Proxy
	stop   func()

	mu       sync.Mutex
	prev     int64     // rows at the previous poll
	exactAt  int64     // rows when distinct was last computed exactly
	distinct int64     // distinct testbed.seq values at exactAt
	last     time.Time // when the row count last changed, as polled
}

func newChDBSink(bench.Env) (bench.Sink, error) {
	srv, stop, err := testserver.StartChDB()
	if err != nil {
		return nil, fmt.Errorf("start chDB: %w", err)
	}
	p, err := sink.NewProxy(srv.URL)
	if err != nil {
		stop()
		return nil, err
	}
	return &chdbSink{server: srv.URL, proxy: p, stop: stop}, nil
}

func (s *chdbSink) BaseURL() string { return s.proxy.URL }

func (s *chdbSink) Close() { s.proxy.Close(); s.stop() }

func (s *chdbSink) Fault(mode string, d, delay time.Duration) error {
	return s.proxy.Fault(mode, d, delay)
}

// Reset empties the tables (the exporters create them when they start).
func (s *chdbSink) Reset() error {
	for _, db := range []string{oursCHDatabase, contribCHDatabase} {
		if _, err := s.query("TRUNCATE TABLE IF EXISTS " + db + "." + chLogsTable); err != nil {
			return err
		}
	}
	s.proxy.ResetBytes()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.prev, s.exactAt, s.distinct, s.last = 0, 0, 0, time.Time{}
	return nil
}

// Counts: Units are rows; Distinct the distinct testbed.seq values, which
// a record sent twice does not raise. Counting distinct values reads the
// attribute maps, too slow to do at every poll while rows arrive: it is
// done once the row count has held still for one poll, and meanwhile
// Distinct is the row count (unverified). The run's final count comes
// after the rows stop, so it is exact. Latency is not measured: the
// server does not record when a row arrived.
func (s *chdbSink) Counts() (sink.Counts, error) {
	rows, err := s.sum("count()")
	if err != nil {
		return sink.Counts{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if rows != s.prev {
		s.prev, s.last = rows, time.Now()
	} else if rows != s.exactAt {
		d, err := s.sum("uniqExact(LogAttributes['" + bench.SeqAttribute + "'])")
		if err != nil {
			return sink.Counts{}, err
		}
		s.exactAt, s.distinct = rows, d
	}
	c := sink.Counts{Units: rows, Distinct: rows, WireBytes: s.proxy.SentBytes(), Last: s.last}
	if rows == s.exactAt {
		c.Distinct = s.distinct
	}
	return c, nil
}

// sum runs SELECT expr on each variant's table and adds the results; a
// table that does not exist yet counts 0.
func (s *chdbSink) sum(expr string) (int64, error) {
	var total int64
	for _, db := range []string{oursCHDatabase, contribCHDatabase} {
		out, err := s.query("SELECT " + expr + " FROM " + db + "." + chLogsTable + " FORMAT TSV")
		if errCode(err) == unknownTable || errCode(err) == unknownDatabase {
			continue
		}
		if err != nil {
			return 0, err
		}
		n, err := strconv.ParseInt(strings.TrimSpace(out), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("clickhouse: %q is not a count", out)
		}
		total += n
	}
	return total, nil
}

// ClickHouse error codes.
const (
	unknownTable    = "60"
	unknownDatabase = "81"
)

type chError struct{ code, msg string }

func (e *chError) Error() string { return "clickhouse: code " + e.code + ": " + e.msg }

func errCode(err error) string {
	if e, ok := err.(*chError); ok {
		return e.code
	}
	return ""
}

var chClient = &http.Client{Timeout: time.Minute}

func (s *chdbSink) query(q string) (string, error) {
	resp, err := chClient.Post(s.server+"/", "text/plain", strings.NewReader(q))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", &chError{code: resp.Header.Get("X-ClickHouse-Exception-Code"), msg: strings.TrimSpace(string(body))}
	}
	return string(body), nil
}
