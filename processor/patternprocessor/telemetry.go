package patternprocessor

import (
	"context"
	"errors"

	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/otelhub/otelhub/processor/patternprocessor/internal/metadata"
)

// telemetry is the processor's own metrics.
type telemetry struct {
	meter   metric.Meter
	tagged  metric.Int64Counter
	created metric.Int64Counter
	evicted metric.Int64Counter
	special metric.Int64Counter
	id      metric.MeasurementOption
	reasons [numReasons]metric.MeasurementOption
}

func newTelemetry(set processor.Settings) (*telemetry, error) {
	m := set.TelemetrySettings.MeterProvider.Meter(metadata.ScopeName)
	idAttr := attribute.String("processor", set.ID.String())
	t := &telemetry{meter: m, id: metric.WithAttributeSet(attribute.NewSet(idAttr))}
	var errs [4]error
	t.tagged, errs[0] = m.Int64Counter("otelcol_processor_pattern_records_tagged",
		metric.WithDescription("Log records tagged with a pattern."), metric.WithUnit("{record}"))
	t.created, errs[1] = m.Int64Counter("otelcol_processor_pattern_new_patterns",
		metric.WithDescription("Patterns created; its rate is new patterns per second."), metric.WithUnit("{pattern}"))
	t.evicted, errs[2] = m.Int64Counter("otelcol_processor_pattern_evictions",
		metric.WithDescription("Patterns forgotten at max_patterns (least recently used first)."), metric.WithUnit("{pattern}"))
	t.special, errs[3] = m.Int64Counter("otelcol_processor_pattern_special_records",
		metric.WithDescription("Records whose message was not mined as it came, by reason; they are still tagged."), metric.WithUnit("{record}"))
	for i, r := range reasonNames {
		t.reasons[i] = metric.WithAttributeSet(attribute.NewSet(idAttr, attribute.String("reason", r)))
	}
	return t, errors.Join(errs[:]...)
}

func (t *telemetry) record(ctx context.Context, s *stats) {
	if s.tagged > 0 {
		t.tagged.Add(ctx, int64(s.tagged), t.id)
	}
	if s.created > 0 {
		t.created.Add(ctx, int64(s.created), t.id)
	}
	if s.evicted > 0 {
		t.evicted.Add(ctx, int64(s.evicted), t.id)
	}
	for i, n := range s.reasons {
		if n > 0 {
			t.special.Add(ctx, int64(n), t.reasons[i])
		}
	}
}

func (t *telemetry) observeActive(n func() int) {
	_, _ = t.meter.Int64ObservableGauge("otelcol_processor_pattern_active_patterns",
		metric.WithDescription("Patterns held, over all partitions."),
		metric.WithInt64Callback(func(_ context.Context, o metric.Int64Observer) error {
			o.Observe(int64(n()), t.id)
			return nil
		}))
}
