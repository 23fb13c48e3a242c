package semconvprocessor

import (
	"context"
	"sync"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/otelhub/otelhub/processor/semconvprocessor/internal/metadata"
	"github.com/otelhub/otelhub/processor/semconvprocessor/internal/registry"
)

// semconvChecker checks telemetry as it passes. The registry and settings
// are read-only after start; each call takes a checker (its scratch space)
// from a pool, so concurrent consumers never share state.
type semconvChecker struct {
	checkers  sync.Pool
	findings  metric.Int64Counter
	cut       metric.Int64Counter
	attrs     [numKinds]metric.MeasurementOption
	cutCount  metric.MeasurementOption
	cutLength metric.MeasurementOption
}

func newSemconvChecker(cfg *Config, set processor.Settings, reg *registry.Registry) (*semconvChecker, error) {
	m := set.TelemetrySettings.MeterProvider.Meter(metadata.ScopeName)
	findings, err := m.Int64Counter("otelcol_processor_semconv_findings",
		metric.WithDescription("Semantic-convention findings, by finding id and level."), metric.WithUnit("{finding}"))
	if err != nil {
		return nil, err
	}
	cut, err := m.Int64Counter("otelcol_processor_semconv_annotations_cut",
		metric.WithDescription("Annotation entries left out (reason=max_annotations) or shortened (reason=max_annotation_key_length)."),
		metric.WithUnit("{entry}"))
	if err != nil {
		return nil, err
	}
	p := &semconvChecker{findings: findings, cut: cut}
	p.checkers.New = func() any { return newChecker(cfg, reg) }
	proc := attribute.String("processor", set.ID.String())
	for i, id := range findingIDs {
		p.attrs[i] = metric.WithAttributeSet(attribute.NewSet(proc,
			attribute.String("finding", id), attribute.String("level", levels[id])))
	}
	p.cutCount = metric.WithAttributeSet(attribute.NewSet(proc, attribute.String("reason", "max_annotations")))
	p.cutLength = metric.WithAttributeSet(attribute.NewSet(proc, attribute.String("reason", "max_annotation_key_length")))
	return p, nil
}

func (p *semconvChecker) record(ctx context.Context, n *counts) {
	for i, v := range n.findings {
		if v > 0 {
			p.findings.Add(ctx, int64(v), p.attrs[i])
		}
	}
	if n.cutCount > 0 {
		p.cut.Add(ctx, int64(n.cutCount), p.cutCount)
	}
	if n.cutLength > 0 {
		p.cut.Add(ctx, int64(n.cutLength), p.cutLength)
	}
}

// spanKinds names ptrace span kinds as the model's span_kind does.
var spanKinds = [...]string{ptrace.SpanKindUnspecified: "", ptrace.SpanKindInternal: "internal",
	ptrace.SpanKindServer: "server", ptrace.SpanKindClient: "client",
	ptrace.SpanKindProducer: "producer", ptrace.SpanKindConsumer: "consumer"}

func kindName(k ptrace.SpanKind) string {
	if int(k) >= 0 && int(k) < len(spanKinds) {
		return spanKinds[k]
	}
	return ""
}

func (p *semconvChecker) processTraces(ctx context.Context, td ptrace.Traces) (ptrace.Traces, error) {
	c := p.checkers.Get().(*checker)
	defer p.checkers.Put(c)
	var n counts
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		rs := rss.At(i)
		c.checkMap(rs.Resource().Attributes(), &n)
		sss := rs.ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			spans := sss.At(j).Spans()
			for k := 0; k < spans.Len(); k++ {
				span := spans.At(k)
				attrs := span.Attributes()
				c.scan(attrs)
				if len(c.anchors) > 0 {
					c.spanRequired(attrs, kindName(span.Kind()))
				}
				c.settle(attrs, &n)
				events := span.Events()
				for e := 0; e < events.Len(); e++ {
					ev := events.At(e)
					c.checkRecord(ev.Attributes(), ev.Name(), &n)
				}
			}
		}
	}
	p.record(ctx, &n)
	return td, nil
}

func (p *semconvChecker) processLogs(ctx context.Context, ld plog.Logs) (plog.Logs, error) {
	c := p.checkers.Get().(*checker)
	defer p.checkers.Put(c)
	var n counts
	rls := ld.ResourceLogs()
	for i := 0; i < rls.Len(); i++ {
		rl := rls.At(i)
		c.checkMap(rl.Resource().Attributes(), &n)
		sls := rl.ScopeLogs()
		for j := 0; j < sls.Len(); j++ {
			lrs := sls.At(j).LogRecords()
			for k := 0; k < lrs.Len(); k++ {
				lr := lrs.At(k)
				c.checkRecord(lr.Attributes(), lr.EventName(), &n)
			}
		}
	}
	p.record(ctx, &n)
	return ld, nil
}

// checkRecord checks a log record's (or span event's) attributes and,
// for a named event of the model, the attributes it requires.
func (c *checker) checkRecord(attrs pcommon.Map, event string, n *counts) {
	c.scan(attrs)
	if event != "" {
		c.missing(attrs, c.reg.RequiredForEvent(event))
	}
	c.settle(attrs, n)
}

func (p *semconvChecker) processMetrics(ctx context.Context, md pmetric.Metrics) (pmetric.Metrics, error) {
	c := p.checkers.Get().(*checker)
	defer p.checkers.Put(c)
	var n counts
	rms := md.ResourceMetrics()
	for i := 0; i < rms.Len(); i++ {
		rm := rms.At(i)
		// A resource of metrics is not annotated: some backends make its
		// attributes labels of every series.
		c.scan(rm.Resource().Attributes())
		c.annotated = c.annotated[:0]
		c.apply(rm.Resource().Attributes(), &n)
		sms := rm.ScopeMetrics()
		for j := 0; j < sms.Len(); j++ {
			ms := sms.At(j).Metrics()
			for k := 0; k < ms.Len(); k++ {
				c.checkMetric(ms.At(k), &n)
			}
		}
	}
	p.record(ctx, &n)
	return md, nil
}
