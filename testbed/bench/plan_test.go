package bench

import (
	"context"
	"strings"
	"testing"
)

// TestUnavailableReportedOnEveryPlan: a variant that cannot run (a twin
// or peer that does not resolve) appears in the results whichever paths
// were chosen, never silently dropped.
func TestUnavailableReportedOnEveryPlan(t *testing.T) {
	sc := &Scenario{Name: "x", Signal: Metrics, Variants: []Variant{
		{Name: "peer-x", Role: Peer, Unavailable: "does not resolve at v0.165.x"},
	}}
	for _, paths := range [][]string{{InProcess}, {EndToEnd}, {InProcess, EndToEnd}} {
		var r Runner
		res := r.RunScenario(context.Background(), sc, Plan{Paths: paths, Rounds: 1})
		if len(res) != 1 || res[0].Variant != "peer-x" || !strings.HasPrefix(res[0].Error, "unavailable:") {
			t.Errorf("paths %v: results %+v, want peer-x reported once as unavailable", paths, res)
		}
	}
}
