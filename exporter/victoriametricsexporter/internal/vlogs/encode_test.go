package vlogs

import (
	"bufio"
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
)

func decodeLines(t *testing.T, b []byte) []map[string]string {
	t.Helper()
	var out []map[string]string
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 8<<20)
	for sc.Scan() {
		var m map[string]string
		require.NoError(t, json.Unmarshal(sc.Bytes(), &m), sc.Text())
		out = append(out, m)
	}
	return out
}

func TestEncodeFields(t *testing.T) {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", "api")
	sl := rl.ScopeLogs().AppendEmpty()
	sl.Scope().SetName("lib")
	lr := sl.LogRecords().AppendEmpty()
	lr.SetTimestamp(pcommon.NewTimestampFromTime(time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)))
	lr.Body().SetStr("user \"bob\"\nlogged in \xff")
	lr.SetSeverityNumber(plog.SeverityNumberWarn)
	lr.SetTraceID(pcommon.TraceID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
	lr.Attributes().PutInt("http.response.status_code", 500)
	lr.Attributes().PutDouble("ratio", math.NaN())
	lr.Attributes().PutEmptyMap("nested").PutStr("k", "v")
	lr.Attributes().PutStr("_msg", "must not override")

	got := decodeLines(t, Encode(nil, ld, time.Now()))
	require.Len(t, got, 1)
	r := got[0]
	assert.Equal(t, "2026-01-02T03:04:05.000000006Z", r["_time"])
	assert.Equal(t, "user \"bob\"\nlogged in \ufffd", r["_msg"])
	assert.Equal(t, "Warn", r["severity"])
	assert.Equal(t, "0102030405060708090a0b0c0d0e0f10", r["trace_id"])
	assert.Equal(t, "api", r["service.name"])
	assert.Equal(t, "500", r["http.response.status_code"])
	assert.Equal(t, "NaN", r["ratio"])
	assert.JSONEq(t, `{"k":"v"}`, r["nested"])
	assert.Equal(t, "lib", r["scope.name"])
}

func TestEncodeOddRecords(t *testing.T) {
	ld := plog.NewLogs()
	ld.ResourceLogs().AppendEmpty() // empty resource
	sl := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty()
	sl.LogRecords().AppendEmpty() // no body, no time
	big := sl.LogRecords().AppendEmpty()
	big.Body().SetStr(strings.Repeat("x", 1<<20))
	big.Attributes().PutStr("", "no key")
	now := time.Date(2026, 5, 5, 0, 0, 0, 0, time.UTC)
	got := decodeLines(t, Encode(nil, ld, now))
	require.Len(t, got, 2)
	assert.Equal(t, "", got[0]["_msg"])
	assert.Equal(t, "2026-05-05T00:00:00Z", got[0]["_time"])
	assert.Len(t, got[1]["_msg"], 1<<20)
}

func FuzzEncode(f *testing.F) {
	f.Add("hello", "key", "value", int64(3))
	f.Add("\xff\xfe", "\x00", "\"\\", int64(-1))
	f.Fuzz(func(t *testing.T, body, key, val string, n int64) {
		ld := plog.NewLogs()
		lr := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
		lr.Body().SetStr(body)
		lr.Attributes().PutStr(key, val)
		lr.Attributes().PutInt(key+"n", n)
		out := Encode(nil, ld, time.Unix(0, 0))
		var m map[string]string
		if err := json.Unmarshal(bytes.TrimSpace(out), &m); err != nil {
			t.Fatalf("invalid JSON %q: %v", out, err)
		}
		if !strings.ContainsRune(body, '\ufffd') && utf8Valid(body) && m["_msg"] != body {
			t.Fatalf("body %q came back as %q", body, m["_msg"])
		}
	})
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "") == s }
