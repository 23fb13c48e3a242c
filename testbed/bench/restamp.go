package bench

import (
	"sync"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

// restamper moves each metrics batch to a millisecond of its own. The
// loadgen receiver stamps a batch with the clock when it makes it, so two
// batches made within one millisecond carry the same (series, timestamp)
// samples, and a remote-write backend keeps only one of each: the sink
// could not tell a loss from an overwrite. Shifting every point of a batch
// by the same amount keeps the batch's own order.
type restamper struct {
	mu   sync.Mutex
	last pcommon.Timestamp // the latest point of the previous batch
}

func (r *restamper) restamp(md pmetric.Metrics) {
	lo, hi := bounds(md)
	if hi == 0 {
		return
	}
	r.mu.Lock()
	shift := pcommon.Timestamp(0)
	if floor := r.last + pcommon.Timestamp(time.Millisecond); lo < floor {
		shift = floor - lo
	}
	r.last = hi + shift
	r.mu.Unlock()
	if shift > 0 {
		eachPoint(md, func(ts pcommon.Timestamp) pcommon.Timestamp { return ts + shift })
	}
}

// bounds returns the earliest and latest point timestamps of md.
func bounds(md pmetric.Metrics) (lo, hi pcommon.Timestamp) {
	eachPoint(md, func(ts pcommon.Timestamp) pcommon.Timestamp {
		if lo == 0 || ts < lo {
			lo = ts
		}
		hi = max(hi, ts)
		return ts
	})
	return lo, hi
}

// eachPoint replaces every data point's timestamp with f's answer.
func eachPoint(md pmetric.Metrics, f func(pcommon.Timestamp) pcommon.Timestamp) {
	rms := md.ResourceMetrics()
	for i := range rms.Len() {
		sms := rms.At(i).ScopeMetrics()
		for j := range sms.Len() {
			ms := sms.At(j).Metrics()
			for k := range ms.Len() {
				eachMetricPoint(ms.At(k), f)
			}
		}
	}
}

func eachMetricPoint(m pmetric.Metric, f func(pcommon.Timestamp) pcommon.Timestamp) {
	switch m.Type() {
	case pmetric.MetricTypeGauge:
		for _, dp := range m.Gauge().DataPoints().All() {
			dp.SetTimestamp(f(dp.Timestamp()))
		}
	case pmetric.MetricTypeSum:
		for _, dp := range m.Sum().DataPoints().All() {
			dp.SetTimestamp(f(dp.Timestamp()))
		}
	case pmetric.MetricTypeHistogram:
		for _, dp := range m.Histogram().DataPoints().All() {
			dp.SetTimestamp(f(dp.Timestamp()))
		}
	case pmetric.MetricTypeExponentialHistogram:
		for _, dp := range m.ExponentialHistogram().DataPoints().All() {
			dp.SetTimestamp(f(dp.Timestamp()))
		}
	case pmetric.MetricTypeSummary:
		for _, dp := range m.Summary().DataPoints().All() {
			dp.SetTimestamp(f(dp.Timestamp()))
		}
	}
}
