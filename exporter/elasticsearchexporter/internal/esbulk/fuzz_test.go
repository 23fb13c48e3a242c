package esbulk

import (
	"bytes"
	"encoding/json"
	"testing"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
)

// Any strings, in any mode and route, give one valid JSON action and
// source line per record, and the body reads back as encoding/json reads
// the same string.
func FuzzEncodeLogs(f *testing.F) {
	f.Add("body", "key", "value", "dataset", uint8(0), int64(1))
	f.Add("\xff\x00\"\\\u2028", "a.b", "<&>", "Bad-DS:x", uint8(1), int64(-1))
	f.Add("", "", "", "", uint8(2), int64(0))
	f.Fuzz(func(t *testing.T, body, key, val, ds string, mode uint8, n int64) {
		ld := plog.NewLogs()
		rl := ld.ResourceLogs().AppendEmpty()
		rl.Resource().Attributes().PutStr(key, val)
		lr := rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
		lr.Body().SetStr(body)
		lr.SetTimestamp(pcommon.Timestamp(n))
		lr.Attributes().PutStr("data_stream.dataset", ds)
		lr.Attributes().PutStr("id", val)
		m := lr.Attributes().PutEmptyMap(key)
		m.PutInt(val, n)
		m.PutEmptySlice(body).AppendEmpty().SetStr(val)
		modes := []string{ModeOTel, ModeECS, ModeRaw}
		var b Batch
		NewEncoder(Options{Mode: modes[int(mode)%3], IDAttribute: "id"}).EncodeLogs(&b, ld, 0)
		ls := bytes.Split(bytes.TrimSuffix(b.Buf, []byte("\n")), []byte("\n"))
		if len(ls) != 2 {
			t.Fatalf("want 2 lines, got %d: %q", len(ls), b.Buf)
		}
		for _, l := range ls {
			if !json.Valid(l) {
				t.Fatalf("invalid JSON line: %q", l)
			}
		}
		var want string
		ref, _ := json.Marshal(body)
		_ = json.Unmarshal(ref, &want)
		var doc map[string]any
		if err := json.Unmarshal(ls[1], &doc); err != nil {
			t.Fatal(err)
		}
		var got any
		switch modes[int(mode)%3] {
		case ModeOTel:
			got = doc["body"].(map[string]any)["text"]
		case ModeECS:
			got = doc["message"]
		case ModeRaw:
			got = doc["body"]
		}
		if body != "" && got != want {
			t.Fatalf("body %q read back as %q, want %q", body, got, want)
		}
	})
}
