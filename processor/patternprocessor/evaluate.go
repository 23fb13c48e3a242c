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
	var out []Result
	var sumGA, sumFGA float64
	fmt.Fprintf(w, "%-10s %6s %6s %9s %12s\n", "dataset", "GA", "FGA", "patterns", "records/s")
	for _, d := range datasets {
		r, err := evaluateOne(d)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
		sumGA += r.GA
		sumFGA += r.FGA
		fmt.Fprintf(w, "%-10s %6.3f %6.3f %9d %12.0f\n", r.Name, r.GA, r.FGA, r.Patterns, r.RecordsPerSec)
	}
	n := float64(len(out))
	fmt.Fprintf(w, "%-10s %6.3f %6.3f\n", "mean", sumGA/n, sumFGA/n)
	return out, nil
}

func evaluateOne(d logeval.Dataset) (Result, error) {
	ctx := context.Background()
	cfg := createDefaultConfig().(*Config)
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
