package bench

import (
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

func batch(ts ...pcommon.Timestamp) pmetric.Metrics {
	md := pmetric.NewMetrics()
	dps := md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty().Metrics().AppendEmpty().SetEmptyGauge().DataPoints()
	for _, t := range ts {
		dps.AppendEmpty().SetTimestamp(t)
	}
	return md
}

// Two batches made in the same millisecond must not share a timestamp;
// within a batch the spacing is kept; a later batch is left alone.
func TestRestamp(t *testing.T) {
	ms := pcommon.Timestamp(time.Millisecond)
	var r restamper
	first, second, later := batch(1000*ms, 1001*ms), batch(1000*ms, 1001*ms), batch(2000*ms)
	r.restamp(first)
	r.restamp(second)
	r.restamp(later)
	pts := func(md pmetric.Metrics) []pcommon.Timestamp {
		var out []pcommon.Timestamp
		dps := md.ResourceMetrics().At(0).ScopeMetrics().At(0).Metrics().At(0).Gauge().DataPoints()
		for i := range dps.Len() {
			out = append(out, dps.At(i).Timestamp())
		}
		return out
	}
	if got := pts(first); got[0] != 1000*ms || got[1] != 1001*ms {
		t.Errorf("first batch moved: %v", got)
	}
	if got := pts(second); got[0] != 1002*ms || got[1] != 1003*ms {
		t.Errorf("second batch = %v, want 1002 ms and 1003 ms", got)
	}
	if got := pts(later); got[0] != 2000*ms {
		t.Errorf("later batch moved: %v", got)
	}
}
