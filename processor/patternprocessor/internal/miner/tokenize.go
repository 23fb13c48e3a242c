package miner

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// Wildcard stands for a variable part in a template.
const Wildcard = "<*>"

// delimiters split a whitespace token into words; a word that holds a digit
// is a variable. They are kept, so "id=(42)" becomes "id=(<*>)": the
// punctuation structure of a line is part of its template.
const delimiters = "=:,;()[]{}<>\"'|@#"

func isDelimiter(c byte) bool { return strings.IndexByte(delimiters, c) >= 0 }

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// Tokenizer turns a line into masked tokens, reusing its buffers.
type Tokenizer struct {
	tokens []string
	buf    []byte
	head   []byte // kept fields of a structured record
	left   int    // bytes a structured record may still read (Begin)
	maxLen int
}

// NewTokenizer returns a tokenizer that reads at most maxLen bytes of a
// line (0: no limit).
func NewTokenizer(maxLen int) *Tokenizer { return &Tokenizer{maxLen: maxLen} }

// Tokens splits line on white space and masks the variables of each token:
// a double-quoted span (which may hold spaces) is one variable, a token
// starting with '/' is a path, and any word (a run between delimiters)
// holding a digit is a variable. The returned slice is valid until the
// next call.
func (t *Tokenizer) Tokens(line string) []string {
	cut := Truncate(line, t.maxLen)
	t.tokens = t.tokens[:0]
	if t.structured(cut, len(cut) < len(line)) {
		return t.tokens
	}
	t.text(cut)
	return t.tokens
}

// Truncate cuts s to at most n bytes (0: no limit) at a rune boundary, so
// that a template never ends inside a UTF-8 sequence.
func Truncate(s string, n int) string {
	if n <= 0 || len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// text appends the masked tokens of free text.
func (t *Tokenizer) text(line string) {
	from := len(t.tokens)
	for i := 0; i < len(line); {
		for i < len(line) && isSpace(line[i]) {
			i++
		}
		if i >= len(line) {
			break
		}
		start := i
		quoted := false
		for i < len(line) && !isSpace(line[i]) {
			if line[i] == '"' {
				if end := strings.IndexByte(line[i+1:], '"'); end >= 0 {
					i += end + 2 // the quoted span stays in this token
					quoted = true
					continue
				}
			}
			i++
		}
		t.tokens = append(t.tokens, t.mask(line[start:i], quoted))
	}
	maskDateWords(t.tokens[from:])
}

// mask returns tok with its variable parts replaced by the wildcard. It
// returns tok itself, without allocating, when nothing is variable, and
// the wildcard constant when the whole token is one variable.
func (t *Tokenizer) mask(tok string, quoted bool) string {
	if len(tok) > 1 && tok[0] == '/' {
		return Wildcard // a path
	}
	if k := strings.IndexByte(tok, '='); k > 0 && k < len(tok)-1 && !quoted && !hasDigit(tok[:k]) && isWord(tok[k+1:]) {
		return t.keyValue(tok[:k+1]) // key=value: the value is a variable
	}
	if !quoted && !hasDigit(tok) {
		return tok
	}
	t.buf = t.buf[:0]
	whole := true
	for i := 0; i < len(tok); {
		c := tok[i]
		if c == '"' {
			if end := strings.IndexByte(tok[i+1:], '"'); end >= 0 {
				t.buf = append(t.buf, Wildcard...)
				i += end + 2
				continue
			}
		}
		if isDelimiter(c) {
			t.buf = append(t.buf, c)
			whole = false
			i++
			continue
		}
		start := i
		for i < len(tok) && !isDelimiter(tok[i]) {
			i++
		}
		if w := tok[start:i]; hasDigit(w) {
			t.buf = append(t.buf, Wildcard...)
		} else {
			t.buf = append(t.buf, w...)
			whole = false
		}
	}
	if whole {
		return Wildcard
	}
	return intern(t.buf)
}

// isWord reports whether s is a plain value: no delimiters in it, so that
// "a=b" is a key and a value but "a=(b)" or "a=b,c=d" are left to the
// general masking.
func isWord(s string) bool {
	for i := 0; i < len(s); i++ {
		if isDelimiter(s[i]) {
			return false
		}
	}
	return true
}

// keyValue returns "key=<*>" for the key part "key=", interned.
func (t *Tokenizer) keyValue(key string) string {
	t.buf = append(append(t.buf[:0], key...), Wildcard...)
	return intern(t.buf)
}

func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			return true
		}
	}
	return false
}

// dateWords are the month and weekday names that printed timestamps hold
// ("Fri Jun 17 07:07:00 2005", "Jul  4 10:00:01").
var dateWords = []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
	"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}

// isDateWord checks the shape first: most tokens are not three letters
// starting with a capital, and this runs on every token.
func isDateWord(tok string) bool {
	return len(tok) == 3 && tok[0] >= 'A' && tok[0] <= 'Z' && slices.Contains(dateWords, tok)
}

// maskDateWords masks the month and weekday names that sit in a printed
// date: next to a masked number or to another such name. A timestamp is a
// variable as a whole, and its digits are masked already; left alone, its
// month would split one event by the month it was logged in. A name with
// no number beside it ("Sun Microsystems", "May I") stays a word.
func maskDateWords(tokens []string) {
	for i, tok := range tokens {
		if !isDateWord(tok) {
			continue
		}
		if numeric(tokens, i-1) || numeric(tokens, i+1) ||
			dateWordAt(tokens, i-1) && numeric(tokens, i-2) || dateWordAt(tokens, i+1) && numeric(tokens, i+2) {
			tokens[i] = Wildcard
		}
	}
}

func dateWordAt(tokens []string, i int) bool {
	return i >= 0 && i < len(tokens) && isDateWord(tokens[i])
}

// numeric reports whether tokens[i] exists and starts with a masked part.
func numeric(tokens []string, i int) bool {
	return i >= 0 && i < len(tokens) && strings.HasPrefix(tokens[i], Wildcard)
}
