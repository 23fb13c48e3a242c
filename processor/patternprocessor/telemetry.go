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
	meter      metric.Meter
	tagged     metric.Int64Counter
	created    metric.Int64Counter
	evicted    metric.Int64Counter
	partitions metric.Int64Counter
	special    metric.Int64Counter
	id         metric.MeasurementOption
	reasons    [numReasons]metric.MeasurementOption
	reg        metric.Registration // the gauges' callback, until shutdown
}

func newTelemetry(set processor.Settings) (*telemetry, error) {
	m := set.TelemetrySettings.MeterProvider.Meter(metadata.ScopeName)
	idAttr := attribute.String("processor", set.ID.String())
	t := &telemetry{meter: m, id: metric.WithAttributeSet(attribute.NewSet(idAttr))}
	var errs [5]error
	t.tagged, errs[0] = m.Int64Counter("otelcol_processor_pattern_records_tagged",
		metric.WithDescription("Log records tagged with a pattern."), metric.WithUnit("{record}"))
	t.created, errs[1] = m.Int64Counter("otelcol_processor_pattern_new_patterns",
		metric.WithDescription("Patterns created; its rate is new patterns per second."), metric.WithUnit("{pattern}"))
	t.evicted, errs[2] = m.Int64Counter("otelcol_processor_pattern_evictions",
		metric.WithDescription("Patterns forgotten at max_patterns, max_memory_mib or with their partition (least recently used first)."),
		metric.WithUnit("{pattern}"))
	t.partitions, errs[3] = m.Int64Counter("otelcol_processor_pattern_partitions_evicted",
		metric.WithDescription("Partitions reclaimed at max_partitions or max_memory_mib (least recently used first)."),
		metric.WithUnit("{partition}"))
	t.special, errs[4] = m.Int64Counter("otelcol_processor_pattern_special_records",
		metric.WithDescription("Records whose message was not mined as it came, by reason; they are still tagged."), metric.WithUnit("{record}"))
	for i, r := range reasonNames {
		t.reasons[i] = metric.WithAttributeSet(attribute.NewSet(idAttr, attribute.String("reason", r)))
	}
	return t, errors.Join(errs[:]...)
}

func (t *telemetry) record(ctx context.Context, s *stats) {
	for _, c := range []struct {
		counter metric.Int64Counter
		n       int
	}{{t.tagged, s.tagged}, {t.created, s.created}, {t.evicted, s.evicted}, {t.partitions, s.partitionsDropped}} {
		if c.n > 0 {
			c.counter.Add(ctx, int64(c.n), t.id)
		}
	}
	for i, n := range s.reasons {
		if n > 0 {
			t.special.Add(ctx, int64(n), t.reasons[i])
		}
	}
}

// observe registers the gauges of what is held; stop unregisters them, so
// that a shut-down processor is no longer reachable from the meter.
func (t *telemetry) observe(usage func() (patterns, bytes int)) error {
	active, err1 := t.meter.Int64ObservableGauge("otelcol_processor_pattern_active_patterns",
		metric.WithDescription("Patterns held, over all partitions."), metric.WithUnit("{pattern}"))
	memory, err2 := t.meter.Int64ObservableGauge("otelcol_processor_pattern_memory",
		metric.WithDescription("Memory the patterns hold, estimated from their text (bounded by max_memory_mib)."),
		metric.WithUnit("By"))
	if err := errors.Join(err1, err2); err != nil {
		return err
	}
	reg, err := t.meter.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		n, b := usage()
		o.ObserveInt64(active, int64(n), t.id)
		o.ObserveInt64(memory, int64(b), t.id)
		return nil
	}, active, memory)
	t.reg = reg
	return err
}

func (t *telemetry) stop() {
	if t.reg != nil {
		_ = t.reg.Unregister()
		t.reg = nil
	}
}
