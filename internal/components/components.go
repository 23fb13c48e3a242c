// Package components lists the factories of the full otelhub distribution,
// as builder-config.yaml declares them, so that tests can load and validate
// the shipped configs without running ocb. A test keeps the two in step.
package components

import (
	"github.com/open-telemetry/opentelemetry-collector-contrib/extension/bearertokenauthextension"
	"github.com/open-telemetry/opentelemetry-collector-contrib/extension/healthcheckextension"
	"github.com/open-telemetry/opentelemetry-collector-contrib/extension/pprofextension"
	"github.com/open-telemetry/opentelemetry-collector-contrib/extension/storage/filestorage"
	"github.com/open-telemetry/opentelemetry-collector-contrib/processor/cumulativetodeltaprocessor"
	"github.com/open-telemetry/opentelemetry-collector-contrib/processor/deltatocumulativeprocessor"
	"github.com/open-telemetry/opentelemetry-collector-contrib/processor/resourceprocessor"
	"github.com/open-telemetry/opentelemetry-collector-contrib/receiver/filelogreceiver"
	"github.com/open-telemetry/opentelemetry-collector-contrib/receiver/prometheusreceiver"
	"go.opentelemetry.io/collector/connector"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/debugexporter"
	"go.opentelemetry.io/collector/exporter/otlpexporter"
	"go.opentelemetry.io/collector/exporter/otlphttpexporter"
	"go.opentelemetry.io/collector/extension"
	"go.opentelemetry.io/collector/extension/zpagesextension"
	"go.opentelemetry.io/collector/otelcol"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/batchprocessor"
	"go.opentelemetry.io/collector/processor/memorylimiterprocessor"
	"go.opentelemetry.io/collector/receiver"
	"go.opentelemetry.io/collector/receiver/otlpreceiver"
	"go.opentelemetry.io/collector/service/telemetry/otelconftelemetry"

	"github.com/otelhub/otelhub/exporter/elasticsearchexporter"
	"github.com/otelhub/otelhub/exporter/jsonlfileexporter"
	"github.com/otelhub/otelhub/exporter/victoriametricsexporter"
	"github.com/otelhub/otelhub/processor/patternprocessor"
	"github.com/otelhub/otelhub/processor/semconvprocessor"
	"github.com/otelhub/otelhub/receiver/loadgenreceiver"
)

// Receivers of the full distribution.
var Receivers = []func() receiver.Factory{
	loadgenreceiver.NewFactory,
	otlpreceiver.NewFactory,
	filelogreceiver.NewFactory,
	prometheusreceiver.NewFactory,
}

// Processors of the full distribution.
var Processors = []func() processor.Factory{
	semconvprocessor.NewFactory,
	patternprocessor.NewFactory,
	batchprocessor.NewFactory,
	memorylimiterprocessor.NewFactory,
	resourceprocessor.NewFactory,
	cumulativetodeltaprocessor.NewFactory,
	deltatocumulativeprocessor.NewFactory,
}

// Exporters of the full distribution.
var Exporters = []func() exporter.Factory{
	victoriametricsexporter.NewFactory,
	elasticsearchexporter.NewFactory,
	jsonlfileexporter.NewFactory,
	debugexporter.NewFactory,
	otlpexporter.NewFactory,
	otlphttpexporter.NewFactory,
}

// Extensions of the full distribution.
var Extensions = []func() extension.Factory{
	zpagesextension.NewFactory,
	healthcheckextension.NewFactory,
	pprofextension.NewFactory,
	bearertokenauthextension.NewFactory,
	filestorage.NewFactory,
}

// Factories returns the full distribution's factories.
func Factories() (otelcol.Factories, error) {
	var f otelcol.Factories
	var err error
	if f.Receivers, err = otelcol.MakeFactoryMap(build(Receivers)...); err != nil {
		return f, err
	}
	if f.Processors, err = otelcol.MakeFactoryMap(build(Processors)...); err != nil {
		return f, err
	}
	if f.Exporters, err = otelcol.MakeFactoryMap(build(Exporters)...); err != nil {
		return f, err
	}
	if f.Extensions, err = otelcol.MakeFactoryMap(build(Extensions)...); err != nil {
		return f, err
	}
	f.Connectors, err = otelcol.MakeFactoryMap[connector.Factory]()
	f.Telemetry = otelconftelemetry.NewFactory()
	return f, err
}

func build[F any](news []func() F) []F {
	out := make([]F, len(news))
	for i, n := range news {
		out[i] = n()
	}
	return out
}
