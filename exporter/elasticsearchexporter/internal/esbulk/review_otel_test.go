package esbulk

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

// Expected values are Elasticsearch's otel-data templates
// (x-pack/plugin/otel-data: index patterns "logs-*.otel-*" and
// "metrics-*.otel-*"; metrics-otel@mappings' dynamic templates
// gauge_long, gauge_double, counter_long, counter_double, histogram,
// summary; its _metric_names_hash dimension, the workaround for
// elasticsearch#99123).

func actionOf(t *testing.T, b *Batch, i int) map[string]any {
	t.Helper()
	d := b.Docs[i]
	var m map[string]map[string]any
	require.NoError(t, json.Unmarshal(bytes.TrimSpace(b.Buf[d.Start:d.Src]), &m))
	return m["create"]
}

func TestReviewOTelDatasetMatchesTheOTelTemplates(t *testing.T) {
	ld := plog.NewLogs()
	lr := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	lr.Attributes().PutStr("data_stream.dataset", "nginx")
	lr2 := ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().AppendEmpty()
	lr2.Attributes().PutStr("data_stream.dataset", "app.otel")
	var b Batch
	NewEncoder(Options{}).EncodeLogs(&b, ld, 1)
	_, docs := lines(t, &b)
	assert.Equal(t, "logs-nginx.otel-default", actionOf(t, &b, 0)["_index"])
	assert.Equal(t, "nginx.otel", docs[0]["data_stream"].(map[string]any)["dataset"])
	assert.Equal(t, "logs-app.otel-default", actionOf(t, &b, 1)["_index"])

	b.Reset()
	NewEncoder(Options{Mode: ModeECS}).EncodeLogs(&b, ld, 1)
	assert.Equal(t, "logs-nginx-default", actionOf(t, &b, 0)["_index"], "ecs keeps the dataset")
}

func TestReviewOTelMetricsDynamicTemplatesAndNamesHash(t *testing.T) {
	md := pmetric.NewMetrics()
	ms := md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty().Metrics()
	add := func(name string) pmetric.Metric {
		m := ms.AppendEmpty()
		m.SetName(name)
		return m
	}
	add("g.int").SetEmptyGauge().DataPoints().AppendEmpty().SetIntValue(1)
	add("g.dbl").SetEmptyGauge().DataPoints().AppendEmpty().SetDoubleValue(1.5)
	c := add("c").SetEmptySum()
	c.SetIsMonotonic(true)
	c.DataPoints().AppendEmpty().SetIntValue(3)
	cd := add("cd").SetEmptySum()
	cd.SetIsMonotonic(true)
	cd.DataPoints().AppendEmpty().SetDoubleValue(3.5)
	add("updown").SetEmptySum().DataPoints().AppendEmpty().SetIntValue(-2)
	h := add("h").SetEmptyHistogram().DataPoints().AppendEmpty()
	h.BucketCounts().FromRaw([]uint64{1})
	add("eh").SetEmptyExponentialHistogram().DataPoints().AppendEmpty().SetZeroCount(1)
	add("s").SetEmptySummary().DataPoints().AppendEmpty().SetCount(1)
	// a second document, same dimensions and time, other metric set
	add("other").SetEmptyGauge().DataPoints().AppendEmpty().SetIntValue(1)
	add("other").SetEmptyGauge().DataPoints().AppendEmpty().SetIntValue(2)

	var b Batch
	NewEncoder(Options{}).EncodeMetrics(&b, md)
	requireStrict(t, &b)
	_, docs := lines(t, &b)
	require.Len(t, docs, 2)
	assert.Equal(t, map[string]any{
		"metrics.g.int": "gauge_long", "metrics.g.dbl": "gauge_double",
		"metrics.c": "counter_long", "metrics.cd": "counter_double", "metrics.updown": "gauge_long",
		"metrics.h": "histogram", "metrics.eh": "histogram", "metrics.s": "summary", "metrics.other": "gauge_long",
	}, actionOf(t, &b, 0)["dynamic_templates"])
	assert.Equal(t, map[string]any{"metrics.other": "gauge_long"}, actionOf(t, &b, 1)["dynamic_templates"])
	h0, _ := docs[0]["_metric_names_hash"].(string)
	h1, _ := docs[1]["_metric_names_hash"].(string)
	assert.NotEmpty(t, h0)
	assert.NotEmpty(t, h1)
	assert.NotEqual(t, h0, h1, "same dimensions and time, other metrics: other TSDB _id")

	// The hash depends on the set of names, not their order.
	md2 := pmetric.NewMetrics()
	ms2 := md2.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty().Metrics()
	for i := ms.Len() - 2; i >= 0; i-- { // the first document's metrics, reversed
		ms.At(i).CopyTo(ms2.AppendEmpty())
	}
	b.Reset()
	NewEncoder(Options{}).EncodeMetrics(&b, md2)
	_, docs = lines(t, &b)
	assert.Equal(t, h0, docs[0]["_metric_names_hash"])

	b.Reset()
	NewEncoder(Options{Mode: ModeECS}).EncodeMetrics(&b, md)
	assert.Nil(t, actionOf(t, &b, 0)["dynamic_templates"], "only otel mode targets the otel templates")
}
