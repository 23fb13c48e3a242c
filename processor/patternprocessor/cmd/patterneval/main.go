// Command patterneval scores the pattern processor on labelled Loghub
// datasets: Grouping Accuracy, F1 of grouping and records per second, per
// dataset and on average.
//
//	go run ./processor/patternprocessor/cmd/patterneval ../shared/data/loghub-2k
//	go run ./processor/patternprocessor/cmd/patterneval -split ../shared/data/loghub-2k
//
// With -split it also validates on held-out data: the datasets are dealt
// into two halves, the similarity threshold is chosen on one half and GA
// reported on the other, both ways.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/otelhub/otelhub/processor/patternprocessor"
)

func main() {
	split := flag.Bool("split", false, "also choose the threshold on one half of the datasets and score the other half, both ways")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: patterneval [-split] DIR...  (folders holding *_structured.csv, or their parent)")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() < 1 {
		flag.Usage()
		os.Exit(2)
	}
	for _, dir := range flag.Args() {
		if _, err := patternprocessor.Evaluate(dir, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		if *split {
			if _, err := patternprocessor.EvaluateSplit(dir, os.Stdout); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
		}
	}
}
