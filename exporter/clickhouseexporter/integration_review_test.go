package clickhouseexporter

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/otelhub/otelhub/exporter/clickhouseexporter/internal/schema"
	"github.com/otelhub/otelhub/internal/testserver"
)

// emptyOtelDatabase is a chDB server with an empty otel database, and
// the DDL options for tables the test creates there itself.
func emptyOtelDatabase(t *testing.T) (*testserver.Server, driver.Conn, schema.Options) {
	s := testserver.ChDB(t)
	conn := reader(t, s)
	require.NoError(t, conn.Exec(context.Background(), "CREATE DATABASE otel"))
	return s, conn, schema.Options{Database: "otel", Engine: "MergeTree"}
}

// Tables whose string columns differ from ours only by LowCardinality
// pass the check (SameType), so the exporter must be able to write them:
// plain String where it writes interned LowCardinality values, inside
// Arrays and Maps too, and LowCardinality where it writes plain strings.
func TestIntegrationChDBLowCardinalityEitherWay(t *testing.T) {
	s, conn, opts := emptyOtelDatabase(t)
	ctx := context.Background()

	plain := strings.ReplaceAll(schema.CreateTable(opts, schema.Traces, "otel_traces"), "LowCardinality(String)", "String")
	require.NoError(t, conn.Exec(ctx, plain))
	lc := schema.CreateTable(opts, schema.Sum, "otel_metrics_sum")
	for _, c := range []string{"`MetricName` String", "`ScopeName` String", "`MetricUnit` String", "`Exemplars.SpanId` Array(String)"} {
		lc = strings.Replace(lc, c, strings.Replace(c, "String", "LowCardinality(String)", 1), 1)
	}
	require.NoError(t, conn.Exec(ctx, lc))

	cfg := chdbConfig(s)
	require.NoError(t, tracesExporter(t, cfg).ConsumeTraces(ctx, testTraces()))
	require.NoError(t, metricsExporter(t, cfg).ConsumeMetrics(ctx, testMetrics()))
	require.Equal(t, uint64(testTraces().SpanCount()), count(t, conn, "SELECT count() FROM otel.otel_traces"))
	require.Equal(t, uint64(1), count(t, conn, "SELECT count() FROM otel.otel_traces WHERE SpanName = 'POST /pay' AND Events.Name = ['exception']"))
	require.Equal(t, uint64(1), count(t, conn, "SELECT count() FROM otel.otel_metrics_sum WHERE MetricName = 'http.requests' AND ScopeName = 'app/meter'"))
}

// contrib v0.165's metrics tables (which ClickStack uses) have DateTime
// time columns, in seconds, where this exporter creates DateTime64(9):
// the exporter starts on them and writes its times to the second.
func TestIntegrationChDBContribMetricsTable(t *testing.T) {
	s, conn, opts := emptyOtelDatabase(t)
	ctx := context.Background()
	for _, def := range []schema.Table{schema.Gauge, schema.Sum, schema.Histogram, schema.ExpHistogram, schema.Summary} {
		ddl := strings.ReplaceAll(schema.CreateTable(opts, def, "otel_metrics"+def.Suffix), "DateTime64(9)", "DateTime")
		require.NoError(t, conn.Exec(ctx, ddl))
	}
	require.NoError(t, metricsExporter(t, chdbConfig(s)).ConsumeMetrics(ctx, testMetrics()))
	sec := t0.Truncate(time.Second).Unix()
	q := fmt.Sprintf("SELECT count() FROM otel.otel_metrics_gauge WHERE toUnixTimestamp(TimeUnix) = %d"+
		" AND Exemplars.TimeUnix = [toDateTime(%d)] AND Exemplars.Value = [13]", sec, sec)
	require.Equal(t, uint64(1), count(t, conn, q))
	require.Equal(t, uint64(1), count(t, conn, fmt.Sprintf("SELECT count() FROM otel.otel_metrics_sum WHERE toUnixTimestamp(StartTimeUnix) = %d", sec-60)))
}

// When start could not check the schema, the first push does. If the
// table turns out incompatible, the batch is dropped for good and
// counted with its reason, not retried for ever.
func TestIntegrationChDBIncompatibleAtFirstPushIsCounted(t *testing.T) {
	s, conn, _ := emptyOtelDatabase(t)
	ctx := context.Background()
	cfg := chdbConfig(s)
	cfg.CreateSchema = false // the table is missing at start: not checked yet
	e, tel := logsExporterWithTelemetry(t, cfg)

	require.NoError(t, conn.Exec(ctx, strings.Replace(olderLogsTable, "SeverityNumber UInt8", "SeverityNumber String", 1)))
	err := e.ConsumeLogs(ctx, testLogs())
	require.Error(t, err)
	require.True(t, consumererror.IsPermanent(err), "%v", err)
	require.Contains(t, err.Error(), "column SeverityNumber has type String, the exporter writes UInt8")
	require.Equal(t, int64(testLogs().LogRecordCount()), droppedItems(t, tel, "incompatible_schema"))
}

// droppedItems is otelcol_exporter_clickhouse_dropped_items for reason.
func droppedItems(t *testing.T, tel *componenttest.Telemetry, reason string) int64 {
	return counterFor(t, tel, "otelcol_exporter_clickhouse_dropped_items", reason)
}

// logsExporterWithTelemetry is a started logs exporter whose own metrics
// can be read.
func logsExporterWithTelemetry(t *testing.T, cfg *Config) (exporter.Logs, *componenttest.Telemetry) {
	t.Helper()
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { _ = tel.Shutdown(context.Background()) })
	set := exportertest.NewNopSettings(NewFactory().Type())
	set.TelemetrySettings = tel.NewTelemetrySettings()
	e, err := NewFactory().CreateLogs(context.Background(), set, cfg)
	require.NoError(t, err)
	require.NoError(t, e.Start(context.Background(), componenttest.NewNopHost()))
	t.Cleanup(func() { _ = e.Shutdown(context.Background()) })
	return e, tel
}

// Hard input goes through the real insert: invalid UTF-8 in bodies, keys
// and names, NaN and infinities, a 4 MiB attribute, empty resources and
// scopes, a metric without a type. Nothing panics; every record is stored
// and the typeless metric is counted as dropped.
func TestIntegrationChDBHardInput(t *testing.T) {
	s, conn, _ := emptyOtelDatabase(t)
	ctx := context.Background()
	bad := string([]byte{0xff, 0xfe, 'x', 0xc3})
	huge := strings.Repeat("a", 4<<20)

	ld := plog.NewLogs()
	ld.ResourceLogs().AppendEmpty()                           // no scopes
	ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty() // no records
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr(bad, bad)
	lr := rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	lr.Body().SetStr(bad)
	lr.SetSeverityText(bad)
	lr.Attributes().PutStr("huge", huge)
	lr.Attributes().PutDouble("nan", math.NaN())
	lr.Attributes().PutEmptyBytes("raw").FromRaw([]byte{0, 1, 0xff})
	lr.Attributes().PutEmpty("empty")
	rl.ScopeLogs().At(0).LogRecords().AppendEmpty() // all zero
	require.NoError(t, logsExporter(t, chdbConfig(s)).ConsumeLogs(ctx, ld))
	require.Equal(t, uint64(2), count(t, conn, "SELECT count() FROM otel.otel_logs"))
	require.Equal(t, uint64(1), count(t, conn, "SELECT count() FROM otel.otel_logs WHERE length(LogAttributes['huge']) = 4194304 AND LogAttributes['nan'] = 'NaN'"))
	require.Equal(t, uint64(1), count(t, conn, "SELECT count() FROM otel.otel_logs WHERE Body = unhex('FFFE78C3')"))

	md := pmetric.NewMetrics()
	ms := md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty().Metrics()
	ms.AppendEmpty().SetName("no type")
	g := ms.AppendEmpty()
	g.SetName(bad)
	g.SetEmptyGauge()
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1), math.Copysign(0, -1)} {
		g.Gauge().DataPoints().AppendEmpty().SetDoubleValue(v)
	}
	h := ms.AppendEmpty()
	h.SetName("mismatched buckets")
	hp := h.SetEmptyHistogram().DataPoints().AppendEmpty()
	hp.BucketCounts().FromRaw([]uint64{1, 2, 3})
	hp.ExplicitBounds().FromRaw([]float64{math.NaN()})
	cfg := chdbConfig(s)
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { _ = tel.Shutdown(ctx) })
	set := exportertest.NewNopSettings(NewFactory().Type())
	set.TelemetrySettings = tel.NewTelemetrySettings()
	me, err := NewFactory().CreateMetrics(ctx, set, cfg)
	require.NoError(t, err)
	require.NoError(t, me.Start(ctx, componenttest.NewNopHost()))
	t.Cleanup(func() { _ = me.Shutdown(ctx) })
	require.NoError(t, me.ConsumeMetrics(ctx, md))
	require.Equal(t, uint64(1), count(t, conn, "SELECT count() FROM otel.otel_metrics_gauge WHERE isNaN(Value)"))
	require.Equal(t, uint64(4), count(t, conn, "SELECT count() FROM otel.otel_metrics_gauge WHERE MetricName = unhex('FFFE78C3')"))
	require.Equal(t, uint64(1), count(t, conn, "SELECT count() FROM otel.otel_metrics_histogram"))
	require.Equal(t, int64(1), droppedItems(t, tel, "empty_metric_type"))
}

// A batch across several partitions (days) is split into one block per
// partition; its retry splits the same way and is skipped entirely, and
// a batch that differs in one partition only is stored.
func TestIntegrationChDBDeduplicationAcrossPartitions(t *testing.T) {
	s, conn, _ := emptyOtelDatabase(t)
	ctx := context.Background()
	e := logsExporter(t, chdbConfig(s))
	batch := func(last string) plog.Logs {
		ld := plog.NewLogs()
		lrs := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords()
		for day, body := range []string{"a", "b", last} {
			lr := lrs.AppendEmpty()
			lr.SetTimestamp(pcommon.NewTimestampFromTime(t0.AddDate(0, 0, day)))
			lr.Body().SetStr(body)
		}
		return ld
	}
	require.NoError(t, e.ConsumeLogs(ctx, batch("c")))
	require.NoError(t, e.ConsumeLogs(ctx, batch("c")))
	require.Equal(t, uint64(3), count(t, conn, "SELECT count() FROM otel.otel_logs"), "the retry was stored")
	require.NoError(t, e.ConsumeLogs(ctx, batch("d")))
	require.Equal(t, uint64(6), count(t, conn, "SELECT count() FROM otel.otel_logs"), "a different batch was taken for a retry")
}

// An old server's protocol cannot carry a string setting: clickhouse-go
// refuses to send insert_deduplication_token to 18.16. No retry can fix
// that, so the insert is dropped for good, with its reason (the README
// says to turn the token off there), instead of blocking the queue.
func TestIntegrationNativeOldServerRefusesToken(t *testing.T) {
	srv := testserver.ClickHouseServer(t)
	e, push := nativeExporter(t, srv, createDefaultConfig().(*Config))
	e.cfg.InsertDeduplicationToken = true
	tbl := &table{name: "logs_compat", def: compatDef, insert: "INSERT INTO default.logs_compat (Timestamp, ServiceName, Body, `Attrs.Key`, `Attrs.Value`, N)"}
	cols, rows := compatColumns(nativeLogs(0, 1))
	err := e.insertBatch(context.Background(), tbl, cols, rows, "token")
	require.Error(t, err)
	reason, permanent := classify(err)
	require.True(t, permanent, "%v", err)
	require.Equal(t, "unsupported_setting", reason)
	e.cfg.InsertDeduplicationToken = false
	require.NoError(t, push(context.Background(), nativeLogs(0, 1)))
}
