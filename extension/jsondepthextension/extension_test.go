package jsondepthextension

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/extension/extensiontest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/otelhub/otelhub/extension/jsondepthextension/internal/metadata"
	"github.com/otelhub/otelhub/internal/configtest"
)

func TestLoadConfig(t *testing.T) {
	configtest.Run(t, filepath.Join("testdata", "config.yaml"), metadata.Type, createDefaultConfig, []configtest.Case{
		{Name: "", Want: &Config{MaxDepth: 103}},
		{Name: "shallow", Want: &Config{MaxDepth: 20}},
		{Name: "zero", WantErr: "max_depth: must be between 1 and 103, got 0"},
		{Name: "too_deep", WantErr: "max_depth: must be between 1 and 103, got 104"},
	})
}

// Hand-written cases: braces inside strings and escaped quotes do not
// count, arrays do not count.
func TestScannerCountsObjectsOutsideStrings(t *testing.T) {
	f := func(doc string, max int, wantRefused bool) {
		t.Helper()
		s := depthScanner{max: max}
		err := s.scan([]byte(doc))
		assert.Equal(t, wantRefused, err != nil, "%q max %d", doc, max)
	}
	f(`{}`, 1, false)
	f(`{"a":{}}`, 1, true)
	f(`{"a":{}}`, 2, false)
	f(`{"a":"{{{{"}`, 1, false)
	f(`{"a":"\"{{{"}`, 1, false)
	f(`{"a":"\\"}`, 1, false)
	f(`{"a":"\\",  "b":{}}`, 1, true)
	f(`[[[[[[{}]]]]]]`, 1, false)
	f(`{"a":{},"b":{},"c":{}}`, 2, false)
	f(`{"a":{"b":{"c":{}}}}`, 3, true)
}

// A scan split over reads gives the same answer as one scan.
func TestScannerAcrossReads(t *testing.T) {
	doc := []byte(`{"a":"x\"{","b":{"c":{"d":{}}}}`)
	for split := range doc {
		s := depthScanner{max: 3}
		err := s.scan(doc[:split])
		if err == nil {
			err = s.scan(doc[split:])
		}
		require.Error(t, err, "split at %d", split)
	}
}

// nested returns a value holding n levels of maps (kvlist) or slices
// (array) around a string.
func nested(v pcommon.Value, n int, kvlist bool) {
	for range n {
		if kvlist {
			v = v.SetEmptyMap().PutEmpty("k")
		} else {
			v = v.SetEmptySlice().AppendEmpty()
		}
	}
	v.SetStr("leaf")
}

// place says where in a log record the nested value goes.
type place func(ld plog.Logs) pcommon.Value

func resourceAttr(ld plog.Logs) pcommon.Value {
	return ld.ResourceLogs().At(0).Resource().Attributes().PutEmpty("deep")
}

func body(ld plog.Logs) pcommon.Value {
	return ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Body()
}

func recordAttr(ld plog.Logs) pcommon.Value {
	return ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Attributes().PutEmpty("deep")
}

func deepLogs(where place, n int, kvlist bool) plog.Logs {
	ld := plog.NewLogs()
	ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	nested(where(ld), n, kvlist)
	return ld
}

// The oracle is pdata's own protobuf decoder, the one the persistent queue
// reads items back with: every request the default guard lets through must
// survive a protobuf round trip. For resource attributes, the shallowest
// place a nested value can start, the guard refuses exactly what the
// decoder cannot read (no margin); elsewhere it may refuse a level early.
func TestAcceptedDepthsDecodeFromTheQueue(t *testing.T) {
	for name, where := range map[string]place{"resource attribute": resourceAttr, "body": body, "record attribute": recordAttr} {
		for _, kvlist := range []bool{true, false} {
			lastAccepted := 0
			for n := 1; n <= 60; n++ {
				ld := deepLogs(where, n, kvlist)
				js, err := (&plog.JSONMarshaler{}).MarshalLogs(ld)
				require.NoError(t, err)
				s := depthScanner{max: QueueSafeDepth}
				accepted := s.scan(js) == nil
				pb, err := (&plog.ProtoMarshaler{}).MarshalLogs(ld)
				require.NoError(t, err)
				_, decodeErr := (&plog.ProtoUnmarshaler{}).UnmarshalLogs(pb)
				if accepted {
					require.NoError(t, decodeErr, "%s kvlist=%v depth %d: accepted but the queue cannot read it", name, kvlist, n)
					lastAccepted = n
				}
				if name == "resource attribute" {
					assert.Equal(t, decodeErr == nil, accepted, "%s kvlist=%v depth %d", name, kvlist, n)
				}
			}
			assert.Positive(t, lastAccepted, "%s: something must pass", name)
			assert.Less(t, lastAccepted, 60, "%s: the decoder limit must be reached within the loop", name)
		}
	}
}

// deepJSON is an OTLP/JSON logs request whose body nests n kvlists.
func deepJSON(n int) string {
	open := strings.Repeat(`{"kvlistValue":{"values":[{"key":"k","value":`, n)
	closing := strings.Repeat(`}]}}`, n)
	return `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":` + open + `{"stringValue":"x"}` + closing + `}]}]}]}`
}

// Through the middleware: a depth-1000 JSON request fails its body read
// (the OTLP receiver turns that into 400) and counts one refusal; a normal
// request, JSON or protobuf, passes through byte for byte.
func TestMiddlewareRefusesDeepJSONAndCounts(t *testing.T) {
	tel := componenttest.NewTelemetry()
	defer func() { require.NoError(t, tel.Shutdown(context.Background())) }()
	set := extensiontest.NewNopSettings(metadata.Type)
	set.TelemetrySettings = tel.NewTelemetrySettings()
	ext, err := NewFactory().Create(context.Background(), set, createDefaultConfig())
	require.NoError(t, err)
	require.NoError(t, ext.Start(context.Background(), componenttest.NewNopHost()))
	defer func() { require.NoError(t, ext.Shutdown(context.Background())) }()

	wrap, err := ext.(*guard).GetHTTPHandler(context.Background())
	require.NoError(t, err)
	var got []byte
	h, err := wrap(context.Background(), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		got = body
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
		}
	}))
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	defer srv.Close()

	post := func(contentType, body string) (int, string) {
		resp, err := http.Post(srv.URL, contentType, bytes.NewBufferString(body))
		require.NoError(t, err)
		defer resp.Body.Close()
		msg, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(msg)
	}
	normal := deepJSON(2)
	code, _ := post("application/json", normal)
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, normal, string(got))

	code, msg := post("application/json; charset=utf-8", deepJSON(1000))
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, msg, "nested deeper than 103 levels")

	// Protobuf is left to pdata's decoder; braces in it mean nothing.
	pb := strings.Repeat("{", 500)
	code, _ = post("application/x-protobuf", pb)
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, pb, string(got))

	m, err := tel.GetMetric("otelcol_extension_json_depth_refused_requests")
	require.NoError(t, err)
	sum := m.Data.(metricdata.Sum[int64])
	require.Len(t, sum.DataPoints, 1)
	assert.Equal(t, int64(1), sum.DataPoints[0].Value)
}
