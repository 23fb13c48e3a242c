package patternprocessor

import (
	"context"
	"fmt"
	"io"

	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/otelhub/otelhub/internal/logeval"
	"github.com/otelhub/otelhub/processor/patternprocessor/internal/metadata"
)

// Result is the score of one dataset.
type Result struct {
	Name          string
	GA, FGA       float64
	Patterns      int
	RecordsPerSec float64
}

// Evaluate feeds each labelled Loghub dataset under root, in file order,
// through a new processor with the default configuration (ConsumeLogs, in
// batches of 100), and scores the ids it assigned. It prints one line per
// dataset and the mean to w.
func Evaluate(root string, w io.Writer) ([]Result, error) {
	datasets, err := logeval.Load(root)
	if err != nil {
		return nil, err
	}
	out, err := evaluateAll(datasets, createDefaultConfig().(*Config))
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "%-10s %6s %6s %9s %12s\n", "dataset", "GA", "FGA", "patterns", "records/s")
	for _, r := range out {
		fmt.Fprintf(w, "%-10s %6.3f %6.3f %9d %12.0f\n", r.Name, r.GA, r.FGA, r.Patterns, r.RecordsPerSec)
	}
	ga, fga := means(out)
	fmt.Fprintf(w, "%-10s %6.3f %6.3f\n", "mean", ga, fga)
	return out, nil
}

func evaluateAll(datasets []logeval.Dataset, cfg *Config) ([]Result, error) {
	out := make([]Result, 0, len(datasets))
	for _, d := range datasets {
		r, err := evaluateOne(d, cfg)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

func means(rs []Result) (ga, fga float64) {
	for _, r := range rs {
		ga += r.GA
		fga += r.FGA
	}
	n := float64(len(rs))
	return ga / n, fga / n
}

// thresholds are the similarity thresholds a split may choose from.
var thresholds = []float64{0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9}

// EvaluateSplit validates on held-out data: the datasets under root,
// sorted by name, are dealt alternately into halves A and B (a rule fixed
// before any result was seen). For each half, the similarity threshold is
// chosen on that half alone (best mean GA), and GA is reported on the
// other half with the chosen threshold. It returns the mean of the two
// held-out GAs.
func EvaluateSplit(root string, w io.Writer) (float64, error) {
	datasets, err := logeval.Load(root)
	if err != nil {
		return 0, err
	}
	var halves [2][]logeval.Dataset
	for i, d := range datasets {
		halves[i%2] = append(halves[i%2], d)
	}
	names := func(ds []logeval.Dataset) []string {
		var n []string
		for _, d := range ds {
			n = append(n, d.Name)
		}
		return n
	}
	var heldOut float64
	for k, design := range halves {
		test := halves[1-k]
		best, bestGA := 0.0, -1.0
		for _, th := range thresholds {
			cfg := createDefaultConfig().(*Config)
			cfg.SimilarityThreshold = th
			rs, err := evaluateAll(design, cfg)
			if err != nil {
				return 0, err
			}
			if ga, _ := means(rs); ga > bestGA {
				best, bestGA = th, ga
			}
		}
		cfg := createDefaultConfig().(*Config)
		cfg.SimilarityThreshold = best
		rs, err := evaluateAll(test, cfg)
		if err != nil {
			return 0, err
		}
		ga, _ := means(rs)
		heldOut += ga / 2
		fmt.Fprintf(w, "design on %v: threshold %.2f (GA %.3f there); held out %v: GA %.3f\n",
			names(design), best, bestGA, names(test), ga)
		for _, r := range rs {
			fmt.Fprintf(w, "    %-10s %6.3f\n", r.Name, r.GA)
		}
	}
	fmt.Fprintf(w, "mean GA of the held-out halves: %.3f\n", heldOut)
	return heldOut, nil
}

func evaluateOne(d logeval.Dataset, cfg *Config) (Result, error) {
	ctx := context.Background()
	proc, err := NewFactory().CreateLogs(ctx, processortest.NewNopSettings(metadata.Type), cfg, consumertest.NewNop())
	if err != nil {
		return Result{}, err
	}
	ids, took, err := logeval.Feed(ctx, d, 100, cfg.IDAttribute, proc.ConsumeLogs)
	if err != nil {
		return Result{}, err
	}
	ga, fga := logeval.Score(ids, d.EventID)
	distinct := map[string]bool{}
	for _, id := range ids {
		distinct[id] = true
	}
	return Result{Name: d.Name, GA: ga, FGA: fga, Patterns: len(distinct),
		RecordsPerSec: float64(len(ids)) / took.Seconds()}, nil
}
