package bench

import (
	"os"
	"path/filepath"
	"testing"
)

// Plots writes an SVG and a PNG per scenario and measure, from medians.
func TestPlots(t *testing.T) {
	dir := t.TempDir()
	sums := Summarize([]Result{
		{Scenario: "x", Variant: "otelhub", Role: Ours, Path: InProcess, Items: 10, ItemsPerSec: 100, CPUSecPerMItems: 2},
		{Scenario: "x", Variant: "twin", Role: Twin, Path: InProcess, Items: 10, ItemsPerSec: 40, CPUSecPerMItems: 5},
		{Scenario: "x", Variant: "otelhub", Role: Ours, Path: EndToEnd, Items: 10, ItemsPerSec: 80, CPUSecPerMItems: 3},
	})
	if err := Plots(dir, sums); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"x-throughput.svg", "x-throughput.png", "x-cpu.svg", "x-cpu.png"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
}
