package schema

import (
	"strings"
	"testing"
)

func TestSameType(t *testing.T) {
	f := func(have, want string, same bool) {
		t.Helper()
		if got := SameType(have, want); got != same {
			t.Errorf("SameType(%q, %q) = %v, want %v", have, want, got, same)
		}
	}
	f("String", "LowCardinality(String)", true)
	f("Map(LowCardinality(String), String)", "Map(String, String)", true)
	f("Array(LowCardinality(String))", "Array(String)", true)
	f("Boolean", "Bool", true)
	f("DateTime64(9)", "DateTime64(9)", true)
	f("DateTime", "DateTime64(9)", true)
	f("Array(DateTime)", "Array(DateTime64(9))", true)
	f("DateTime64(9)", "DateTime", false)
	f("DateTime", "String", false)
	f("DateTime64(3)", "DateTime64(9)", false)
	f("Map(String, UInt64)", "Map(LowCardinality(String), String)", false)
	f("LowCardinality(String", "String", false)
}

func TestPlan(t *testing.T) {
	have := []Existing{}
	for _, c := range Gauge.Columns {
		if !c.Optional {
			have = append(have, Existing{c.Name, c.Type})
		}
	}
	add, err := Plan("otel_metrics_gauge", Gauge, have)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range add {
		names = append(names, c.Name)
	}
	want := "ResourceSchemaUrl ScopeDroppedAttrCount ScopeSchemaUrl Flags Exemplars.FilteredAttributes Exemplars.TimeUnix Exemplars.Value Exemplars.SpanId Exemplars.TraceId"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("added %q, want %q", got, want)
	}

	have[len(have)-1] = Existing{"Value", "String"}
	_, err = Plan("otel_metrics_gauge", Gauge, have)
	wantErr := "table otel_metrics_gauge: column Value has type String, the exporter writes Float64"
	if err == nil || !strings.Contains(err.Error(), wantErr) {
		t.Errorf("err = %v, want %q", err, wantErr)
	}
	_, err = Plan("otel_metrics_gauge", Gauge, have[1:])
	if err == nil || !strings.Contains(err.Error(), "column ResourceAttributes is missing") {
		t.Errorf("err = %v, want a missing column", err)
	}
}
