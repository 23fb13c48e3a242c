package jsonstr

import (
	"encoding/json"
	"math"
	"testing"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// For values JSON can hold, AppendValue writes what encoding/json writes
// for pdata's raw form (the oracle), byte for byte where the map's keys
// are already in the order encoding/json sorts them into.
func TestAppendValueMatchesEncodingJSON(t *testing.T) {
	v := pcommon.NewValueMap()
	m := v.Map()
	m.PutStr("a", "x<y> & \"q\" \xff ü")
	m.PutInt("b", -42)
	for i, f := range []float64{0, 1.5, -2, 1e21, 1e20, 1e-6, 1e-7, 123456789.125, 5e-324, math.MaxFloat64} {
		m.PutDouble("c"+string(rune('a'+i)), f)
	}
	m.PutBool("d", true)
	m.PutEmptyBytes("e").FromRaw([]byte{0, 1, 250})
	s := m.PutEmptySlice("f")
	s.AppendEmpty().SetStr("one")
	s.AppendEmpty().SetEmptyMap().PutInt("two", 2)
	s.AppendEmpty()
	m.PutEmptyMap("g")
	m.PutEmptySlice("h")
	want, err := json.Marshal(v.AsRaw())
	if err != nil {
		t.Fatal(err)
	}
	if got := AppendValue(nil, v); string(got) != string(want) {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

// NaN and infinities become null and keep the rest of the value, which
// pdata's AsString drops.
func TestAppendValueNonFinite(t *testing.T) {
	v := pcommon.NewValueMap()
	v.Map().PutStr("keep", "me")
	v.Map().PutDouble("nan", math.NaN())
	v.Map().PutEmptySlice("inf").AppendEmpty().SetDouble(math.Inf(-1))
	got := AppendValue(nil, v)
	if want := `{"keep":"me","nan":null,"inf":[null]}`; string(got) != want {
		t.Fatalf("got %s, want %s", got, want)
	}
	if !json.Valid(got) {
		t.Fatalf("%s is not JSON", got)
	}
}

// Nesting past maxDepth does not recurse further.
func TestAppendValueDeep(t *testing.T) {
	v := pcommon.NewValueSlice()
	cur := v
	for range 1000 {
		cur = cur.Slice().AppendEmpty()
		cur.SetEmptySlice()
	}
	if got := AppendValue(nil, v); !json.Valid(got) {
		t.Fatalf("not JSON: %.200s", got)
	}
}
