package elasticsearchexporter

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/otelhub/otelhub/exporter/elasticsearchexporter/internal/metadata"
)

// testConfig is a config for endpoint with fast retries and no queue
// batching, so each ConsumeX is one push.
func testConfig(endpoint string) *Config {
	cfg := createDefaultConfig().(*Config)
	cfg.Endpoint = endpoint
	cfg.RetryConfig.InitialInterval = 10 * time.Millisecond
	cfg.RetryConfig.MaxInterval = 100 * time.Millisecond
	cfg.RetryConfig.MaxElapsedTime = time.Minute
	cfg.QueueConfig = configoptional.None[exporterhelper.QueueBatchConfig]()
	return cfg
}

// started creates and starts an exporter of cfg; tel, when set, receives
// its telemetry.
func startLogs(t *testing.T, cfg *Config, tel *componenttest.Telemetry) exporter.Logs {
	t.Helper()
	set := exportertest.NewNopSettings(metadata.Type)
	if tel != nil {
		set.TelemetrySettings = tel.NewTelemetrySettings()
	}
	exp, err := NewFactory().CreateLogs(context.Background(), set, cfg)
	require.NoError(t, err)
	require.NoError(t, exp.Start(context.Background(), componenttest.NewNopHost()))
	t.Cleanup(func() { require.NoError(t, exp.Shutdown(context.Background())) })
	return exp
}

// logBatch is n records "record <b>-<i>" with attribute log.id of the
// same value, for reading back by document id.
func logBatch(b, n int) plog.Logs {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", "estest")
	lrs := rl.ScopeLogs().AppendEmpty().LogRecords()
	ts := time.Now().Add(-time.Minute)
	for i := range n {
		lr := lrs.AppendEmpty()
		lr.SetTimestamp(pcommon.NewTimestampFromTime(ts.Add(time.Duration(i) * time.Millisecond)))
		id := fmt.Sprintf("record %d-%d", b, i)
		lr.Body().SetStr(id)
		lr.Attributes().PutStr("log.id", id)
		lr.SetSeverityText("INFO")
	}
	return ld
}

// sumMetric is the total of a counter of tel, optionally only the points
// with attribute key=value.
func sumMetric(t *testing.T, tel *componenttest.Telemetry, name, key, value string) int64 {
	t.Helper()
	m, err := tel.GetMetric(name)
	if err != nil {
		return 0
	}
	n := int64(0)
	for _, dp := range m.Data.(metricdata.Sum[int64]).DataPoints {
		if key != "" {
			v, ok := dp.Attributes.Value(attributeKey(key))
			if !ok || v.String() != value {
				continue
			}
		}
		n += dp.Value
	}
	return n
}

func newTel(t *testing.T) *componenttest.Telemetry {
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	return tel
}

var _ component.Host = componenttest.NewNopHost()

func attributeKey(k string) attribute.Key { return attribute.Key(k) }

type componentHost = component.Host

func consumererrorIsPermanent(err error) bool { return consumererror.IsPermanent(err) }

func countSubstr(s, sub string) int { return strings.Count(s, sub) }
