package miner

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestTokensMaskVariables(t *testing.T) {
	tk := NewTokenizer(0)
	for line, want := range map[string]string{
		"Invalid user webmaster from 173.234.31.186":                       "Invalid user webmaster from <*>",
		"PacketResponder 1 for block blk_-6952295868487656571 terminating": "PacketResponder <*> for block <*> terminating",
		"IOThunderboltSwitch<0>(0x0)::listenerCallback - route = 0x0":      "IOThunderboltSwitch<<*>>(<*>)::listenerCallback - route = <*>",
		"opened /var/log/app.log for writing":                              "opened <*> for writing",
		`reason="insufficient funds" code=51`:                              "reason=<*> code=<*>",
		"took 14ms (retry=3)":                                              "took <*> (retry=<*>)",
		"id 3fa85f64-5717-4562-b3fc-2c963f66afa6 done":                     "id <*> done",
		"  spaced\tout  ":                                                  "spaced out",
	} {
		assert.Equal(t, want, strings.Join(tk.Tokens(line), " "), line)
	}
	assert.Empty(t, tk.Tokens("   "))
	assert.Len(t, NewTokenizer(10).Tokens("aaaa bbbb cccc dddd"), 2, "cut at max length")
}

func TestMatchGroupsAndGeneralizes(t *testing.T) {
	m := New(1, 0, 0)
	tk := NewTokenizer(0)
	a, created := m.Match(tk.Tokens("session opened for user root by uid 0"))
	assert.True(t, created)
	b, created := m.Match(tk.Tokens("session opened for user news by uid 0"))
	assert.False(t, created)
	assert.Same(t, a, b)
	assert.Equal(t, "session opened for user <*> by uid <*>", b.Template())
	c, created := m.Match(tk.Tokens("connection closed by peer reset now"))
	assert.True(t, created, "too different: a new pattern")
	assert.NotEqual(t, a.ID, c.ID)
	assert.Equal(t, 2, m.Len())
	assert.Equal(t, 2, a.Size)
}

func TestEvictionForgetsLeastRecentlyUsed(t *testing.T) {
	m := New(1, 2, 0)
	tk := NewTokenizer(0)
	first, _ := m.Match(tk.Tokens("alpha one"))
	m.Match(tk.Tokens("beta two"))
	m.Match(tk.Tokens("alpha one")) // alpha is now the most recent
	m.Match(tk.Tokens("gamma three"))
	assert.Equal(t, 2, m.Len())
	assert.Equal(t, 1, m.Evicted())
	again, created := m.Match(tk.Tokens("alpha one"))
	assert.False(t, created, "alpha survived")
	assert.Same(t, first, again)
	b, created := m.Match(tk.Tokens("beta two"))
	assert.True(t, created, "beta was evicted")
	assert.NotEmpty(t, b.Hex)
}

func FuzzTokensAndMatch(f *testing.F) {
	f.Add("user alice logged in from 10.0.0.1:22")
	f.Add("\xff\x00\"unterminated")
	f.Add(`a="b c" d=(1) /x/y [z]`)
	f.Add(`{"level":"info","msg":"server \"x\" started","n":[1,{"a":"}"}]}`)
	f.Add(`level=warn msg="a \" b" k=v`)
	// longer than the tokenizer's 256 bytes: cut through a structured record
	f.Add(`{"level":"error","msg":"payment declined","stack":"` + strings.Repeat(`at x.y(Z.java:1)\n`, 20) + `"}`)
	f.Add(`{"level":"error","msg":"` + strings.Repeat("é", 200) + `","n":{"a":[1,2]}}`)
	f.Add(`level=error msg="` + strings.Repeat("word ", 60) + `" k=v`)
	m := New(7, 100, 0)
	tk := NewTokenizer(256)
	f.Fuzz(func(t *testing.T, line string) {
		tokens := tk.Tokens(line)
		for _, tok := range tokens {
			if tok == "" {
				t.Fatalf("empty token from %q", line)
			}
		}
		if len(tokens) == 0 {
			return
		}
		p, _ := m.Match(tokens)
		again, created := m.Match(tk.Tokens(line))
		if created || again != p {
			t.Fatalf("the same line %q found another pattern", line)
		}
		if len(p.Hex) != 16 {
			t.Fatalf("id %q", p.Hex)
		}
	})
}

// The intern table is bounded by bytes, not by entries (issue 10, item 6):
// long masked tokens cannot make it grow past MaxInternedBytes.
func TestInternTableIsBoundedByBytes(t *testing.T) {
	tk := NewTokenizer(0)
	long := strings.Repeat("x", 4000)
	for i := range 5000 { // about 20 MB of distinct masked tokens
		tk.Tokens(long + "=" + strings.Repeat("y", i%7) + "(" + long[:i%4000] + "1)")
		assert.LessOrEqual(t, InternedBytes(), MaxInternedBytes)
	}
}

func BenchmarkTokensStructured(b *testing.B) {
	tk := NewTokenizer(4096)
	lines := []string{
		`{"time":"2024-05-01T10:00:00Z","level":"info","msg":"server started","port":8080,"user":"alice"}`,
		`time=2024-05-01T10:00:07Z level=error msg="payment declined" order_id=17 reason="card expired"`,
		`Failed password for invalid user admin from 10.0.0.7 port 52683 ssh2`,
	}
	b.ReportAllocs()
	for i := range b.N {
		tk.Tokens(lines[i%len(lines)])
	}
}

// TestDateWordsMasked: month and weekday names inside a printed date are
// variables like its digits; the same names without a number beside them
// are words. Expected templates written by hand.
func TestDateWordsMasked(t *testing.T) {
	tk := NewTokenizer(0)
	for line, want := range map[string]string{
		"connection from 10.0.0.1 at Fri Jun 17 07:07:00 2005": "connection from <*> at <*> <*> <*> <*>:<*>:<*> <*>",
		"backup finished Jul 4":                                "backup finished <*> <*>",
		"due 3 May":                                            "due <*> <*>",
		"Sun Microsystems JVM started":                         "Sun Microsystems JVM started",
		"May I come in":                                        "May I come in",
		"Mon Tue":                                              "Mon Tue",
	} {
		assert.Equal(t, want, strings.Join(tk.Tokens(line), " "), line)
	}
}

// TestSingleWordDifferenceJoinsAtAnyThreshold: a line that differs from a
// template in one word, with at least three other words agreeing, joins
// it even when the threshold alone (5 of 6 < 0.9) would split it; two
// differing words, or one with too little context, are still left to the
// threshold.
func TestSingleWordDifferenceJoinsAtAnyThreshold(t *testing.T) {
	m := New(1, 0, 0.9)
	tk := NewTokenizer(0)
	a, _ := m.Match(tk.Tokens("Failed password for root from 10.0.0.1 port 22 ssh2"))
	b, created := m.Match(tk.Tokens("Failed password for admin from 10.0.0.2 port 23 ssh2"))
	assert.False(t, created)
	assert.Same(t, a, b)
	assert.Equal(t, "Failed password for <*> from <*> port <*> <*>", b.Template())
	_, created = m.Match(tk.Tokens("Accepted publickey for guest from 10.0.0.3 port 24 ssh2"))
	assert.True(t, created, "two words differ (3 of 5): the threshold decides")

	short, _ := m.Match(tk.Tokens("scanner powered on"))
	other, created := m.Match(tk.Tokens("scanner powered off"))
	assert.True(t, created, "two agreeing words are not enough context")
	assert.NotEqual(t, short.ID, other.ID)
}
