// Package loadgenreceiver generates realistic traces, logs and metrics at a
// configured rate. It is otelhub's load source for the testbed and demos.
package loadgenreceiver

import (
	"context"
	"fmt"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/receiver"

	"github.com/otelhub/otelhub/receiver/loadgenreceiver/internal/metadata"
)

// NewFactory returns the loadgen receiver's factory.
func NewFactory() receiver.Factory {
	return receiver.NewFactory(metadata.Type, createDefaultConfig,
		receiver.WithTraces(createTraces, metadata.TracesStability),
		receiver.WithMetrics(createMetrics, metadata.MetricsStability),
		receiver.WithLogs(createLogs, metadata.LogsStability),
	)
}

// Each signal draws from its own random stream, so that adding a signal to
// a config does not change another signal's data.
const (
	streamTraces uint64 = iota + 1
	streamMetrics
	streamLogs
)

func newLoadgen(set receiver.Settings, cfg component.Config, signal string, stream uint64) (*loadgen, *generator, error) {
	c := cfg.(*Config)
	if !c.generates(signal) {
		return nil, nil, fmt.Errorf("loadgen receiver %q is in a %s pipeline, but its signals do not list %s", set.ID, signal, signal)
	}
	tel, err := newTelemetry(set, signal)
	if err != nil {
		return nil, nil, err
	}
	l := &loadgen{cfg: c, signal: signal, logger: set.Logger, tel: tel}
	return l, newGenerator(c.Seed, stream, c.Services), nil
}

// observed makes an emitFunc that builds a payload with build and hands it
// to consume inside a receiverhelper operation (start/end), so that the
// standard accepted/refused metrics count it.
func observed[T any](build func(int) T, consume func(context.Context, T) error,
	start func(context.Context) context.Context, end func(context.Context, string, int, error)) emitFunc {
	return func(n int) func(context.Context) error {
		payload := build(n)
		return func(ctx context.Context) error {
			ctx = start(ctx)
			err := consume(ctx, payload)
			end(ctx, "loadgen", n, err)
			return err
		}
	}
}

func createTraces(_ context.Context, set receiver.Settings, cfg component.Config, next consumer.Traces) (receiver.Traces, error) {
	l, g, err := newLoadgen(set, cfg, signalTraces, streamTraces)
	if err != nil {
		return nil, err
	}
	l.emit = observed(g.traces, next.ConsumeTraces, l.tel.obs.StartTracesOp, l.tel.obs.EndTracesOp)
	return l, nil
}

func createLogs(_ context.Context, set receiver.Settings, cfg component.Config, next consumer.Logs) (receiver.Logs, error) {
	l, g, err := newLoadgen(set, cfg, signalLogs, streamLogs)
	if err != nil {
		return nil, err
	}
	l.emit = observed(g.logs, next.ConsumeLogs, l.tel.obs.StartLogsOp, l.tel.obs.EndLogsOp)
	return l, nil
}

func createMetrics(_ context.Context, set receiver.Settings, cfg component.Config, next consumer.Metrics) (receiver.Metrics, error) {
	l, g, err := newLoadgen(set, cfg, signalMetrics, streamMetrics)
	if err != nil {
		return nil, err
	}
	l.emit = observed(newMetricsGen(g).metrics, next.ConsumeMetrics, l.tel.obs.StartMetricsOp, l.tel.obs.EndMetricsOp)
	return l, nil
}
