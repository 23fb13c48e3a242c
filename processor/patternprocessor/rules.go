package patternprocessor

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// rule is a compiled Rule: compiled once at start, matched per record.
type rule struct {
	name     string
	re       *regexp.Regexp
	keywords []string // lower case
}

func compileRules(rs []Rule) []rule {
	out := make([]rule, 0, len(rs))
	for _, r := range rs {
		c := rule{name: r.Name}
		if r.Regex != "" {
			c.re = regexp.MustCompile(r.Regex) // Validate compiled it already
		}
		for _, k := range r.Keywords {
			c.keywords = append(c.keywords, strings.ToLower(k))
		}
		out = append(out, c)
	}
	return out
}

// matches reports whether the rule matches the message or a string
// attribute of the record; attributes for which skip is true are not
// looked at.
func (r *rule) matches(msg string, attrs pcommon.Map, skip func(string) bool) bool {
	if r.matchString(msg) {
		return true
	}
	for k, v := range attrs.All() {
		if v.Type() == pcommon.ValueTypeStr && !skip(k) && r.matchString(v.Str()) {
			return true
		}
	}
	return false
}

func (r *rule) matchString(s string) bool {
	for _, k := range r.keywords {
		if containsFold(s, k) {
			return true
		}
	}
	return r.re != nil && r.re.MatchString(s)
}

// containsFold reports whether s contains the lower-case ASCII or UTF-8
// keyword k, ignoring case, without allocating.
func containsFold(s, k string) bool {
	if k == "" {
		return true
	}
	first, _ := utf8.DecodeRuneInString(k)
	for i := 0; i+len(k) <= len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c < utf8.RuneSelf && rune(c) != first {
			continue
		}
		if strings.EqualFold(s[i:i+len(k)], k) {
			return true
		}
	}
	return false
}
