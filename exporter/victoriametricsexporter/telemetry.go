package victoriametricsexporter

import (
	"context"
	"errors"

	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"

	"github.com/otelhub/otelhub/exporter/victoriametricsexporter/internal/metadata"
	"github.com/otelhub/otelhub/exporter/victoriametricsexporter/internal/promrw"
	"github.com/otelhub/otelhub/internal/httpsend"
)

// telemetry is the exporter's own metrics, beside exporterhelper's
// standard sent/failed counters.
type telemetry struct {
	meter    metric.Meter
	dropped  metric.Int64Counter
	series   metric.Int64Counter
	bytes    metric.Int64Counter
	rejected metric.Int64Counter
	reasons  [len(promrw.DropReasonNames)]metric.MeasurementOption
	id       attribute.KeyValue
	idOpt    metric.MeasurementOption // built once: no allocation per send
}

func newTelemetry(set exporter.Settings) (*telemetry, error) {
	m := set.TelemetrySettings.MeterProvider.Meter(metadata.ScopeName)
	t := &telemetry{meter: m, id: attribute.String("exporter", set.ID.String())}
	t.idOpt = metric.WithAttributeSet(attribute.NewSet(t.id))
	var errs [4]error
	t.dropped, errs[0] = m.Int64Counter("otelcol_exporter_victoriametrics_dropped_points",
		metric.WithDescription("Data points or log records not sent as received, by reason."), metric.WithUnit("{point}"))
	t.series, errs[1] = m.Int64Counter("otelcol_exporter_victoriametrics_sent_series",
		metric.WithDescription("Series (or log records) accepted by the server."), metric.WithUnit("{series}"))
	t.bytes, errs[2] = m.Int64Counter("otelcol_exporter_victoriametrics_sent_bytes",
		metric.WithDescription("Compressed request bytes accepted by the server."), metric.WithUnit("By"))
	t.rejected, errs[3] = m.Int64Counter("otelcol_exporter_victoriametrics_rejected_series",
		metric.WithDescription("Series (or log records) the server refused for good (4xx), by status code."), metric.WithUnit("{series}"))
	for i, r := range promrw.DropReasonNames {
		t.reasons[i] = metric.WithAttributeSet(attribute.NewSet(t.id, attribute.String("reason", r)))
	}
	return t, errors.Join(errs[:]...)
}

func (t *telemetry) recordDrops(ctx context.Context, d promrw.Drops) {
	for i, n := range d {
		if n > 0 {
			t.dropped.Add(ctx, int64(n), t.reasons[i])
		}
	}
}

func (t *telemetry) recordSent(ctx context.Context, series, bytes int) {
	t.series.Add(ctx, int64(series), t.idOpt)
	t.bytes.Add(ctx, int64(bytes), t.idOpt)
}

func (t *telemetry) recordRejected(ctx context.Context, n int, err error) {
	code := httpsend.StatusCode(err)
	t.rejected.Add(ctx, int64(n), metric.WithAttributes(t.id, attribute.Int("http.response.status_code", code)))
}

func (t *telemetry) observeDeltaSeries(n func() int) {
	_, _ = t.meter.Int64ObservableGauge("otelcol_exporter_victoriametrics_delta_series",
		metric.WithDescription("Series held in the delta-to-cumulative state."),
		metric.WithInt64Callback(func(_ context.Context, o metric.Int64Observer) error {
			o.Observe(int64(n()), t.idOpt)
			return nil
		}))
}

func errField(err error) zap.Field { return zap.Error(err) }
