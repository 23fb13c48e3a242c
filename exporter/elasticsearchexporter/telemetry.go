package elasticsearchexporter

import (
	"context"
	"errors"

	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/otelhub/otelhub/exporter/elasticsearchexporter/internal/esbulk"
	"github.com/otelhub/otelhub/exporter/elasticsearchexporter/internal/metadata"
)

// telemetry is the exporter's own metrics, beside exporterhelper's
// standard sent/failed counters, which count items, not documents.
type telemetry struct {
	sent       metric.Int64Counter
	conflicts  metric.Int64Counter
	retried    metric.Int64Counter
	rejected   metric.Int64Counter
	deadLetter metric.Int64Counter
	dropped    metric.Int64Counter
	bytes      metric.Int64Counter
	id         attribute.KeyValue
	idOpt      metric.MeasurementOption // built once: no allocation per send
	drops      [len(esbulk.DropReasonNames)]metric.MeasurementOption
}

func newTelemetry(set exporter.Settings) (*telemetry, error) {
	m := set.TelemetrySettings.MeterProvider.Meter(metadata.ScopeName)
	t := &telemetry{id: attribute.String("exporter", set.ID.String())}
	t.idOpt = metric.WithAttributeSet(attribute.NewSet(t.id))
	for i, r := range esbulk.DropReasonNames {
		t.drops[i] = metric.WithAttributeSet(attribute.NewSet(t.id, attribute.String("reason", r)))
	}
	var errs []error
	counter := func(name, desc, unit string) metric.Int64Counter {
		c, err := m.Int64Counter("otelcol_exporter_elasticsearch_"+name, metric.WithDescription(desc), metric.WithUnit(unit))
		errs = append(errs, err)
		return c
	}
	t.sent = counter("sent_documents", "Documents Elasticsearch accepted.", "{document}")
	t.conflicts = counter("conflict_documents", "Documents answered 409 on create with an id: already written, counted as sent.", "{document}")
	t.retried = counter("retried_documents", "Documents answered 429 or 5xx (or whose request failed), sent again, by status code.", "{document}")
	t.rejected = counter("rejected_documents", "Documents refused for good, by reason (the error type, or http_<code> for a whole request).", "{document}")
	t.deadLetter = counter("dead_letter_documents", "Rejected documents sent to the dead-letter index, by outcome (ok, failed).", "{document}")
	t.dropped = counter("dropped_items", "Items not written as documents, by reason.", "{item}")
	t.bytes = counter("sent_bytes", "Bulk request bytes (before compression) Elasticsearch answered.", "By")
	return t, errors.Join(errs...)
}

func (t *telemetry) recordDrops(ctx context.Context, d esbulk.Drops) {
	for i, n := range d {
		if n > 0 {
			t.dropped.Add(ctx, int64(n), t.drops[i])
		}
	}
}

func (t *telemetry) withReason(key, v string) metric.MeasurementOption {
	return metric.WithAttributes(t.id, attribute.String(key, v))
}

func (t *telemetry) withCode(code int) metric.MeasurementOption {
	return metric.WithAttributes(t.id, attribute.Int("http.response.status_code", code))
}
