// Command otelhub-bench benchmarks every otelhub exporter against its twin
// (and end-to-end peers) in the same run, alternating them A B A B, and
// writes a Markdown table, JSON and plots under results/<run>/.
//
//	go run ./cmd/otelhub-bench                 # every scenario, short default
//	go run ./cmd/otelhub-bench -items 1000000 -rounds 3 -scenarios victoriametrics
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/otelhub/otelhub/testbed/bench"
	_ "github.com/otelhub/otelhub/testbed/scenarios" // registers the scenarios
	"github.com/otelhub/otelhub/testbed/sink"
)

type options struct {
	scenarios, paths, faults, sinkMode, out, run, note string
	backend                                            string
	load, faultLoad                                    bench.Load
	rounds                                             int
	faultFor, drain                                    time.Duration
	quiet                                              bool
}

func main() {
	if len(os.Args) > 2 && os.Args[1] == "sink" {
		// The sink child: otelhub-bench sink <kind>.
		if err := sink.ServeChild(os.Args[2]); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	var o options
	flag.StringVar(&o.scenarios, "scenarios", "", "comma-separated scenarios (default: all)")
	flag.StringVar(&o.paths, "paths", "inprocess,e2e", "inprocess (exporter in this process) and/or e2e (bin/otelhub and peers fed over OTLP)")
	flag.Int64Var(&o.load.Items, "items", 100_000, "items per run")
	flag.Float64Var(&o.load.Rate, "rate", 0, "items per second; 0 = as fast as accepted")
	flag.IntVar(&o.load.BatchSize, "batch", 1000, "items per batch from the load generator")
	flag.IntVar(&o.load.Services, "services", 100, "distinct resources (series = 10 per resource for metrics)")
	flag.IntVar(&o.rounds, "rounds", 2, "rounds; each runs every variant once, alternating")
	flag.StringVar(&o.faults, "faults", "down,429,slow", "fault scenarios (down, 429, slow) or none")
	flag.DurationVar(&o.faultFor, "fault-for", 5*time.Second, "how long each fault lasts")
	flag.Float64Var(&o.faultLoad.Rate, "fault-rate", 20_000, "items per second during fault runs")
	flag.Int64Var(&o.faultLoad.Items, "fault-items", 60_000, "items per fault run")
	flag.StringVar(&o.sinkMode, "sink", "child", "child (sink in its own process, so its CPU is not counted) or local")
	flag.DurationVar(&o.drain, "drain", 35*time.Second, "fail a run when the sink has not progressed for this long (above the exporters' 30 s retry max_interval)")
	flag.StringVar(&o.out, "out", "results", "results folder")
	flag.StringVar(&o.run, "run", "", "run name (default: UTC time)")
	flag.StringVar(&o.note, "note", "", "added to the machine description")
	flag.BoolVar(&o.quiet, "quiet", false, "no live progress line")
	flag.StringVar(&o.backend, "backend", "", "send to this backend instead of the counting sink (in process only, no faults, nothing counted); credentials from "+
		bench.EnvHeaders+", "+bench.EnvUsername+", "+bench.EnvPassword)
	flag.Parse()
	ok, err := run(o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "otelhub-bench:", err)
		os.Exit(2)
	}
	if !ok {
		os.Exit(1)
	}
}

func run(o options) (bool, error) {
	var names []string
	if o.scenarios != "" {
		names = strings.Split(o.scenarios, ",")
	}
	scs, err := bench.Scenarios(names...)
	if err != nil {
		return false, err
	}
	wd, _ := os.Getwd()
	root, err := bench.FindRoot(wd)
	if err != nil {
		return false, err
	}
	tmp, err := os.MkdirTemp("", "otelhub-bench-")
	if err != nil {
		return false, err
	}
	defer os.RemoveAll(tmp)
	o.faultLoad.BatchSize, o.faultLoad.Services = o.load.BatchSize, o.load.Services
	if o.backend != "" {
		// A user's backend cannot be made to fail on command, and the
		// end-to-end peers take no credentials here.
		o.faults, o.paths = "none", bench.InProcess
	}
	plan := bench.Plan{Paths: strings.Split(o.paths, ","), Rounds: o.rounds, Faults: faults(o), FaultLoad: o.faultLoad}
	started := time.Now().UTC()
	out := bench.Output{
		Command: "go run ./cmd/otelhub-bench " + shellQuote(os.Args[1:]),
		Machine: machine(o.note), Started: started.Format(time.RFC3339), Load: o.load, Plan: plan,
	}
	ctx := context.Background()
	for _, sc := range scs {
		res, err := runScenario(ctx, sc, plan, o, bench.Env{Root: root, TempDir: tmp})
		if err != nil {
			return false, err
		}
		out.Results = append(out.Results, res...)
	}
	out.Summaries = bench.Summarize(out.Results)
	name := o.run
	if name == "" {
		name = started.Format("20060102T150405Z")
	}
	dir := filepath.Join(o.out, name)
	if err := bench.Write(dir, out); err != nil {
		return false, err
	}
	bench.WriteMarkdown(os.Stdout, out.Summaries)
	fmt.Printf("\nresults in %s\n", dir)
	return passed(out.Results), nil
}

func runScenario(ctx context.Context, sc *bench.Scenario, plan bench.Plan, o options, env bench.Env) ([]bench.Result, error) {
	r := &bench.Runner{Env: env, Load: o.load, Drain: o.drain}
	if !o.quiet {
		r.Progress = os.Stderr
	}
	if o.backend != "" {
		b, err := bench.BackendFromEnv(o.backend)
		if err != nil {
			return nil, err
		}
		r.UserBackend = &b
		return finish(r, ctx, sc, plan, o), nil
	}
	var sk bench.Sink
	var err error
	switch {
	case sc.NewSink != nil:
		sk, err = sc.NewSink(env)
	case o.sinkMode == "local":
		sk, err = sink.Local(sc.SinkKind)
	default:
		exe, _ := os.Executable()
		sk, err = sink.Child(exe, "sink", sc.SinkKind)
	}
	if err != nil {
		return nil, err
	}
	defer sk.Close()
	r.Sink = sk
	return finish(r, ctx, sc, plan, o), nil
}

func finish(r *bench.Runner, ctx context.Context, sc *bench.Scenario, plan bench.Plan, o options) []bench.Result {
	res := r.RunScenario(ctx, sc, plan)
	if !o.quiet {
		fmt.Fprintln(os.Stderr)
	}
	return res
}

// passed: every run without a fault must deliver exactly what was sent,
// whoever the variant; under faults ours must lose nothing (a twin's loss
// is its result, reported in the table).
func passed(rs []bench.Result) bool {
	ok := true
	for _, r := range rs {
		if r.OK || strings.HasPrefix(r.Error, "unavailable:") {
			continue
		}
		if r.Fault == "" || r.Role == bench.Ours {
			fmt.Fprintf(os.Stderr, "FAIL %s/%s %s %s round %d: %s\n", r.Scenario, r.Variant, r.Path, r.Fault, r.Round, r.Error)
			ok = false
		}
	}
	return ok
}

func faults(o options) []bench.Fault {
	var fs []bench.Fault
	for _, m := range strings.Split(o.faults, ",") {
		f := bench.Fault{Mode: m, At: time.Second, For: o.faultFor}
		switch m {
		case "down":
			f.Name = "sink-down-" + o.faultFor.String()
		case "429":
			f.Name = "429-storm-" + o.faultFor.String()
		case "slow":
			f.Name, f.Delay = "slow-sink-"+o.faultFor.String(), 500*time.Millisecond
		default:
			continue
		}
		fs = append(fs, f)
	}
	return fs
}

// machine describes where the run happened.
func machine(note string) string {
	cpu := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "model name") {
				cpu = strings.TrimSpace(strings.SplitN(l, ":", 2)[1])
				break
			}
		}
	}
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		mem = strings.Fields(strings.SplitN(string(b), "\n", 2)[0])[1] + " kB RAM"
	}
	load, _ := os.ReadFile("/proc/loadavg")
	s := fmt.Sprintf("%s, %d CPUs, %s, %s/%s, %s; load average at start %s",
		cpu, runtime.NumCPU(), mem, runtime.GOOS, runtime.GOARCH, runtime.Version(), strings.Join(strings.Fields(string(load))[:3], " "))
	if note != "" {
		s += "; " + note
	}
	return s
}

// shellQuote joins args so that the command can be pasted into a shell.
func shellQuote(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = a
		if strings.ContainsAny(a, " \t'\"$;&|<>*?()") {
			q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
	}
	return strings.Join(q, " ")
}
