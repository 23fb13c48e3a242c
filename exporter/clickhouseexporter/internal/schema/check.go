package schema

import (
	"fmt"
	"strings"
)

// Existing is a column as DESC TABLE reports it.
type Existing struct {
	Name string
	Type string
}

// Plan compares an existing table with t. It returns the optional columns
// to add, or an error naming the table, the column and both types when a
// column the exporter writes has another type, or a required column is
// missing: writing into such a table would fail or store wrong values.
func Plan(table string, t Table, have []Existing) (add []Column, err error) {
	types := Types(have)
	var problems []string
	for _, c := range t.Columns {
		got, ok := types[c.Name]
		switch {
		case !ok && c.Optional:
			add = append(add, c)
		case !ok:
			problems = append(problems, fmt.Sprintf("table %s: column %s is missing (want %s)", table, c.Name, c.Type))
		case !SameType(got, c.Type):
			problems = append(problems, fmt.Sprintf("table %s: column %s has type %s, the exporter writes %s", table, c.Name, got, c.Type))
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("incompatible schema: %s", strings.Join(problems, "; "))
	}
	return add, nil
}

// Types maps each existing column's name to its type.
func Types(have []Existing) map[string]string {
	types := make(map[string]string, len(have))
	for _, h := range have {
		types[h.Name] = h.Type
	}
	return types
}

// SameType says whether a column of type have can take what the exporter
// writes as want. LowCardinality is a storage choice, not a type change,
// and Bool was spelled Boolean in older DDL. A DateTime column takes the
// exporter's DateTime64(9) values to the second: contrib's (and so
// ClickStack's) metrics tables keep time that way.
func SameType(have, want string) bool {
	h, w := normType(have), normType(want)
	return h == w || h == strings.ReplaceAll(w, "DateTime64(9)", "DateTime")
}

func normType(s string) string {
	s = strings.ReplaceAll(s, " ", "")
	s = strings.ReplaceAll(s, "Boolean", "Bool")
	const lc = "LowCardinality("
	for {
		i := strings.Index(s, lc)
		if i < 0 {
			return s
		}
		depth, end := 1, -1
		for j := i + len(lc); j < len(s) && end < 0; j++ {
			switch s[j] {
			case '(':
				depth++
			case ')':
				if depth--; depth == 0 {
					end = j
				}
			}
		}
		if end < 0 {
			return s // unbalanced: compare as it is
		}
		s = s[:i] + s[i+len(lc):end] + s[end+1:]
	}
}
