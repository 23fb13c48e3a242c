// Command patterneval scores the pattern processor on labelled Loghub
// datasets: Grouping Accuracy, F1 of grouping and records per second, per
// dataset and on average.
//
//	go run ./processor/patternprocessor/cmd/patterneval ../shared/data/loghub-2k
package main

import (
	"fmt"
	"os"

	"github.com/otelhub/otelhub/processor/patternprocessor"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: patterneval DIR...  (folders holding *_structured.csv, or their parent)")
		os.Exit(2)
	}
	for _, dir := range os.Args[1:] {
		if _, err := patternprocessor.Evaluate(dir, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}
