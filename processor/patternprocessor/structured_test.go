package patternprocessor

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readCorpus reads "label<TAB>body" lines; # starts a comment.
func readCorpus(t *testing.T, path string) (labels, bodies []string) {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		label, body, ok := strings.Cut(line, "\t")
		require.True(t, ok, "no tab in %q", line)
		labels, bodies = append(labels, label), append(bodies, body)
	}
	require.NoError(t, sc.Err())
	return labels, bodies
}

// assertGrouping checks that two records share an id exactly when their
// hand-written labels are the same.
func assertGrouping(t *testing.T, labels, ids, bodies []string) {
	t.Helper()
	for i := range labels {
		for j := i + 1; j < len(labels); j++ {
			if labels[i] == labels[j] {
				assert.Equal(t, ids[i], ids[j], "same group %q:\n%s\n%s", labels[i], bodies[i], bodies[j])
			} else {
				assert.NotEqual(t, ids[i], ids[j], "groups %q and %q merged:\n%s\n%s", labels[i], labels[j], bodies[i], bodies[j])
			}
		}
	}
}

// JSON and logfmt records group by their message and level, not by their
// shape (issue 10, item 5): before, every value was masked and each shape
// was one pattern.
func TestStructuredLogsGroupByMessage(t *testing.T) {
	for _, name := range []string{"json.txt", "logfmt.txt"} {
		t.Run(name, func(t *testing.T) {
			labels, bodies := readCorpus(t, filepath.Join("testdata", "structured", name))
			p := newTestProcessor(t, createDefaultConfig().(*Config), nil)
			ld := logs("svc", bodies...)
			require.NoError(t, p.ConsumeLogs(context.Background(), ld))
			var ids []string
			for _, lr := range records(ld) {
				ids = append(ids, attr(lr, "log.pattern.id"))
			}
			assertGrouping(t, labels, ids, bodies)
		})
	}
}

// A map body is mined the same way: the message field as text, the level
// kept, other fields by key only.
func TestMapBodyFieldsAreMined(t *testing.T) {
	p := newTestProcessor(t, createDefaultConfig().(*Config), nil)
	ld := logs("svc")
	lrs := ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
	add := func(level, msg, user string) {
		m := lrs.AppendEmpty().Body().SetEmptyMap()
		m.PutStr("level", level)
		m.PutStr("message", msg)
		m.PutStr("user", user)
	}
	add("info", "user logged in", "alice")
	add("info", "user logged in", "bob")
	add("error", "user logged in", "carol")
	add("info", "password changed", "alice")
	require.NoError(t, p.ConsumeLogs(context.Background(), ld))
	rs := records(ld)
	assert.Equal(t, "level=info user logged in user=<*>", attr(rs[0], "log.pattern.template"))
	assert.Equal(t, attr(rs[0], "log.pattern.id"), attr(rs[1], "log.pattern.id"))
	assert.NotEqual(t, attr(rs[0], "log.pattern.id"), attr(rs[2], "log.pattern.id"))
	assert.NotEqual(t, attr(rs[0], "log.pattern.id"), attr(rs[3], "log.pattern.id"))
}

// A quoted logfmt value may hold a backslash that is not a Go escape (a
// Windows path, a regex). Before, strconv.Unquote rejected it, the line
// fell back to free text and became "level=<*> msg=<*>": every such
// record, whatever its message and level, shared one pattern.
func TestLogfmtBackslashInQuotedValue(t *testing.T) {
	bodies := []string{
		`level=error msg="cannot open C:\Users\bob\a.txt"`,
		`level=info msg="disk full on C:\Data"`,
		`level=error msg="match \d+ failed" re="say \"hi\""`,
	}
	want := []string{ // hand-written: the message mined as text, the level kept
		`level=error cannot open C:\Users\bob\a.txt`,
		`level=info disk full on C:\Data`,
		`level=error match \d+ failed re=<*>`,
	}
	p := newTestProcessor(t, createDefaultConfig().(*Config), nil)
	ld := logs("svc", bodies...)
	require.NoError(t, p.ConsumeLogs(context.Background(), ld))
	rs := records(ld)
	for i := range bodies {
		assert.Equal(t, want[i], attr(rs[i], "log.pattern.template"), bodies[i])
	}
	assert.NotEqual(t, attr(rs[0], "log.pattern.id"), attr(rs[1], "log.pattern.id"))
	assert.NotEqual(t, attr(rs[0], "log.pattern.id"), attr(rs[2], "log.pattern.id"))
}
