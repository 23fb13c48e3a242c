// Package benchdata builds the inputs that benchmarks share, so that
// otelhub's own benchmarks and the testbed's side-by-side runs measure the
// same data.
package benchdata

import (
	"fmt"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

// Metrics is 1,000 series x 10 points: 10 resources with 8 attributes each
// x 100 series of gauges and cumulative counters with 3 point attributes.
func Metrics() pmetric.Metrics {
	md := pmetric.NewMetrics()
	start := time.Now().Add(-time.Hour)
	for r := range 10 {
		rm := md.ResourceMetrics().AppendEmpty()
		a := rm.Resource().Attributes()
		a.PutStr("service.name", fmt.Sprintf("svc-%d", r))
		a.PutStr("service.namespace", "shop")
		a.PutStr("service.instance.id", fmt.Sprintf("b5e4c3a2-%04d", r))
		a.PutStr("host.name", fmt.Sprintf("node-%02d", r))
		a.PutStr("deployment.environment.name", "production")
		a.PutStr("cloud.region", "eu-west-1")
		a.PutStr("k8s.namespace.name", "shop")
		a.PutStr("k8s.pod.name", fmt.Sprintf("svc-%d-7f9c", r))
		ms := rm.ScopeMetrics().AppendEmpty().Metrics()
		for m := range 10 {
			addMetric(ms.AppendEmpty(), m, start)
		}
	}
	return md
}

func addMetric(mt pmetric.Metric, m int, start time.Time) {
	mt.SetName(fmt.Sprintf("app.requests.%d", m))
	mt.SetUnit("{request}")
	var dps pmetric.NumberDataPointSlice
	if m%2 == 0 {
		dps = mt.SetEmptyGauge().DataPoints()
	} else {
		s := mt.SetEmptySum()
		s.SetIsMonotonic(true)
		s.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
		dps = s.DataPoints()
	}
	for s := range 10 {
		for p := range 10 {
			dp := dps.AppendEmpty()
			dp.SetTimestamp(pcommon.NewTimestampFromTime(start.Add(time.Duration(p) * 10 * time.Second)))
			dp.SetDoubleValue(float64(s*p) + 0.5)
			dp.Attributes().PutStr("http.route", fmt.Sprintf("/api/v1/items/%d", s))
			dp.Attributes().PutStr("http.request.method", "GET")
			dp.Attributes().PutInt("http.response.status_code", 200)
		}
	}
}
