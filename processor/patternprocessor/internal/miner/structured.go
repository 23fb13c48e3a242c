package miner

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Structured logs (a JSON object or logfmt pairs) carry their constant
// text in a message field and their variables in the other fields. They
// are mined field by field: the message is mined as text, a few
// low-cardinality fields keep their value ("level=info"), and every other
// field keeps only its key ("user=<*>"), so that records group by what
// they say, not by their shape.

// messageKeys hold the text of a structured record; "log" is where
// Docker's json-file driver puts a container's line.
var messageKeys = []string{"msg", "message", "log"}

// keptKeys are fields whose values are few and tell records apart.
var keptKeys = []string{"level", "lvl", "severity", "loglevel", "component", "logger", "module"}

func isKey(k string, keys []string) bool {
	for _, c := range keys {
		if strings.EqualFold(k, c) {
			return true
		}
	}
	return false
}

// IsMessageKey reports whether a field holds a structured record's text.
func IsMessageKey(k string) bool { return isKey(k, messageKeys) }

// Field appends the tokens of one field of a structured record: the text
// of a message field, "key=value" for a low-cardinality string field,
// "key=<*>" for any other. isString tells whether value is a string.
func (t *Tokenizer) Field(key, value string, isString bool) {
	if t.left <= 0 {
		return // past max_line_length: a map body is bounded like a line
	}
	t.left -= len(key) + 1
	switch {
	case isString && IsMessageKey(key):
		t.Text(value)
	case isString && isKey(key, keptKeys) && len(value) <= 32 && utf8.ValidString(value):
		if len(t.head) > 0 {
			t.head = append(t.head, ' ')
		}
		t.head = append(append(append(t.head, key...), '='), value...)
		t.left -= len(value)
	default:
		t.buf = append(append(append(t.buf[:0], key...), '='), Wildcard...)
		t.tokens = append(t.tokens, intern(t.buf))
	}
}

// Begin starts the tokens of a record built field by field (Field, Text);
// End returns them, valid until the next call. The kept fields form one
// head token, first: the first token keys the group, so records that
// differ in level or component never share a pattern.
func (t *Tokenizer) Begin() {
	t.tokens = t.tokens[:0]
	t.head = t.head[:0]
	t.left = t.maxLen
	if t.maxLen <= 0 {
		t.left = math.MaxInt
	}
}

// Text appends the tokens of free text. The fields and texts of one
// record together read at most max_line_length bytes.
func (t *Tokenizer) Text(s string) {
	if t.left <= 0 {
		return
	}
	s = Truncate(s, t.left)
	t.left -= len(s)
	t.text(s)
}

// End returns the tokens, head first.
func (t *Tokenizer) End() []string {
	if len(t.head) > 0 {
		t.tokens = append(t.tokens, "")
		copy(t.tokens[1:], t.tokens)
		t.tokens[0] = intern(t.head)
	}
	return t.tokens
}

// structured appends the tokens of a JSON object or logfmt line and
// reports whether line was one; if not, it appends nothing. cut tells
// that line was truncated at max_line_length: the fields read before the
// cut are kept and the one cut through keeps only its key (a message cut
// through keeps the text before the cut), so that a long record (a stack
// trace in a field) is still mined by field.
func (t *Tokenizer) structured(line string, cut bool) bool {
	s := strings.TrimLeft(line, " \t\r\n")
	if !cut {
		s = strings.TrimSpace(s)
	}
	t.Begin()
	var ok bool
	if len(s) > 1 && s[0] == '{' && (cut || s[len(s)-1] == '}') {
		ok = t.jsonObject(s, cut)
	} else {
		ok = t.logfmt(s, cut)
	}
	if ok {
		t.End()
		return true
	}
	t.Begin()
	return false
}

// jsonObject reads the top-level fields of a JSON object; nested objects
// and arrays are values like any other (masked).
func (t *Tokenizer) jsonObject(s string, cut bool) bool {
	i := skipSpace(s, 1)
	for i < len(s) && s[i] != '}' {
		key, next, ok := jsonString(s, i)
		if !ok {
			return cut && next >= len(s) // a key cut through is dropped
		}
		i = skipSpace(s, next)
		if cut && i >= len(s) {
			t.Field(key, "", false)
			return true
		}
		if i >= len(s) || s[i] != ':' {
			return false
		}
		i = skipSpace(s, i+1)
		if i >= len(s) {
			if cut {
				t.Field(key, "", false)
			}
			return cut
		}
		if s[i] == '"' {
			val, next, ok := jsonString(s, i)
			if !ok && cut && next >= len(s) {
				t.Field(key, s[i+1:], IsMessageKey(key)) // cut through
				return true
			}
			if !ok {
				return false
			}
			t.Field(key, val, true)
			i = next
		} else {
			end := jsonValueEnd(s, i)
			if cut && end < 0 {
				t.Field(key, "", false) // cut through
				return true
			}
			if end <= i {
				return false
			}
			t.Field(key, "", false)
			i = end
		}
		i = skipSpace(s, i)
		if i < len(s) && s[i] == ',' {
			i = skipSpace(s, i+1)
		}
	}
	return i == len(s)-1 || (cut && i >= len(s))
}

func skipSpace(s string, i int) int {
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	return i
}

// jsonString reads the JSON string starting at s[i] == '"' and returns its
// value and the index after it. Only a string with escapes is copied.
func jsonString(s string, i int) (string, int, bool) {
	if i >= len(s) || s[i] != '"' {
		return "", i, false
	}
	escaped := false
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			escaped = true
			j++
		case '"':
			if !escaped {
				return s[i+1 : j], j + 1, true
			}
			var v string
			if err := json.Unmarshal([]byte(s[i:j+1]), &v); err != nil {
				return "", j, false
			}
			return v, j + 1, true
		}
	}
	return "", len(s), false
}

// jsonValueEnd returns the index after the non-string value at s[i]: a
// scalar, or a balanced object or array (strings inside skipped).
func jsonValueEnd(s string, i int) int {
	depth := 0
	for j := i; j < len(s); j++ {
		switch c := s[j]; c {
		case '"':
			_, next, ok := jsonString(s, j)
			if !ok {
				return -1
			}
			j = next - 1
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return j
			}
			depth--
			if depth == 0 {
				return j + 1
			}
		case ',':
			if depth == 0 {
				return j
			}
		}
	}
	if depth != 0 {
		return -1
	}
	return len(s)
}

// logfmt reads a line made only of key=value pairs (values bare or
// double-quoted) that has a message key; anything else is not logfmt.
func (t *Tokenizer) logfmt(s string, cut bool) bool {
	if !strings.Contains(s, "msg=") && !strings.Contains(s, "message=") {
		return false // the common case: free text, decided without a scan
	}
	hasMessage := false
	for i := 0; i < len(s); {
		k := i
		for k < len(s) && isKeyByte(s[k]) {
			k++
		}
		if cut && k >= len(s) {
			break // a key cut through is dropped
		}
		if k == i || k >= len(s) || s[k] != '=' {
			return false
		}
		key := s[i:k]
		val, next, ok := logfmtValue(s, k+1)
		if !ok && cut && next >= len(s) { // a quoted value cut through
			hasMessage = hasMessage || IsMessageKey(key)
			t.Field(key, s[k+2:], IsMessageKey(key))
			break
		}
		if !ok {
			return false
		}
		hasMessage = hasMessage || IsMessageKey(key)
		t.Field(key, val, true)
		i = skipSpace(s, next)
	}
	return hasMessage
}

func isKeyByte(c byte) bool {
	return c == '_' || c == '.' || c == '-' || c == '/' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

// logfmtValue reads a bare or quoted value at s[i].
func logfmtValue(s string, i int) (string, int, bool) {
	if i < len(s) && s[i] == '"' {
		escaped := false
		for j := i + 1; j < len(s); j++ {
			switch s[j] {
			case '\\':
				escaped = true
				j++
			case '"':
				if !escaped {
					return s[i+1 : j], j + 1, true
				}
				v, err := strconv.Unquote(s[i : j+1])
				if err != nil {
					v = unescapeLenient(s[i+1 : j])
				}
				return v, j + 1, true
			}
		}
		return "", len(s), false
	}
	j := i
	for j < len(s) && !isSpace(s[j]) {
		if s[j] == '"' {
			return "", j, false
		}
		j++
	}
	return s[i:j], j, true
}

// unescapeLenient undoes \" and \\ and keeps any other backslash as it
// is: a hand-written logfmt value holds Windows paths and regexes ("C:\Data",
// "\d+") that are not Go escapes, and rejecting them would mine the line
// as free text, where every such record shares "level=<*> msg=<*>".
func unescapeLenient(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\') {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
