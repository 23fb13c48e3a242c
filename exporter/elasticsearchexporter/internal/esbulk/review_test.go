package esbulk

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

// dupKeys walks a JSON value token by token with encoding/json and returns
// the first key met twice in one object, or an error for invalid JSON.
func dupKeys(line []byte) (string, error) {
	d := json.NewDecoder(bytes.NewReader(line))
	d.UseNumber()
	var walk func() (string, error)
	walk = func() (string, error) {
		tok, err := d.Token()
		if err != nil {
			return "", err
		}
		switch tok {
		case json.Delim('{'):
			seen := map[string]bool{}
			for d.More() {
				k, err := d.Token()
				if err != nil {
					return "", err
				}
				ks := k.(string)
				if seen[ks] {
					return ks, nil
				}
				seen[ks] = true
				if dup, err := walk(); dup != "" || err != nil {
					return dup, err
				}
			}
			_, err = d.Token()
			return "", err
		case json.Delim('['):
			for d.More() {
				if dup, err := walk(); dup != "" || err != nil {
					return dup, err
				}
			}
			_, err = d.Token()
			return "", err
		}
		return "", nil
	}
	dup, err := walk()
	if err == nil && dup == "" {
		if _, e := d.Token(); e != io.EOF {
			err = fmt.Errorf("trailing data: %v", e)
		}
	}
	return dup, err
}

// requireStrict checks every NDJSON line: valid JSON, no key twice in an
// object.
func requireStrict(t *testing.T, b *Batch) {
	t.Helper()
	ls := bytes.Split(bytes.TrimSuffix(b.Buf, []byte("\n")), []byte("\n"))
	require.Len(t, ls, 2*len(b.Docs))
	for i, l := range ls {
		dup, err := dupKeys(l)
		require.NoError(t, err, "line %d: %s", i, l)
		require.Empty(t, dup, "line %d has key %q twice: %s", i, dup, l)
	}
}

func allModes(t *testing.T, f func(t *testing.T, e *Encoder, b *Batch)) {
	for _, m := range []string{ModeOTel, ModeECS, ModeRaw} {
		for _, r := range []string{RouteDataStream, RouteIndex} {
			t.Run(m+"/"+r, func(t *testing.T) {
				var b Batch
				f(t, NewEncoder(Options{Mode: m, Route: r, LogsIndex: "l", MetricsIndex: "m", TracesIndex: "t"}), &b)
				requireStrict(t, &b)
			})
		}
	}
}

// Semantic-convention migrations send the old and the new name side by
// side; ECS maps both to one name.
func TestReviewECSRenameCollisions(t *testing.T) {
	allModes(t, func(t *testing.T, e *Encoder, b *Batch) {
		ld := plog.NewLogs()
		rl := ld.ResourceLogs().AppendEmpty()
		rl.Resource().Attributes().PutStr("deployment.environment", "prod")
		rl.Resource().Attributes().PutStr("deployment.environment.name", "prod")
		lr := rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
		lr.Attributes().PutStr("deployment.environment", "a")
		lr.Attributes().PutStr("deployment.environment.name", "b")
		lr.Attributes().PutStr("host.name", "x")
		lr.Attributes().PutStr("host.hostname", "y")
		e.EncodeLogs(b, ld, 1)
	})
}

// Metric names that are also fixed field names.
func TestReviewMetricNamedLikeFixedField(t *testing.T) {
	allModes(t, func(t *testing.T, e *Encoder, b *Batch) {
		md := pmetric.NewMetrics()
		rm := md.ResourceMetrics().AppendEmpty()
		rm.Resource().Attributes().PutStr("x", "1")
		ms := rm.ScopeMetrics().AppendEmpty().Metrics()
		for _, n := range []string{"@timestamp", "data_stream", "x", "host.hostname", "metrics"} {
			m := ms.AppendEmpty()
			m.SetName(n)
			dp := m.SetEmptyGauge().DataPoints().AppendEmpty()
			dp.SetTimestamp(5)
			dp.SetIntValue(1)
			dp.Attributes().PutStr("host.name", "h")
		}
		e.EncodeMetrics(b, md)
	})
}

// The same metric twice with the same timestamp and dimensions, and a
// metric repeated under another metric entry.
func TestReviewSameMetricSamePointTwice(t *testing.T) {
	allModes(t, func(t *testing.T, e *Encoder, b *Batch) {
		md := pmetric.NewMetrics()
		ms := md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty().Metrics()
		for i := 0; i < 2; i++ {
			m := ms.AppendEmpty()
			m.SetName("m")
			for j := 0; j < 2; j++ {
				dp := m.SetEmptyGauge().DataPoints().AppendEmpty()
				dp.SetTimestamp(5)
				dp.SetDoubleValue(math.NaN())
			}
		}
		e.EncodeMetrics(b, md)
		require.Len(t, b.Docs, 2)
	})
}

// OTLP decoded from the wire may carry one key twice in a map; pdata keeps
// both.
func TestReviewDuplicateKeysFromTheWire(t *testing.T) {
	js := `{"resourceLogs":[{"resource":{"attributes":[{"key":"r","value":{"stringValue":"1"}},{"key":"r","value":{"stringValue":"2"}}]},
"scopeLogs":[{"logRecords":[{"timeUnixNano":"1","body":{"kvlistValue":{"values":[{"key":"k","value":{"intValue":"1"}},{"key":"k","value":{"intValue":"2"}}]}},
"attributes":[{"key":"a","value":{"stringValue":"1"}},{"key":"a","value":{"stringValue":"2"}},{"key":"","value":{"stringValue":"empty"}}]}]}]}]}`
	ld, err := (&plog.JSONUnmarshaler{}).UnmarshalLogs([]byte(js))
	require.NoError(t, err)
	require.Equal(t, 3, ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Attributes().Len())
	allModes(t, func(t *testing.T, e *Encoder, b *Batch) {
		e.EncodeLogs(b, ld, 1)
	})
}

// Hostile values: invalid UTF-8 and control characters in keys, bytes,
// deep nesting, huge strings, NaN/Inf.
func TestReviewHostileValues(t *testing.T) {
	allModes(t, func(t *testing.T, e *Encoder, b *Batch) {
		ld := plog.NewLogs()
		lr := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
		a := lr.Attributes()
		a.PutStr("\xff\x01k\"", "\x00\xfe\u2028")
		a.PutStr("\xfe\x01k\"", "other key, same after U+FFFD")
		a.PutDouble("inf", math.Inf(-1))
		a.PutEmptyBytes("b").FromRaw([]byte{0, 1, 2, 255})
		a.PutStr("big", strings.Repeat("é\x00", 1<<16))
		v := a.PutEmptyMap("deep")
		for i := 0; i < 100; i++ {
			v = v.PutEmptyMap("d")
		}
		s := a.PutEmptySlice("deepslice")
		for i := 0; i < 100; i++ {
			s = s.AppendEmpty().SetEmptySlice()
		}
		lr.Body().SetEmptyMap().PutEmptySlice("x").AppendEmpty().SetDouble(math.NaN())
		e.EncodeLogs(b, ld, 1)
	})
}
