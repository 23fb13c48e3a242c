package chhttp

import (
	"net/http"
	"strings"
	"testing"
)

// The answers below are ClickHouse's, as its documentation and knowledge
// base show them (HTTP interface: "HTTP response codes caveats"; the
// exception tagging of ClickHouse PR 88818), not produced by this package.
func TestParseException(t *testing.T) {
	tag := "PU1FNUFH98"
	tests := []struct {
		name    string
		status  int
		header  map[string]string
		body    string
		want    *Exception // nil: success
		wantMsg string     // a part of Message
	}{
		{
			name:   "empty 200 is success",
			status: 200,
		},
		{
			name:   "200 with a row-count summary is success",
			status: 200,
			header: map[string]string{"X-ClickHouse-Summary": `{"read_rows":"0","written_rows":"3"}`},
		},
		{
			name:    "unknown table, header and old text",
			status:  404,
			header:  map[string]string{"X-ClickHouse-Exception-Code": "60"},
			body:    "Code: 60, e.displayText() = DB::Exception: Table default.wtf doesn't exist (version 21.3.1.1)\n",
			want:    &Exception{Code: 60, Status: 404},
			wantMsg: "Table default.wtf doesn't exist",
		},
		{
			name:    "code from the body when the header is missing",
			status:  500,
			body:    "Code: 62. DB::Exception: Syntax error: failed at position 1 ('INSRT'). (SYNTAX_ERROR) (version 24.8.1.1)\n",
			want:    &Exception{Code: 62, Status: 500},
			wantMsg: "(SYNTAX_ERROR)",
		},
		{
			name:    "exception after data in a 200 body",
			status:  200,
			body:    "0\n1\n2\n524039\nCode: 159. DB::Exception: Timeout exceeded: elapsed 0.719864458 seconds, maximum: 0.1. (TIMEOUT_EXCEEDED) (version 22.10.1.1)\n",
			want:    &Exception{Code: 159, Status: 200},
			wantMsg: "Timeout exceeded",
		},
		{
			name:    "tagged exception in a 200 body",
			status:  200,
			header:  map[string]string{"X-ClickHouse-Exception-Tag": tag},
			body:    "bodybodybodybody\n__exception__" + tag + "\nCode: 395. DB::Exception: Value passed to 'throwIf' function is non-zero. (FUNCTION_THROW_IF_VALUE_IS_NON_ZERO)\n112 " + tag + "__exception__\n",
			want:    &Exception{Code: 395, Status: 200},
			wantMsg: "Value passed to 'throwIf' function is non-zero. (FUNCTION_THROW_IF_VALUE_IS_NON_ZERO)",
		},
		{
			name:    "tagged text without a code",
			status:  200,
			header:  map[string]string{"X-ClickHouse-Exception-Tag": tag},
			body:    "bodybodybodybody\n__exception__" + tag + "\nBig bam accrued right while reading the data\n45 " + tag + "__exception__\n",
			want:    &Exception{Code: 0, Status: 200},
			wantMsg: "Big bam accrued right while reading the data",
		},
		{
			name:   "200 with the code header only",
			status: 200,
			header: map[string]string{"X-ClickHouse-Exception-Code": "241"},
			want:   &Exception{Code: 241, Status: 200},
		},
		{
			name:    "a proxy's error page",
			status:  502,
			body:    "<html><body>Bad Gateway</body></html>",
			want:    &Exception{Code: 0, Status: 502},
			wantMsg: "Bad Gateway",
		},
		{
			name:    "200 body mentioning Code: without an exception",
			status:  200,
			body:    "Code: is a word\n",
			want:    &Exception{Code: 0, Status: 200},
			wantMsg: "Code: is a word",
		},
		{
			name:    "200 page from something that is not ClickHouse",
			status:  200,
			body:    "<html><body>Welcome to nginx!</body></html>",
			want:    &Exception{Code: 0, Status: 200},
			wantMsg: "is not ClickHouse's answer to an INSERT",
		},
		{
			name:    "stack trace dropped",
			status:  500,
			body:    "Code: 27. DB::Exception: Cannot parse input: expected '\\t' before: 'x'. (CANNOT_PARSE_INPUT_ASSERTION_FAILED)\n\nStack trace:\n0. DB::Exception::Exception() @ 0x1\n",
			want:    &Exception{Code: 27, Status: 500},
			wantMsg: "(CANNOT_PARSE_INPUT_ASSERTION_FAILED)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for k, v := range tt.header {
				h.Set(k, v)
			}
			got := parseException(tt.status, h, []byte(tt.body))
			if tt.want == nil {
				if got != nil {
					t.Fatalf("got %v, want success", got)
				}
				return
			}
			if got == nil {
				t.Fatal("got success, want an exception")
			}
			if got.Code != tt.want.Code || got.Status != tt.want.Status {
				t.Errorf("code %d status %d, want %d %d", got.Code, got.Status, tt.want.Code, tt.want.Status)
			}
			if !strings.Contains(got.Message, tt.wantMsg) {
				t.Errorf("message %q lacks %q", got.Message, tt.wantMsg)
			}
			for _, bad := range []string{"Stack trace", "__exception__", tag} {
				if strings.Contains(got.Message, bad) {
					t.Errorf("message %q holds %q", got.Message, bad)
				}
			}
		})
	}
}

func TestExceptionMessageBounded(t *testing.T) {
	long := "Code: 53. DB::Exception: Type mismatch " + strings.Repeat("ü", 2*MaxMessage)
	got := parseException(500, http.Header{}, []byte(long))
	if got == nil || got.Code != 53 {
		t.Fatalf("got %v", got)
	}
	if len(got.Message) > MaxMessage+len("...") {
		t.Errorf("message is %d bytes, want at most %d", len(got.Message), MaxMessage+3)
	}
	if !strings.HasSuffix(got.Message, "...") || !strings.HasPrefix(got.Message, "Code: 53.") {
		t.Errorf("message %q", got.Message[:40])
	}
	if strings.ContainsRune(got.Message, '\uFFFD') || !strings.HasSuffix(strings.TrimSuffix(got.Message, "..."), "ü") {
		t.Error("cut inside a rune")
	}
}

// Whatever a server or a proxy answers, parsing does not panic and keeps
// the message bounded.
func FuzzParseException(f *testing.F) {
	f.Add(200, "", "", "")
	f.Add(500, "60", "", "Code: 60. DB::Exception: Table x does not exist. (UNKNOWN_TABLE)")
	f.Add(200, "", "ABC", "data\n__exception__ABC\nCode: 1. DB::Exception: m\n30 ABC__exception__\n")
	f.Add(200, "x", "ABC", "__exception__ABC")
	f.Fuzz(func(t *testing.T, status int, code, tag, body string) {
		h := http.Header{}
		if code != "" {
			h.Set("X-ClickHouse-Exception-Code", code)
		}
		if tag != "" {
			h.Set("X-ClickHouse-Exception-Tag", tag)
		}
		exc := parseException(status, h, []byte(body))
		if exc == nil {
			if status != http.StatusOK || body != "" {
				t.Fatalf("status %d with a body of %d bytes taken for a success", status, len(body))
			}
			return
		}
		if len(exc.Message) > MaxMessage+len("...") {
			t.Fatalf("message of %d bytes", len(exc.Message))
		}
	})
}
