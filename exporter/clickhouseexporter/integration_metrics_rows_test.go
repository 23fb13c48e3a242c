package clickhouseexporter

import (
	"context"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/otelhub/otelhub/internal/testserver"
)

// pointRow is what every metrics table has, with floats as text so that
// NaN compares equal to NaN.
type pointRow struct {
	Res, Scope, Attrs map[string]string
	ScopeName         string
	Head              string // schema URLs, scope version and dropped count, description, unit, start, flags
	Service, Name     string
	Time              time.Time
	ExTimes           []time.Time
	ExValues          []string
	ExSpan, ExTrace   []string
	ExAttrs           []map[string]string
	Extra             string // the type's own columns, as text
}

// ftext is f as ClickHouse's toString writes it (for the small values
// used here).
func ftext(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

func ftexts(fs []float64) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, ftext(f))
	}
	return out
}

func strMap(m pcommon.Map) map[string]string {
	out := map[string]string{}
	for k, v := range m.All() {
		out[k] = v.AsString()
	}
	return out
}

func hexOrEmpty(b []byte, s string) string {
	for _, x := range b {
		if x != 0 {
			return s
		}
	}
	return ""
}

// oddMetrics interleaves all five types over three resources and
// several scopes, with 0 to 3 exemplars per point (some without
// attributes), NaN and infinities, empty buckets and quantiles.
func oddMetrics() pmetric.Metrics {
	md := pmetric.NewMetrics()
	n := 0
	next := func() pcommon.Timestamp {
		n++
		return pcommon.NewTimestampFromTime(t0.Add(time.Duration(n) * time.Millisecond))
	}
	odd := []float64{1.5, math.NaN(), math.Inf(1), math.Inf(-1), 0, -2}
	for r := range 3 {
		rm := md.ResourceMetrics().AppendEmpty()
		if r != 1 {
			rm.Resource().Attributes().PutStr("service.name", "svc-"+strconv.Itoa(r))
			rm.Resource().Attributes().PutInt("r", int64(r))
		}
		rm.SetSchemaUrl("https://r/" + strconv.Itoa(r))
		for sc := range r + 1 {
			sm := rm.ScopeMetrics().AppendEmpty()
			sm.Scope().SetName("scope-" + strconv.Itoa(sc))
			sm.Scope().SetVersion("v" + strconv.Itoa(sc))
			sm.Scope().SetDroppedAttributesCount(uint32(sc * 7))
			sm.SetSchemaUrl("https://s/" + strconv.Itoa(r*10+sc))
			if sc == 1 {
				sm.Scope().Attributes().PutStr("sk", "sv")
			}
			for k := range 5 {
				m := sm.Metrics().AppendEmpty()
				m.SetName("m-" + strconv.Itoa(k))
				m.SetDescription("d" + strconv.Itoa(r))
				m.SetUnit("{u" + strconv.Itoa(sc) + "}")
				for p := range 1 + (r+k)%3 {
					v := odd[(r+k+p)%len(odd)]
					var attrs pcommon.Map
					var ex pmetric.ExemplarSlice
					switch k {
					case 0:
						if p == 0 {
							m.SetEmptyGauge()
						}
						dp := m.Gauge().DataPoints().AppendEmpty()
						dp.SetTimestamp(next())
						dp.SetDoubleValue(v)
						attrs, ex = dp.Attributes(), dp.Exemplars()
					case 1:
						if p == 0 {
							m.SetEmptySum().SetIsMonotonic(r%2 == 0)
							m.Sum().SetAggregationTemporality(pmetric.AggregationTemporality(1 + r%2))
						}
						dp := m.Sum().DataPoints().AppendEmpty()
						dp.SetTimestamp(next())
						dp.SetIntValue(int64(r*10 - p))
						attrs, ex = dp.Attributes(), dp.Exemplars()
					case 2:
						if p == 0 {
							m.SetEmptyHistogram().SetAggregationTemporality(pmetric.AggregationTemporalityDelta)
						}
						dp := m.Histogram().DataPoints().AppendEmpty()
						dp.SetTimestamp(next())
						dp.SetCount(uint64(p))
						dp.SetSum(v)
						if p%2 == 1 {
							dp.BucketCounts().FromRaw([]uint64{uint64(p), 0, 7})
							dp.ExplicitBounds().FromRaw([]float64{v, 10})
							dp.SetMin(-v)
							dp.SetMax(v)
						}
						attrs, ex = dp.Attributes(), dp.Exemplars()
					case 3:
						if p == 0 {
							m.SetEmptyExponentialHistogram()
						}
						dp := m.ExponentialHistogram().DataPoints().AppendEmpty()
						dp.SetTimestamp(next())
						dp.SetScale(int32(p - 1))
						dp.SetZeroCount(uint64(r))
						dp.Positive().SetOffset(int32(-p))
						if p != 1 {
							dp.Positive().BucketCounts().FromRaw([]uint64{1, uint64(p)})
							dp.Negative().BucketCounts().FromRaw([]uint64{uint64(r)})
						}
						dp.Negative().SetOffset(int32(r))
						attrs, ex = dp.Attributes(), dp.Exemplars()
					default:
						if p == 0 {
							m.SetEmptySummary()
						}
						dp := m.Summary().DataPoints().AppendEmpty()
						dp.SetTimestamp(next())
						dp.SetCount(uint64(r + p))
						dp.SetSum(v)
						for q := range p {
							qv := dp.QuantileValues().AppendEmpty()
							qv.SetQuantile(float64(q) / 2)
							qv.SetValue(v)
						}
						attrs = dp.Attributes()
						ex = pmetric.NewExemplarSlice()
					}
					if p != 1 {
						attrs.PutStr("p", strconv.Itoa(p))
					}
					setStartAndFlags(m, p)
					for e := range (r + p) % 4 {
						x := ex.AppendEmpty()
						x.SetTimestamp(next())
						x.SetDoubleValue(odd[e])
						if e == 1 {
							x.SetTraceID(pcommon.TraceID{1, byte(n)})
							x.SetSpanID(pcommon.SpanID{2, byte(n)})
							x.FilteredAttributes().PutStr("ek", strconv.Itoa(n))
						}
					}
				}
			}
		}
	}
	return md
}

// setStartAndFlags sets point p's start time and flags, whatever its type.
func setStartAndFlags(m pmetric.Metric, p int) {
	start := pcommon.NewTimestampFromTime(t0.Add(-time.Duration(p+1) * time.Minute))
	flags := pmetric.DefaultDataPointFlags.WithNoRecordedValue(p%2 == 1)
	switch m.Type() {
	case pmetric.MetricTypeGauge:
		dp := m.Gauge().DataPoints().At(p)
		dp.SetStartTimestamp(start)
		dp.SetFlags(flags)
	case pmetric.MetricTypeSum:
		dp := m.Sum().DataPoints().At(p)
		dp.SetStartTimestamp(start)
		dp.SetFlags(flags)
	case pmetric.MetricTypeHistogram:
		dp := m.Histogram().DataPoints().At(p)
		dp.SetStartTimestamp(start)
		dp.SetFlags(flags)
	case pmetric.MetricTypeExponentialHistogram:
		dp := m.ExponentialHistogram().DataPoints().At(p)
		dp.SetStartTimestamp(start)
		dp.SetFlags(flags)
	case pmetric.MetricTypeSummary:
		dp := m.Summary().DataPoints().At(p)
		dp.SetStartTimestamp(start)
		dp.SetFlags(flags)
	}
}

// expectPoints derives each table's rows from md, keyed by table suffix.
func expectPoints(md pmetric.Metrics) map[string][]pointRow {
	out := map[string][]pointRow{}
	for _, rm := range md.ResourceMetrics().All() {
		res := strMap(rm.Resource().Attributes())
		for _, sm := range rm.ScopeMetrics().All() {
			for _, m := range sm.Metrics().All() {
				head := func(attrs pcommon.Map, start, ts pcommon.Timestamp, flags pmetric.DataPointFlags, ex pmetric.ExemplarSlice, extra string) pointRow {
					hd := strings.Join([]string{rm.SchemaUrl(), sm.Scope().Version(), strconv.Itoa(int(sm.Scope().DroppedAttributesCount())),
						sm.SchemaUrl(), m.Description(), m.Unit(), strconv.FormatInt(start.AsTime().UnixNano(), 10),
						strconv.Itoa(int(flags))}, "|")
					row := pointRow{Head: hd, Res: res, Scope: strMap(sm.Scope().Attributes()), Attrs: strMap(attrs),
						ScopeName: sm.Scope().Name(), Service: res["service.name"], Name: m.Name(), Time: ts.AsTime(),
						ExTimes: []time.Time{}, ExValues: []string{}, ExSpan: []string{}, ExTrace: []string{},
						ExAttrs: []map[string]string{}, Extra: extra}
					for _, x := range ex.All() {
						tid, sid := x.TraceID(), x.SpanID()
						row.ExTimes = append(row.ExTimes, x.Timestamp().AsTime())
						row.ExValues = append(row.ExValues, ftext(x.DoubleValue()))
						row.ExTrace = append(row.ExTrace, hexOrEmpty(tid[:], tid.String()))
						row.ExSpan = append(row.ExSpan, hexOrEmpty(sid[:], sid.String()))
						row.ExAttrs = append(row.ExAttrs, strMap(x.FilteredAttributes()))
					}
					return row
				}
				switch m.Type() {
				case pmetric.MetricTypeGauge:
					for _, dp := range m.Gauge().DataPoints().All() {
						out["_gauge"] = append(out["_gauge"], head(dp.Attributes(), dp.StartTimestamp(), dp.Timestamp(), dp.Flags(), dp.Exemplars(), ftext(dp.DoubleValue())))
					}
				case pmetric.MetricTypeSum:
					for _, dp := range m.Sum().DataPoints().All() {
						extra := ftext(float64(dp.IntValue())) + " " + strconv.Itoa(int(m.Sum().AggregationTemporality())) + " " + strconv.FormatBool(m.Sum().IsMonotonic())
						out["_sum"] = append(out["_sum"], head(dp.Attributes(), dp.StartTimestamp(), dp.Timestamp(), dp.Flags(), dp.Exemplars(), extra))
					}
				case pmetric.MetricTypeHistogram:
					for _, dp := range m.Histogram().DataPoints().All() {
						extra := strconv.FormatUint(dp.Count(), 10) + " " + ftext(dp.Sum()) + " " + fmtU(dp.BucketCounts().AsRaw()) +
							" " + fmtF(dp.ExplicitBounds().AsRaw()) + " " + ftext(dp.Min()) + " " + ftext(dp.Max()) + " 1"
						out["_histogram"] = append(out["_histogram"], head(dp.Attributes(), dp.StartTimestamp(), dp.Timestamp(), dp.Flags(), dp.Exemplars(), extra))
					}
				case pmetric.MetricTypeExponentialHistogram:
					for _, dp := range m.ExponentialHistogram().DataPoints().All() {
						extra := strconv.Itoa(int(dp.Scale())) + " " + strconv.FormatUint(dp.ZeroCount(), 10) + " " +
							strconv.Itoa(int(dp.Positive().Offset())) + " " + fmtU(dp.Positive().BucketCounts().AsRaw()) + " " +
							strconv.Itoa(int(dp.Negative().Offset())) + " " + fmtU(dp.Negative().BucketCounts().AsRaw())
						out["_exponential_histogram"] = append(out["_exponential_histogram"], head(dp.Attributes(), dp.StartTimestamp(), dp.Timestamp(), dp.Flags(), dp.Exemplars(), extra))
					}
				case pmetric.MetricTypeSummary:
					for _, dp := range m.Summary().DataPoints().All() {
						var qs, vs []float64
						for _, q := range dp.QuantileValues().All() {
							qs, vs = append(qs, q.Quantile()), append(vs, q.Value())
						}
						extra := strconv.FormatUint(dp.Count(), 10) + " " + ftext(dp.Sum()) + " " + fmtF(qs) + " " + fmtF(vs)
						out["_summary"] = append(out["_summary"], head(dp.Attributes(), dp.StartTimestamp(), dp.Timestamp(), dp.Flags(), pmetric.NewExemplarSlice(), extra))
					}
				}
			}
		}
	}
	return out
}

func fmtU(us []uint64) string {
	s := "["
	for i, u := range us {
		if i > 0 {
			s += ","
		}
		s += strconv.FormatUint(u, 10)
	}
	return s + "]"
}

func fmtF(fs []float64) string {
	s := "["
	for i, f := range fs {
		if i > 0 {
			s += ","
		}
		s += ftext(f)
	}
	return s + "]"
}

// extraSQL is each table's own columns as the text expectPoints builds.
var extraSQL = map[string]string{
	"_gauge": `toString(Value)`,
	"_sum":   `concat(toString(Value), ' ', toString(AggregationTemporality), ' ', toString(IsMonotonic))`,
	"_histogram": `concat(toString(Count), ' ', toString(Sum), ' ', toString(BucketCounts), ' ', toString(ExplicitBounds),
		' ', toString(Min), ' ', toString(Max), ' ', toString(AggregationTemporality))`,
	"_exponential_histogram": `concat(toString(Scale), ' ', toString(ZeroCount), ' ', toString(PositiveOffset), ' ',
		toString(PositiveBucketCounts), ' ', toString(NegativeOffset), ' ', toString(NegativeBucketCounts))`,
	"_summary": `concat(toString(Count), ' ', toString(Sum), ' ', toString(ValueAtQuantiles.Quantile), ' ', toString(ValueAtQuantiles.Value))`,
}

func readPoints(t *testing.T, s *testserver.Server, suffix string) []pointRow {
	t.Helper()
	ex := `Exemplars.TimeUnix AS t, Exemplars.Value AS v, Exemplars.SpanId AS s, Exemplars.TraceId AS tr,
		Exemplars.FilteredAttributes AS a`
	if suffix == "_summary" {
		ex = `[]::Array(DateTime64(9)) AS t, []::Array(Float64) AS v, []::Array(String) AS s, []::Array(String) AS tr,
		[]::Array(Map(String, String)) AS a`
	}
	var raw []struct {
		Res       map[string]string   `ch:"ResourceAttributes"`
		Scope     map[string]string   `ch:"ScopeAttributes"`
		Attrs     map[string]string   `ch:"Attributes"`
		ScopeName string              `ch:"ScopeName"`
		Head      string              `ch:"head"`
		Service   string              `ch:"ServiceName"`
		Name      string              `ch:"MetricName"`
		Time      time.Time           `ch:"TimeUnix"`
		ExTimes   []time.Time         `ch:"t"`
		ExValues  []float64           `ch:"v"`
		ExSpan    []string            `ch:"s"`
		ExTrace   []string            `ch:"tr"`
		ExAttrs   []map[string]string `ch:"a"`
		Extra     string              `ch:"extra"`
	}
	q := `SELECT ResourceAttributes, ScopeAttributes, Attributes, ScopeName, ServiceName, MetricName, TimeUnix, ` +
		`concat(ResourceSchemaUrl, '|', ScopeVersion, '|', toString(ScopeDroppedAttrCount), '|', ScopeSchemaUrl, '|',
		MetricDescription, '|', MetricUnit, '|', toString(toUnixTimestamp64Nano(StartTimeUnix)), '|', toString(Flags)) AS head, ` +
		ex + `, ` + extraSQL[suffix] + ` AS extra FROM otel.otel_metrics` + suffix + ` ORDER BY TimeUnix`
	require.NoError(t, reader(t, s).Select(context.Background(), &raw, q), suffix)
	out := make([]pointRow, 0, len(raw))
	for _, r := range raw {
		row := pointRow{Head: r.Head, Res: r.Res, Scope: r.Scope, Attrs: r.Attrs, ScopeName: r.ScopeName, Service: r.Service,
			Name: r.Name, Time: r.Time.UTC(), ExTimes: []time.Time{}, ExValues: ftexts(r.ExValues), ExSpan: r.ExSpan,
			ExTrace: r.ExTrace, ExAttrs: r.ExAttrs, Extra: r.Extra}
		for _, x := range r.ExTimes {
			row.ExTimes = append(row.ExTimes, x.UTC())
		}
		out = append(out, row)
	}
	return out
}

// Every metric type, several rows each, over HTTP into ClickHouse 26.7:
// each stored row, field by field, is what pdata holds.
func TestIntegrationChDBMetricsRowByRow(t *testing.T) {
	s := testserver.ChDB(t)
	e := metricsExporter(t, chdbConfig(s))
	md := oddMetrics()
	require.NoError(t, e.ConsumeMetrics(context.Background(), md))
	tables := expectPoints(md)
	require.Len(t, tables, 5)
	for suffix, want := range tables {
		got := readPoints(t, s, suffix)
		require.Len(t, got, len(want), suffix)
		for i := range want {
			require.Equal(t, want[i], got[i], "%s row %d", suffix, i)
		}
	}
}
