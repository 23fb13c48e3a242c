package scenarios

import (
	"context"
	"fmt"
	"path/filepath"

	prw "github.com/open-telemetry/opentelemetry-collector-contrib/exporter/prometheusremotewriteexporter"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/pdata/pmetric"

	vm "github.com/otelhub/otelhub/exporter/victoriametricsexporter"
	"github.com/otelhub/otelhub/testbed/bench"
)

// VictoriaMetrics: otelhub's victoriametrics exporter against contrib's
// prometheusremotewrite exporter in process, and against vmagent end to
// end, all writing Prometheus remote write into the same counting sink.
// Every variant runs with its default configuration, endpoint aside.
func init() {
	bench.Register(&bench.Scenario{
		Name:     "victoriametrics",
		Signal:   bench.Metrics,
		SinkKind: "remotewrite",
		Units:    remoteWriteSamples,
		Variants: []bench.Variant{
			{Name: "otelhub", Role: bench.Ours, Exporter: otelhubVM, Process: otelhubVMProc},
			{Name: "contrib-prw", Role: bench.Twin, Exporter: contribPRW},
			{Name: "vmagent", Role: bench.Peer, Process: vmagent},
		},
	})
}

func otelhubVM(ctx context.Context, b bench.Backend) (component.Component, error) {
	f := vm.NewFactory()
	cfg := f.CreateDefaultConfig().(*vm.Config)
	cfg.Endpoint = b.URL
	cfg.Headers = b.HTTPHeaders()
	return f.CreateMetrics(ctx, exportertest.NewNopSettings(f.Type()), cfg)
}

func otelhubVMProc(env bench.Env, b bench.Backend) (*bench.Proc, error) {
	return bench.OtelhubProc(env, bench.Metrics, "victoriametrics", "    endpoint: "+b.URL)
}

func contribPRW(ctx context.Context, b bench.Backend) (component.Component, error) {
	f := prw.NewFactory()
	cfg := f.CreateDefaultConfig().(*prw.Config)
	cfg.ClientConfig.Endpoint = b.URL + "/api/v1/write"
	cfg.HTTP.Endpoint = b.URL + "/api/v1/write"
	cfg.ClientConfig.Headers = b.HTTPHeaders()
	cfg.HTTP.Headers = b.HTTPHeaders()
	return f.CreateMetrics(ctx, exportertest.NewNopSettings(f.Type()), cfg)
}

// VMAgentModule is the vmagent the e2e peer runs, installed into .tools/.
const VMAgentModule = "github.com/VictoriaMetrics/VictoriaMetrics/app/vmagent@v1.151.0"

func vmagent(env bench.Env, b bench.Backend) (*bench.Proc, error) {
	addr, err := bench.FreeAddr()
	if err != nil {
		return nil, err
	}
	bin, err := bench.Tool(env, "vmagent", VMAgentModule)
	if err != nil {
		return nil, err
	}
	return bench.StartProc(env, bin, []string{
		"-httpListenAddr=" + addr,
		"-remoteWrite.url=" + b.URL + "/api/v1/write",
		"-remoteWrite.tmpDataPath=" + filepath.Join(env.TempDir, "vmagent"),
		"-loggerLevel=WARN",
	}, "http://"+addr+"/opentelemetry/v1/metrics", "http://"+addr+"/health")
}

// remoteWriteSamples is how many remote write samples a batch becomes
// under Prometheus' classic exposition rules: one per gauge or sum point;
// per histogram point one _bucket per bound plus le="+Inf", _count, and
// _sum when it has one; per summary point one per quantile, _count, _sum.
// target_info is not counted (the sink skips it too).
func remoteWriteSamples(data any) (int64, error) {
	md, ok := data.(pmetric.Metrics)
	if !ok {
		return 0, fmt.Errorf("remote write counts metrics, got %T", data)
	}
	var n int64
	rms := md.ResourceMetrics()
	for i := range rms.Len() {
		sms := rms.At(i).ScopeMetrics()
		for j := range sms.Len() {
			ms := sms.At(j).Metrics()
			for k := range ms.Len() {
				c, err := metricSamples(ms.At(k))
				if err != nil {
					return 0, err
				}
				n += c
			}
		}
	}
	return n, nil
}

func metricSamples(m pmetric.Metric) (int64, error) {
	switch m.Type() {
	case pmetric.MetricTypeGauge:
		return int64(m.Gauge().DataPoints().Len()), nil
	case pmetric.MetricTypeSum:
		return int64(m.Sum().DataPoints().Len()), nil
	case pmetric.MetricTypeHistogram:
		var n int64
		dps := m.Histogram().DataPoints()
		for i := range dps.Len() {
			dp := dps.At(i)
			n += int64(dp.ExplicitBounds().Len()) + 2
			if dp.HasSum() {
				n++
			}
		}
		return n, nil
	case pmetric.MetricTypeSummary:
		var n int64
		dps := m.Summary().DataPoints()
		for i := range dps.Len() {
			n += int64(dps.At(i).QuantileValues().Len()) + 2
		}
		return n, nil
	}
	return 0, fmt.Errorf("metric %q: %s has no fixed remote write sample count", m.Name(), m.Type())
}
