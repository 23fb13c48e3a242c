package clickhouseexporter

import (
	"context"
	"errors"

	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/otelhub/otelhub/exporter/clickhouseexporter/internal/metadata"
)

// telemetry is the exporter's own metrics, beside exporterhelper's
// standard sent/failed counters.
type telemetry struct {
	inserted metric.Int64Counter
	rejected metric.Int64Counter
	dropped  metric.Int64Counter
	id       attribute.KeyValue
}

func newTelemetry(set exporter.Settings) (*telemetry, error) {
	m := set.TelemetrySettings.MeterProvider.Meter(metadata.ScopeName)
	t := &telemetry{id: attribute.String("exporter", set.ID.String())}
	var errs [3]error
	t.inserted, errs[0] = m.Int64Counter("otelcol_exporter_clickhouse_inserted_rows",
		metric.WithDescription("Rows the server accepted, by table."), metric.WithUnit("{row}"))
	t.rejected, errs[1] = m.Int64Counter("otelcol_exporter_clickhouse_rejected_rows",
		metric.WithDescription("Rows of inserts the server refused for good, by table and reason; they are dropped."), metric.WithUnit("{row}"))
	t.dropped, errs[2] = m.Int64Counter("otelcol_exporter_clickhouse_dropped_items",
		metric.WithDescription("Items not written, by reason."), metric.WithUnit("{item}"))
	return t, errors.Join(errs[:]...)
}

func (t *telemetry) recordInserted(ctx context.Context, table string, rows int) {
	t.inserted.Add(ctx, int64(rows), metric.WithAttributes(t.id, attribute.String("table", table)))
}

func (t *telemetry) recordRejected(ctx context.Context, table, reason string, rows int) {
	t.rejected.Add(ctx, int64(rows), metric.WithAttributes(t.id, attribute.String("table", table), attribute.String("reason", reason)))
}

func (t *telemetry) recordDropped(ctx context.Context, reason string, n int) {
	t.dropped.Add(ctx, int64(n), metric.WithAttributes(t.id, attribute.String("reason", reason)))
}
