package bench

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/exporter/otlphttpexporter"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/receiver/receivertest"

	"github.com/otelhub/otelhub/receiver/loadgenreceiver"
)

// target is what the loadgen receiver feeds: an in-process exporter, or
// the OTLP/HTTP driver of a child process.
type target struct {
	comp component.Component
	proc *Proc
}

func (r *Runner) startTarget(ctx context.Context, sc *Scenario, v Variant, path string) (*target, error) {
	host := componenttest.NewNopHost()
	if path == InProcess {
		c, err := v.Exporter(ctx, r.backend())
		if err != nil {
			return nil, err
		}
		return &target{comp: c}, c.Start(ctx, host)
	}
	p, err := v.Process(r.Env, r.backend())
	if err != nil {
		return nil, err
	}
	d, err := otlpDriver(ctx, sc.Signal, p.OTLPURL)
	if err == nil {
		err = d.Start(ctx, host)
	}
	if err != nil {
		p.Stop()
		return nil, err
	}
	return &target{comp: d, proc: p}, nil
}

// stopTarget shuts the exporter down (draining its queue) and, for a
// child, stops it and fills u with its resource usage.
func (r *Runner) stopTarget(ctx context.Context, t *target, u *Usage) error {
	err := t.comp.Shutdown(ctx)
	if t.proc != nil {
		usage := t.proc.Stop()
		if u != nil {
			*u = usage
		}
	}
	return err
}

// otlpDriver is core's otlphttp exporter posting to a peer's OTLP
// endpoint: the same client feeds every end-to-end variant.
func otlpDriver(ctx context.Context, signal, url string) (component.Component, error) {
	f := otlphttpexporter.NewFactory()
	cfg := f.CreateDefaultConfig().(*otlphttpexporter.Config)
	set := exportertest.NewNopSettings(f.Type())
	switch signal {
	case Metrics:
		cfg.MetricsEndpoint = url
		return f.CreateMetrics(ctx, set, cfg)
	case Logs:
		cfg.LogsEndpoint = url
		return f.CreateLogs(ctx, set, cfg)
	case Traces:
		cfg.TracesEndpoint = url
		return f.CreateTraces(ctx, set, cfg)
	}
	return nil, fmt.Errorf("unknown signal %q", signal)
}

// counter adds what the target accepted: items, and the sink units the
// scenario says they make (computed before the call, since some
// exporters modify the data they are given).
type counter struct {
	sc          *Scenario
	sent, units *atomic.Int64
}

func (k counter) count(ctx context.Context, items int, data any, consume func() error) error {
	n, err := k.sc.Units(data)
	if err != nil {
		return consumererror.NewPermanent(err)
	}
	if err := consume(); err != nil {
		return err
	}
	k.sent.Add(int64(items))
	k.units.Add(n)
	return nil
}

// startLoad starts a loadgen receiver that feeds the target through the
// counter.
func (r *Runner) startLoad(ctx context.Context, sc *Scenario, t *target, k counter) (component.Component, error) {
	f := loadgenreceiver.NewFactory()
	cfg := f.CreateDefaultConfig().(*loadgenreceiver.Config)
	cfg.Signals = []string{sc.Signal}
	cfg.Rate, cfg.BatchSize, cfg.Total, cfg.Services = r.Load.Rate, r.Load.BatchSize, r.Load.Items, r.Load.Services
	set := receivertest.NewNopSettings(f.Type())
	var rcv component.Component
	var err error
	switch sc.Signal {
	case Metrics:
		next, ok := t.comp.(consumer.Metrics)
		if !ok {
			return nil, errors.New("target is not a metrics consumer")
		}
		var rs restamper
		wrapped, _ := consumer.NewMetrics(func(ctx context.Context, md pmetric.Metrics) error {
			rs.restamp(md)
			return k.count(ctx, md.DataPointCount(), md, func() error { return next.ConsumeMetrics(ctx, md) })
		})
		rcv, err = f.CreateMetrics(ctx, set, cfg, wrapped)
	case Logs:
		next, ok := t.comp.(consumer.Logs)
		if !ok {
			return nil, errors.New("target is not a logs consumer")
		}
		var seq atomic.Int64
		wrapped, _ := consumer.NewLogs(func(ctx context.Context, ld plog.Logs) error {
			numberRecords(ld, &seq)
			return k.count(ctx, ld.LogRecordCount(), ld, func() error { return next.ConsumeLogs(ctx, ld) })
		})
		rcv, err = f.CreateLogs(ctx, set, cfg, wrapped)
	case Traces:
		next, ok := t.comp.(consumer.Traces)
		if !ok {
			return nil, errors.New("target is not a traces consumer")
		}
		wrapped, _ := consumer.NewTraces(func(ctx context.Context, td ptrace.Traces) error {
			return k.count(ctx, td.SpanCount(), td, func() error { return next.ConsumeTraces(ctx, td) })
		})
		rcv, err = f.CreateTraces(ctx, set, cfg, wrapped)
	default:
		return nil, fmt.Errorf("unknown signal %q", sc.Signal)
	}
	if err != nil {
		return nil, err
	}
	return rcv, rcv.Start(ctx, componenttest.NewNopHost())
}

// SeqAttribute numbers every log record the frame hands over. The loadgen
// receiver can make two identical records (same template, values and
// batch time), which a sink would count as one; with the number each is
// unique, and a resent record is still the same record.
const SeqAttribute = "testbed.seq"

func numberRecords(ld plog.Logs, seq *atomic.Int64) {
	for _, rl := range ld.ResourceLogs().All() {
		for _, sl := range rl.ScopeLogs().All() {
			for _, lr := range sl.LogRecords().All() {
				lr.Attributes().PutInt(SeqAttribute, seq.Add(1))
			}
		}
	}
}
