package bench

import (
	"context"
	"slices"
)

// Plan is what one invocation runs for each scenario.
type Plan struct {
	Paths  []string // InProcess, EndToEnd
	Rounds int      // each round runs every variant once: A B A B ...
	Faults []Fault  // each run once per in-process variant, after the rounds
	// FaultLoad is the load of fault runs: a fixed rate, so that the
	// backlog a fault builds is the same for every variant.
	FaultLoad Load
	// OursOnlyFaults runs the faults on ours only (the smoke test: a
	// twin's behaviour under faults is reported, never checked).
	OursOnlyFaults bool
}

// RunScenario runs the plan for one scenario and returns every run, the
// unavailable variants included (as failed results that say why).
func (r *Runner) RunScenario(ctx context.Context, sc *Scenario, p Plan) []Result {
	var out []Result
	// Once per scenario, whichever paths run: an unavailable variant has
	// no form on any path, and must still show in the results.
	for _, v := range sc.Variants {
		if v.Unavailable != "" && len(p.Paths) > 0 {
			out = append(out, Result{Scenario: sc.Name, Variant: v.Name, Role: v.Role, Path: p.Paths[0],
				Error: "unavailable: " + v.Unavailable})
		}
	}
	for _, path := range p.Paths {
		vs := variantsOn(sc, path)
		for round := 1; round <= p.Rounds; round++ {
			for _, v := range vs {
				out = append(out, r.Run(ctx, sc, v, path, round, nil))
			}
		}
	}
	if len(p.Faults) == 0 || !slices.Contains(p.Paths, InProcess) {
		return out
	}
	fr := *r
	fr.Load = p.FaultLoad
	for i := range p.Faults {
		for _, v := range variantsOn(sc, InProcess) {
			if !p.OursOnlyFaults || v.Role == Ours {
				out = append(out, fr.Run(ctx, sc, v, InProcess, 1, &p.Faults[i]))
			}
		}
	}
	return out
}

// variantsOn lists the variants that can run on path, in order.
func variantsOn(sc *Scenario, path string) []Variant {
	var vs []Variant
	for _, v := range sc.Variants {
		if v.Unavailable == "" && ((path == InProcess && v.Exporter != nil) || (path == EndToEnd && v.Process != nil)) {
			vs = append(vs, v)
		}
	}
	return vs
}
