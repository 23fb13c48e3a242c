package chhttp

import (
	"bytes"
	"net/http"
	"strconv"
	"unicode/utf8"
)

// MaxMessage is the longest Exception.Message kept, in bytes: enough for
// ClickHouse's one-line texts, short enough for a log line. A longer text
// is cut at a rune boundary and ends with "...".
const MaxMessage = 1024

// Exception is ClickHouse's answer to a failed query.
type Exception struct {
	Code    int32  // ClickHouse error code; 0 when the answer carried none (a proxy's error page)
	Message string // the server's text, without a stack trace, at most MaxMessage bytes
	Status  int    // HTTP status of the answer
}

func (e *Exception) Error() string {
	return "clickhouse: code " + strconv.Itoa(int(e.Code)) + ", HTTP " + strconv.Itoa(e.Status) + ": " + e.Message
}

// Canonical header keys, so that lookups index the map without
// canonicalising (and allocating).
const (
	hdrExceptionCode = "X-Clickhouse-Exception-Code"
	hdrExceptionTag  = "X-Clickhouse-Exception-Tag"
)

var (
	exceptionMark = []byte("__exception__")
	codeMark      = []byte("Code: ")
	dbException   = []byte("DB::Exception")
	stackTrace    = []byte("Stack trace:")
)

// parseException reads an answer to an INSERT. It returns nil for a
// success: status 200 and no exception in the headers or the body.
// body holds the start of the answer's body (the caller bounds it).
func parseException(status int, h http.Header, body []byte) *Exception {
	code, hasCode := headerCode(h)
	var msg []byte
	switch {
	case len(body) == 0:
	case hasTag(h):
		msg = taggedMessage(body, h[hdrExceptionTag][0])
	}
	if msg == nil && len(body) > 0 {
		if status != http.StatusOK {
			msg = body
		} else if i := codeIndex(body); i >= 0 {
			// A 200 answer whose body holds an exception: the headers
			// had gone out before the query failed.
			msg = body[i:]
		}
	}
	if status == http.StatusOK && msg == nil && !hasCode {
		if len(body) == 0 {
			return nil
		}
		// ClickHouse answers a stored INSERT with an empty body. A 200
		// with text is something else answering on that address (a load
		// balancer's page, a wrong port): nothing says the rows were
		// stored, so it is an error (retried), not a success.
		msg = append([]byte("a 200 answer with a body is not ClickHouse's answer to an INSERT: "), body...)
		return &Exception{Message: cleanMessage(msg), Status: status}
	}
	if !hasCode {
		code = codeOf(msg)
	}
	return &Exception{Code: code, Message: cleanMessage(msg), Status: status}
}

// headerCode is X-ClickHouse-Exception-Code. A server sends it whenever a
// query fails, also on a 200 answer when progress headers went out first.
func headerCode(h http.Header) (int32, bool) {
	v := h[hdrExceptionCode]
	if len(v) == 0 {
		return 0, false
	}
	n, err := strconv.ParseInt(v[0], 10, 32)
	if err != nil || n == 0 {
		return 0, false
	}
	return int32(n), true
}

func hasTag(h http.Header) bool {
	v := h[hdrExceptionTag]
	return len(v) > 0 && v[0] != ""
}

// taggedMessage extracts the text newer servers frame as
//
//	__exception__TAG
//	<message>
//	<length of message> TAG__exception__
//
// It returns nil when the body has no such frame.
func taggedMessage(body []byte, tag string) []byte {
	for i := bytes.Index(body, exceptionMark); i >= 0; {
		rest := body[i+len(exceptionMark):]
		if bytes.HasPrefix(rest, []byte(tag)) {
			rest = rest[len(tag):]
			end := bytes.Index(rest, []byte(tag))
			if end < 0 {
				return rest // cut short: keep what came
			}
			msg := rest[:end]
			// Drop the trailing "<length> " line start.
			if nl := bytes.LastIndexByte(msg, '\n'); nl >= 0 {
				msg = msg[:nl]
			}
			return msg
		}
		j := bytes.Index(rest, exceptionMark)
		if j < 0 {
			break
		}
		i += len(exceptionMark) + j
	}
	return nil
}

// codeIndex finds "Code: <digits>" that starts a ClickHouse exception
// text ("Code: 60. DB::Exception: ..." or, before 21.x, "Code: 60,
// e.displayText() = DB::Exception: ..."), or returns -1.
func codeIndex(body []byte) int {
	off := 0
	for {
		i := bytes.Index(body[off:], codeMark)
		if i < 0 {
			return -1
		}
		i += off
		rest := body[i+len(codeMark):]
		if len(rest) > 0 && rest[0] >= '0' && rest[0] <= '9' {
			line := rest
			if nl := bytes.IndexByte(line, '\n'); nl >= 0 {
				line = line[:nl]
			}
			if bytes.Contains(line, dbException) {
				return i
			}
		}
		off = i + len(codeMark)
	}
}

// codeOf parses the code of a "Code: N..." text, or returns 0.
func codeOf(msg []byte) int32 {
	i := codeIndex(msg)
	if i < 0 {
		return 0
	}
	digits := msg[i+len(codeMark):]
	n := 0
	for n < len(digits) && digits[n] >= '0' && digits[n] <= '9' {
		n++
	}
	v, err := strconv.ParseInt(string(digits[:n]), 10, 32)
	if err != nil {
		return 0
	}
	return int32(v)
}

// cleanMessage drops a stack trace and surrounding space and bounds the
// length, so the text fits in a log line.
func cleanMessage(msg []byte) string {
	if i := bytes.Index(msg, stackTrace); i >= 0 {
		msg = msg[:i]
	}
	msg = bytes.TrimSpace(msg)
	if len(msg) <= MaxMessage {
		return string(msg)
	}
	cut := MaxMessage
	for cut > 0 && !utf8.RuneStart(msg[cut]) {
		cut--
	}
	return string(msg[:cut]) + "..."
}
