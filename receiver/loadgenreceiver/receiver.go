package loadgenreceiver

import (
	"context"
	"errors"
	"sync"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/receiver"
	"go.opentelemetry.io/collector/receiver/receiverhelper"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"

	"github.com/otelhub/otelhub/receiver/loadgenreceiver/internal/metadata"
)

// emitFunc builds n items and returns a function that hands them to the
// pipeline. Retrying calls the returned function again on the same data.
type emitFunc func(n int) func(context.Context) error

// loadgen runs one signal's generation loop.
type loadgen struct {
	cfg    *Config
	signal string
	emit   emitFunc
	logger *zap.Logger
	tel    *telemetry

	cancel context.CancelFunc
	done   sync.WaitGroup
}

// telemetry is the receiver's own metrics, beside receiverhelper's standard
// accepted/refused counters.
type telemetry struct {
	obs       *receiverhelper.ObsReport
	generated metric.Int64Counter
	refused   metric.Int64Counter
	attrs     metric.MeasurementOption
}

func newTelemetry(set receiver.Settings, signal string) (*telemetry, error) {
	obs, err := receiverhelper.NewObsReport(receiverhelper.ObsReportSettings{
		ReceiverID: set.ID, Transport: "loadgen", ReceiverCreateSettings: set,
	})
	if err != nil {
		return nil, err
	}
	meter := set.TelemetrySettings.MeterProvider.Meter(metadata.ScopeName)
	generated, err1 := meter.Int64Counter("otelcol_loadgen_generated_items",
		metric.WithDescription("Items (spans, log records, data points) accepted by the pipeline."),
		metric.WithUnit("{item}"))
	refused, err2 := meter.Int64Counter("otelcol_loadgen_refused_items",
		metric.WithDescription("Items the pipeline refused; they are offered again after a backoff."),
		metric.WithUnit("{item}"))
	if err := errors.Join(err1, err2); err != nil {
		return nil, err
	}
	return &telemetry{
		obs: obs, generated: generated, refused: refused,
		attrs: metric.WithAttributeSet(attribute.NewSet(
			attribute.String("receiver", set.ID.String()), attribute.String("signal", signal))),
	}, nil
}

func (l *loadgen) Start(_ context.Context, _ component.Host) error {
	ctx, cancel := context.WithCancel(context.Background())
	l.cancel = cancel
	l.done.Add(1)
	go func() {
		defer l.done.Done()
		l.run(ctx)
	}()
	return nil
}

func (l *loadgen) Shutdown(context.Context) error {
	if l.cancel != nil {
		l.cancel()
	}
	l.done.Wait()
	return nil
}

// run generates batches until Total items were accepted or ctx ends.
func (l *loadgen) run(ctx context.Context) {
	pace := newPacer(l.cfg.Rate, time.Now())
	var sent int64
	for ctx.Err() == nil {
		n := int64(l.cfg.BatchSize)
		if l.cfg.Total > 0 {
			n = min(n, l.cfg.Total-sent)
			if n == 0 {
				l.logger.Info("loadgen reached its total", zap.String("signal", l.signal), zap.Int64("items", sent))
				return
			}
		}
		if !pace.wait(ctx, sent) {
			return
		}
		if !l.deliver(ctx, l.emit(int(n)), n) {
			return
		}
		sent += n
	}
}

// deliver offers one batch until the pipeline accepts it, backing off while
// it refuses (e.g. memory_limiter). It reports false when ctx ends first.
func (l *loadgen) deliver(ctx context.Context, send func(context.Context) error, n int64) bool {
	backoff := 10 * time.Millisecond
	for {
		err := send(ctx)
		if err == nil {
			l.tel.generated.Add(ctx, n, l.tel.attrs)
			return true
		}
		l.tel.refused.Add(ctx, n, l.tel.attrs)
		l.logger.Debug("pipeline refused a batch; retrying", zap.String("signal", l.signal), zap.Error(err))
		select {
		case <-ctx.Done():
			return false
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, time.Second)
	}
}

// pacer spaces batches so that the item rate holds on average, without
// drifting when one send is slow.
type pacer struct {
	rate  float64
	start time.Time
}

func newPacer(rate float64, start time.Time) pacer { return pacer{rate: rate, start: start} }

// wait sleeps until the moment item number sent is due.
func (p pacer) wait(ctx context.Context, sent int64) bool {
	if p.rate == 0 {
		return ctx.Err() == nil
	}
	due := p.start.Add(time.Duration(float64(sent) / p.rate * float64(time.Second)))
	d := time.Until(due)
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
