package model

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A small model written for the rules of Load: which renames are kept,
// which metric definition wins, how requirement levels combine.
const testModel = `
groups:
  - id: registry.a
    type: attribute_group
    attributes:
      - {id: a.new, type: string, stability: stable}
      - {id: a.mid, type: string, deprecated: {reason: renamed, renamed_to: a.new}}
      - {id: a.old, type: string, deprecated: {reason: renamed, renamed_to: a.mid}}
      - {id: a.gone, type: string, deprecated: {reason: renamed, renamed_to: a.nowhere}}
      - {id: a.sentence, type: int, deprecated: {reason: uncategorized, renamed_to: "Use a.new instead."}}
      - {id: a.obsolete, type: string, deprecated: {reason: obsoleted}}
      - {id: a.tmpl, type: "template[string[]]", stability: development}
      - {id: a.tmpls, type: "template[string]", deprecated: {reason: renamed, renamed_to: a.tmpl}}
      - {id: a.plain_to_tmpl, type: string, deprecated: {reason: renamed, renamed_to: a.tmpl}}
      - id: a.level
        type:
          members:
            - {id: zero, value: 0}
            - {id: one, value: 1}
  - id: attributes.a
    type: attribute_group
    attributes:
      - {ref: a.new, requirement_level: required}
      - {ref: a.level, requirement_level: required}
  - id: metric.a.count
    type: metric
    metric_name: a.count
    instrument: counter
    unit: "{a}"
    extends: attributes.a
    attributes:
      - {ref: a.level, requirement_level: recommended}
  - id: metric.a.count.old
    type: metric
    metric_name: a.count
    instrument: gauge
    unit: "1"
    deprecated: {reason: obsoleted}
  - id: span.a.server
    type: span
    span_kind: server
    extends: attributes.a
`

func TestLoadRules(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a.yaml"), []byte(testModel), 0o600))
	tables, err := Load(dir)
	require.NoError(t, err)
	byName := map[string]Attribute{}
	for _, a := range tables.Attributes {
		byName[a.Name] = a
	}
	renames := map[string]string{}
	for name, a := range byName {
		if a.Deprecated {
			renames[name] = a.RenamedTo
		}
	}
	assert.Equal(t, map[string]string{
		"a.mid": "a.new", "a.old": "a.new", // a chain ends at the current name
		"a.gone": "", "a.sentence": "", "a.obsolete": "",
		"a.tmpls":         "a.tmpl",
		"a.plain_to_tmpl": "", // a plain name never becomes a template base
	}, renames)
	assert.Equal(t, Attribute{Name: "a.tmpl", Type: TypeStringSlice, Stability: "development", Template: true}, byName["a.tmpl"])
	assert.Equal(t, Attribute{Name: "a.level", Type: TypeInt, Stability: "development", Enum: []string{"0", "1"}}, byName["a.level"])
	require.Len(t, tables.Metrics, 1)
	assert.Equal(t, Metric{Name: "a.count", Unit: "{a}", Instrument: "counter", Stability: "development",
		Required: []string{"a.new"}}, tables.Metrics[0], "its own recommended level wins over the extended required")
	assert.Equal(t, []Span{{ID: "span.a.server", Kind: "server", Namespace: "a", Required: []string{"a.new", "a.level"}}}, tables.Spans)
}
