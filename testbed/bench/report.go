package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Summary is the median of one variant's runs in one group (scenario,
// path, fault).
type Summary struct {
	Scenario, Variant, Role, Path, Fault string
	Runs, Failed                         int
	ItemsPerSec, CPUSecPerMItems         float64
	PeakRSSMB, PeakHeapMB                float64
	WireBytesPerItem                     float64
	P50ms, P99ms                         float64
	Lost, Duplicates                     int64
	DrainSeconds                         float64
	Error                                string
	Unchecked                            bool
}

// Summarize takes the median of each variant's runs.
func Summarize(results []Result) []Summary {
	type key struct{ sc, v, path, fault string }
	groups := map[key][]Result{}
	var order []key
	for _, r := range results {
		k := key{r.Scenario, r.Variant, r.Path, r.Fault}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], r)
	}
	var out []Summary
	for _, k := range order {
		rs := groups[k]
		s := Summary{Scenario: k.sc, Variant: k.v, Role: rs[0].Role, Path: k.path, Fault: k.fault, Runs: len(rs)}
		for _, r := range rs {
			if !r.OK {
				s.Failed++
				s.Error = r.Error
			}
			s.Unchecked = s.Unchecked || r.Unchecked
			s.Lost += r.Lost
			s.Duplicates += r.Duplicates
		}
		med := func(f func(Result) float64) float64 { return median(rs, f) }
		s.ItemsPerSec = med(func(r Result) float64 { return r.ItemsPerSec })
		s.CPUSecPerMItems = med(func(r Result) float64 { return r.CPUSecPerMItems })
		s.PeakRSSMB = med(func(r Result) float64 { return float64(r.PeakRSSBytes) / 1e6 })
		s.PeakHeapMB = med(func(r Result) float64 { return float64(r.PeakHeapBytes) / 1e6 })
		s.WireBytesPerItem = med(func(r Result) float64 { return r.WireBytesPerItem })
		s.P50ms = med(func(r Result) float64 { return r.LatencyP50ms })
		s.P99ms = med(func(r Result) float64 { return r.LatencyP99ms })
		s.DrainSeconds = med(func(r Result) float64 { return r.DrainSeconds })
		out = append(out, s)
	}
	return out
}

func median(rs []Result, f func(Result) float64) float64 {
	var v []float64
	for _, r := range rs {
		if r.Items > 0 {
			v = append(v, f(r))
		}
	}
	if len(v) == 0 {
		return 0
	}
	sort.Float64s(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

// ours finds the ours summary of the same group.
func ours(all []Summary, s Summary) (Summary, bool) {
	for _, o := range all {
		if o.Role == Ours && o.Scenario == s.Scenario && o.Path == s.Path && o.Fault == s.Fault {
			return o, true
		}
	}
	return Summary{}, false
}

// WriteMarkdown writes the table: one row per variant and group, with
// ours' throughput and CPU as a ratio against each other variant.
func WriteMarkdown(w io.Writer, sums []Summary) {
	fmt.Fprintln(w, "| scenario | path | fault | variant | role | runs | items/s | CPU s / M items | peak RSS MB | peak heap MB | wire B/item | p50 ms | p99 ms | lost | dup | drain s | ours÷this items/s | this÷ours CPU | status |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
	for _, s := range sums {
		ratioT, ratioC := "", ""
		if o, ok := ours(sums, s); ok && s.Role != Ours && s.ItemsPerSec > 0 && o.CPUSecPerMItems > 0 {
			ratioT = fmt.Sprintf("%.2f×", o.ItemsPerSec/s.ItemsPerSec)
			ratioC = fmt.Sprintf("%.2f×", s.CPUSecPerMItems/o.CPUSecPerMItems)
		}
		status := "ok"
		if s.Unchecked {
			status = "sent; not counted (user backend)"
		}
		if s.Failed > 0 {
			status = fmt.Sprintf("FAILED %d/%d: %s", s.Failed, s.Runs, oneLine(s.Error))
		}
		fault := s.Fault
		if fault == "" {
			fault = "–"
		}
		heap := "–"
		if s.PeakHeapMB > 0 {
			heap = fmt.Sprintf("%.0f", s.PeakHeapMB)
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %d | %.0f | %.2f | %.0f | %s | %.1f | %.0f | %.0f | %d | %d | %.1f | %s | %s | %s |\n",
			s.Scenario, s.Path, fault, s.Variant, s.Role, s.Runs, s.ItemsPerSec, s.CPUSecPerMItems, s.PeakRSSMB, heap,
			s.WireBytesPerItem, s.P50ms, s.P99ms, s.Lost, s.Duplicates, s.DrainSeconds, ratioT, ratioC, status)
	}
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	s = strings.ReplaceAll(s, "|", "/")
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return s
}

// Output is the JSON file.
type Output struct {
	Command   string    `json:"command"`
	Machine   string    `json:"machine"`
	Started   string    `json:"started"`
	Load      Load      `json:"load"`
	Plan      Plan      `json:"plan"`
	Results   []Result  `json:"runs"`
	Summaries []Summary `json:"summaries"`
}

// Write saves results.json, results.md and the plots into dir.
func Write(dir string, out Output) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	js, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "results.json"), js, 0o644); err != nil {
		return err
	}
	var md strings.Builder
	fmt.Fprintf(&md, "# otelhub testbed run %s\n\nCommand: `%s`\n\nMachine: %s\n\nLoad: %+v; plan: %d rounds A B A B, paths %v.\n\n",
		out.Started, out.Command, out.Machine, out.Load, out.Plan.Rounds, out.Plan.Paths)
	WriteMarkdown(&md, out.Summaries)
	if err := os.WriteFile(filepath.Join(dir, "results.md"), []byte(md.String()), 0o644); err != nil {
		return err
	}
	return Plots(dir, out.Summaries)
}
