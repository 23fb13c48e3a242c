package clickhouseexporter

import (
	"context"
	"errors"

	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelhub/otelhub/exporter/clickhouseexporter/internal/chcol"
	"github.com/otelhub/otelhub/exporter/clickhouseexporter/internal/schema"
)

func (e *chExporter) newBlock() any {
	switch e.signal {
	case signalLogs:
		return new(chcol.Logs)
	case signalTraces:
		return new(chcol.Traces)
	}
	return new(chcol.Metrics)
}

// notReady is the error of a push that found the schema unchecked
// (start could not reach the server) and could not check it now: an
// incompatible table drops the batch for good, counted; anything else is
// retried.
func (e *chExporter) notReady(ctx context.Context, err error, items int) error {
	if errors.Is(err, errIncompatible) {
		e.tel.recordDropped(ctx, "incompatible_schema", items)
		return permanentError(err)
	}
	return err
}

func (e *chExporter) pushLogs(ctx context.Context, ld plog.Logs) error {
	if err := e.ensureSchema(ctx); err != nil {
		return e.notReady(ctx, err, ld.LogRecordCount())
	}
	b := e.pool.Get().(*chcol.Logs)
	defer e.pool.Put(b)
	b.Reset()
	b.Fill(ld)
	if b.Rows() == 0 {
		return nil
	}
	return e.insert(ctx, e.tables[""], b.Columns(), b.Rows(), b.Token())
}

func (e *chExporter) pushTraces(ctx context.Context, td ptrace.Traces) error {
	if err := e.ensureSchema(ctx); err != nil {
		return e.notReady(ctx, err, td.SpanCount())
	}
	b := e.pool.Get().(*chcol.Traces)
	defer e.pool.Put(b)
	b.Reset()
	b.Fill(td)
	if b.Rows() == 0 {
		return nil
	}
	return e.insert(ctx, e.tables[""], b.Columns(), b.Rows(), b.Token())
}

// pushMetrics inserts each point type into its table, one insert per
// table. When some inserts fail and can be retried, only the metrics of
// those tables go back to the queue; each table's deduplication token
// depends on its own rows only, so the retry carries the same token.
func (e *chExporter) pushMetrics(ctx context.Context, md pmetric.Metrics) error {
	if err := e.ensureSchema(ctx); err != nil {
		return e.notReady(ctx, err, md.DataPointCount())
	}
	b := e.pool.Get().(*chcol.Metrics)
	defer e.pool.Put(b)
	b.Reset()
	b.Fill(md)
	if b.Empty > 0 {
		e.tel.recordDropped(ctx, "empty_metric_type", b.Empty)
	}
	parts := []struct {
		suffix string
		typ    pmetric.MetricType
		rows   int
		cols   func() []chcol.Col
		token  func() string
	}{
		{schema.Gauge.Suffix, pmetric.MetricTypeGauge, b.Gauge.Rows(), b.Gauge.GaugeColumns, b.Gauge.Token},
		{schema.Sum.Suffix, pmetric.MetricTypeSum, b.Sum.Rows(), b.Sum.SumColumns, b.Sum.Token},
		{schema.Histogram.Suffix, pmetric.MetricTypeHistogram, b.Histogram.Rows(), b.Histogram.Columns, b.Histogram.Token},
		{schema.ExpHistogram.Suffix, pmetric.MetricTypeExponentialHistogram, b.ExpHistogram.Rows(), b.ExpHistogram.Columns, b.ExpHistogram.Token},
		{schema.Summary.Suffix, pmetric.MetricTypeSummary, b.Summary.Rows(), b.Summary.Columns, b.Summary.Token},
	}
	var retry []error
	var retryTypes [8]bool
	for _, p := range parts {
		if p.rows == 0 {
			continue
		}
		err := e.insert(ctx, e.tables[p.suffix], p.cols(), p.rows, p.token())
		if err != nil && !consumererror.IsPermanent(err) {
			retry = append(retry, err)
			retryTypes[p.typ] = true
		}
	}
	if len(retry) == 0 {
		return nil // permanent failures are counted and dropped
	}
	return consumererror.NewMetrics(errors.Join(retry...), metricsOfTypes(md, retryTypes))
}

// metricsOfTypes is a copy of md with only the metrics of the given types.
func metricsOfTypes(md pmetric.Metrics, keep [8]bool) pmetric.Metrics {
	out := pmetric.NewMetrics()
	md.CopyTo(out)
	out.ResourceMetrics().RemoveIf(func(rm pmetric.ResourceMetrics) bool {
		rm.ScopeMetrics().RemoveIf(func(sm pmetric.ScopeMetrics) bool {
			sm.Metrics().RemoveIf(func(m pmetric.Metric) bool { return !keep[m.Type()] })
			return sm.Metrics().Len() == 0
		})
		return rm.ScopeMetrics().Len() == 0
	})
	return out
}
