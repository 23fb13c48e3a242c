package scenarios

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/otelhub/otelhub/testbed/bench"
	"github.com/otelhub/otelhub/testbed/sink"
)

// TestSmoke runs every registered scenario briefly, every variant once,
// and checks counts, not speed: each item sent must reach the sink as the
// units the protocol makes of it, exactly once, and ours must lose
// nothing while the sink is down for a second. The end-to-end path runs
// when bin/otelhub is built (make build; make test builds it first).
func TestSmoke(t *testing.T) {
	scs, err := bench.Scenarios()
	if err != nil {
		t.Fatal(err)
	}
	wd, _ := os.Getwd()
	root, err := bench.FindRoot(wd)
	if err != nil {
		t.Fatal(err)
	}
	paths := []string{bench.InProcess}
	if _, err := os.Stat(filepath.Join(root, "bin", "otelhub")); err == nil {
		paths = append(paths, bench.EndToEnd)
	} else {
		t.Log("bin/otelhub is not built: the end-to-end path is not run")
	}
	for _, sc := range scs {
		t.Run(sc.Name, func(t *testing.T) { smoke(t, sc, root, paths) })
	}
}

func smoke(t *testing.T, sc *bench.Scenario, root string, paths []string) {
	env := bench.Env{Root: root, TempDir: t.TempDir()}
	var sk bench.Sink
	var err error
	if sc.NewSink != nil {
		sk, err = sc.NewSink(env)
	} else {
		sk, err = sink.Local(sc.SinkKind)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer sk.Close()
	load := bench.Load{Items: 4000, BatchSize: 500, Services: 50}
	r := &bench.Runner{Sink: sk, Env: env, Load: load, Drain: 20 * time.Second}
	faultLoad := load
	faultLoad.Rate = 4000
	plan := bench.Plan{Paths: paths, Rounds: 1, FaultLoad: faultLoad, OursOnlyFaults: true,
		Faults: []bench.Fault{{Name: "sink-down-1s", Mode: "down", At: 300 * time.Millisecond, For: time.Second}}}
	for _, res := range r.RunScenario(context.Background(), sc, plan) {
		name := res.Variant + "/" + res.Path + "/" + res.Fault
		switch {
		case res.Error != "" && res.Items == 0 && res.Expected == 0 && res.Counted == 0 && res.Seconds == 0:
			t.Errorf("%s did not run: %s", name, res.Error)
		case !res.OK:
			t.Errorf("%s: %s", name, res.Error)
		case res.Items != load.Items || res.Counted != res.Expected || res.Expected < res.Items:
			t.Errorf("%s: sent %d items = %d units, sink counted %d", name, res.Items, res.Expected, res.Counted)
		default:
			t.Logf("%s: %d items, %d units counted, %d duplicates", name, res.Items, res.Counted, res.Duplicates)
		}
	}
}
