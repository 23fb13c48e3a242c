package clickhouseexporter

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/exporter"
	"go.uber.org/zap"

	"github.com/otelhub/otelhub/exporter/clickhouseexporter/internal/chcol"
	"github.com/otelhub/otelhub/exporter/clickhouseexporter/internal/chhttp"
	"github.com/otelhub/otelhub/exporter/clickhouseexporter/internal/schema"
)

type signal int

const (
	signalLogs signal = iota
	signalTraces
	signalMetrics
)

// table is one table this exporter writes: its name, its columns and the
// INSERT that names them.
type table struct {
	name   string
	def    schema.Table
	insert string
	// nativeInsert is insert with the Native format, for the HTTP path.
	nativeInsert string
	// plain marks the columns the exporter fills as LowCardinality that
	// the existing table has as plain String (an older schema): the
	// driver takes []string for them, not interned values.
	plain []bool
}

// chExporter writes one signal. Each push fills a block of column slices
// taken from a pool (so concurrent queue consumers do not wait for each
// other) and inserts it; the block goes back to the pool with its memory.
type chExporter struct {
	cfg    *Config
	set    exporter.Settings
	tel    *telemetry
	signal signal
	conn   driver.Conn
	opts   schema.Options
	tables map[string]*table // by schema suffix ("" for logs and traces)

	schemaMu    sync.Mutex
	schemaReady bool

	pool sync.Pool
	// native posts Native-format blocks on http(s) endpoints; nil on the
	// native protocol, where clickhouse-go's batch takes the columns.
	native *chhttp.Client
	bufs   sync.Pool // *[]byte, the encoded blocks
}

func (e *chExporter) start(ctx context.Context, host component.Host) error {
	opts, err := e.clientOptions(ctx)
	if err != nil {
		return err
	}
	conn, err := clickhouse.Open(opts)
	if err != nil {
		return err
	}
	e.conn = conn
	if err := e.startNative(ctx); err != nil {
		return err
	}
	e.opts = schema.Options{Database: e.cfg.Database, Cluster: e.cfg.ClusterName, Engine: e.cfg.TableEngine,
		TTL: e.cfg.TTL, DedupWindow: e.cfg.DeduplicationWindow}
	e.tables = e.tableSet()
	e.pool.New = e.newBlock
	// The schema is checked now; when the server cannot be reached, on the
	// first insert instead, so that the collector starts with ClickHouse
	// down. An incompatible table refuses the start.
	if err := e.ensureSchema(ctx); err != nil {
		if errors.Is(err, errIncompatible) {
			return err
		}
		e.set.Logger.Warn("ClickHouse schema not checked yet; will retry before the first insert", zap.Error(err))
	}
	_ = host
	return nil
}

// startNative sets up the HTTP client of the insert path, with the
// same hosts, credentials, TLS and compression as the driver's.
func (e *chExporter) startNative(ctx context.Context) error {
	ep, err := parseEndpoint(e.cfg.Endpoint)
	if err != nil || !ep.http {
		return err
	}
	tlsCfg, err := e.tlsConfig(ctx, ep)
	if err != nil {
		return err
	}
	// A tls section turns TLS on for http:// too, as it does for the
	// driver (schema checks): never plain text where TLS was asked for.
	e.native, err = chhttp.New(chhttp.Config{
		Hosts: ep.hosts, Secure: ep.secure || tlsCfg != nil, TLS: tlsCfg,
		Username: e.cfg.Username, Password: string(e.cfg.Password), Database: e.cfg.Database,
		Compression: e.cfg.Compression, Strategy: e.cfg.ConnectionOpenStrategy,
		DialTimeout: e.cfg.DialTimeout, MaxConns: e.cfg.MaxOpenConns,
	})
	e.bufs.New = func() any { return new([]byte) }
	return err
}

func (e *chExporter) shutdown(context.Context) error {
	if e.native != nil {
		e.native.Close()
	}
	if e.conn != nil {
		return e.conn.Close()
	}
	return nil
}

func (e *chExporter) clientOptions(ctx context.Context) (*clickhouse.Options, error) {
	ep, err := parseEndpoint(e.cfg.Endpoint)
	if err != nil {
		return nil, err
	}
	o := &clickhouse.Options{
		Addr:         ep.hosts,
		Auth:         clickhouse.Auth{Username: e.cfg.Username, Password: string(e.cfg.Password)},
		DialTimeout:  e.cfg.DialTimeout,
		MaxOpenConns: e.cfg.MaxOpenConns,
		MaxIdleConns: e.cfg.MaxOpenConns,
		ClientInfo: clickhouse.ClientInfo{Products: []struct{ Name, Version string }{
			{Name: "otelhub", Version: e.set.BuildInfo.Version}}},
	}
	if ep.http {
		o.Protocol = clickhouse.HTTP
	}
	switch e.cfg.Compression {
	case "lz4":
		o.Compression = &clickhouse.Compression{Method: clickhouse.CompressionLZ4}
	case "zstd":
		o.Compression = &clickhouse.Compression{Method: clickhouse.CompressionZSTD}
	case "gzip":
		o.Compression = &clickhouse.Compression{Method: clickhouse.CompressionGZIP}
	}
	switch e.cfg.ConnectionOpenStrategy {
	case "round_robin":
		o.ConnOpenStrategy = clickhouse.ConnOpenRoundRobin
	case "random":
		o.ConnOpenStrategy = clickhouse.ConnOpenRandom
	default:
		o.ConnOpenStrategy = clickhouse.ConnOpenInOrder
	}
	o.TLS, err = e.tlsConfig(ctx, ep)
	return o, err
}

// tlsConfig is the client's TLS: the tls block when set, the system's
// roots on https:// and secure endpoints, none otherwise.
func (e *chExporter) tlsConfig(ctx context.Context, ep endpoint) (*tls.Config, error) {
	if t := e.cfg.TLS.Get(); e.cfg.TLS.HasValue() && t != nil {
		tc, err := t.LoadTLSConfig(ctx)
		if err != nil {
			return nil, fmt.Errorf("tls: %w", err)
		}
		return tc, nil
	}
	if ep.secure {
		return &tls.Config{MinVersion: tls.VersionTLS12}, nil
	}
	return nil, nil
}

// tableSet is the tables of this exporter's signal.
func (e *chExporter) tableSet() map[string]*table {
	mk := func(name string, def schema.Table) *table {
		cols := make([]string, len(def.Columns))
		for i, c := range def.Columns {
			cols[i] = schema.Ident(c.Name)
		}
		insert := "INSERT INTO " + schema.QualifiedName(e.cfg.Database, name) + " (" + strings.Join(cols, ", ") + ")"
		return &table{name: name, def: def, insert: insert, nativeInsert: insert + " FORMAT Native"}
	}
	switch e.signal {
	case signalLogs:
		return map[string]*table{"": mk(e.cfg.LogsTableName, schema.Logs)}
	case signalTraces:
		return map[string]*table{"": mk(e.cfg.TracesTableName, schema.Traces)}
	}
	out := map[string]*table{}
	for _, def := range []schema.Table{schema.Gauge, schema.Sum, schema.Histogram, schema.ExpHistogram, schema.Summary} {
		out[def.Suffix] = mk(e.cfg.MetricsTableName+def.Suffix, def)
	}
	return out
}

// insert sends one table's columns as one insert.
func (e *chExporter) insert(ctx context.Context, t *table, cols []chcol.Col, rows int, token string) error {
	if e.native != nil {
		return e.insertNative(ctx, t, cols, rows, token)
	}
	values := make([]any, len(cols))
	for i, c := range cols {
		values[i] = c.Driver()
	}
	return e.insertBatch(ctx, t, values, rows, token)
}

// insertBatch sends the columns through clickhouse-go's batch (the
// native protocol).
func (e *chExporter) insertBatch(ctx context.Context, t *table, values []any, rows int, token string) error {
	settings := clickhouse.Settings{}
	if e.cfg.InsertDeduplicationToken {
		settings["insert_deduplication_token"] = token
	}
	if e.cfg.AsyncInsert {
		settings["async_insert"] = 1
		settings["wait_for_async_insert"] = 1
	}
	ctx = clickhouse.Context(ctx, clickhouse.WithSettings(settings))
	batch, err := e.conn.PrepareBatch(ctx, t.insert, driver.WithReleaseConnection())
	if err != nil {
		return e.failed(ctx, t, rows, err)
	}
	defer func() { _ = batch.Close() }()
	for i, c := range values {
		if t.plain != nil && t.plain[i] {
			c = anyStrings(c)
		}
		if err := appendColumn(batch.Column(i), c); err != nil {
			return e.failed(ctx, t, rows, &appendError{column: t.def.Columns[i].Name, err: err})
		}
	}
	if err := batch.Send(); err != nil {
		return e.failed(ctx, t, rows, err)
	}
	e.tel.recordInserted(ctx, t.name, rows)
	return nil
}

// insertNative encodes the block in ClickHouse's Native format and posts
// it. The column types sent are the exporter's; a server converts them to
// an older table's compatible types (see schema.SameType) on input.
func (e *chExporter) insertNative(ctx context.Context, t *table, cols []chcol.Col, rows int, token string) error {
	buf := e.bufs.Get().(*[]byte)
	defer e.bufs.Put(buf)
	*buf = chcol.EncodeNative((*buf)[:0], t.def, cols)
	var settings [3]chhttp.Setting
	n := 0
	if e.cfg.InsertDeduplicationToken {
		settings[n] = chhttp.Setting{Key: "insert_deduplication_token", Value: token}
		n++
	}
	if e.cfg.AsyncInsert {
		settings[n] = chhttp.Setting{Key: "async_insert", Value: "1"}
		settings[n+1] = chhttp.Setting{Key: "wait_for_async_insert", Value: "1"}
		n += 2
	}
	if err := e.native.Insert(ctx, t.nativeInsert, settings[:n], *buf); err != nil {
		return e.failed(ctx, t, rows, err)
	}
	e.tel.recordInserted(ctx, t.name, rows)
	return nil
}

// failed classifies an insert error: permanent ones are counted with
// their reason and wrapped so exporterhelper drops them and moves on;
// the rest go back for a retry.
func (e *chExporter) failed(ctx context.Context, t *table, rows int, err error) error {
	err = fmt.Errorf("insert into %s: %w", t.name, err)
	if reason, permanent := classify(err); permanent {
		e.tel.recordRejected(ctx, t.name, reason, rows)
		e.set.Logger.Error("ClickHouse refused an insert for good; rows dropped",
			zap.String("table", t.name), zap.String("reason", reason), zap.Int("rows", rows), zap.Error(err))
		return permanentError(err)
	}
	return err
}

// anyStrings turns interned values back into strings.
func anyStrings(c any) any {
	vals, ok := c.([]any)
	if !ok {
		return c
	}
	out := make([]string, len(vals))
	for i, v := range vals {
		switch v := v.(type) {
		case *string:
			out[i] = *v
		case string:
			out[i] = v
		}
	}
	return out
}

// appendColumn hands one column to the driver: a slice in one Append, or
// an Array column row by row (see chcol.Rows).
func appendColumn(col driver.BatchColumn, c any) error {
	rows, ok := c.(chcol.Rows)
	if !ok {
		return col.Append(c)
	}
	for _, r := range rows {
		if err := col.AppendRow(r); err != nil {
			return err
		}
	}
	return nil
}
