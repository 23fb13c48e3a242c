package bench

import (
	"fmt"
	"image/color"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

var barColors = []color.Color{
	color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff},
	color.RGBA{R: 0xff, G: 0x7f, B: 0x0e, A: 0xff},
	color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff},
	color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff},
}

// Plots draws, per scenario, the median throughput and CPU per million
// items of each variant, grouped by path (fault runs left out), as SVG
// and PNG.
func Plots(dir string, sums []Summary) error {
	byScenario := map[string][]Summary{}
	var names []string
	for _, s := range sums {
		if s.Fault != "" {
			continue
		}
		if _, ok := byScenario[s.Scenario]; !ok {
			names = append(names, s.Scenario)
		}
		byScenario[s.Scenario] = append(byScenario[s.Scenario], s)
	}
	for _, name := range names {
		ss := byScenario[name]
		if err := barPlot(filepath.Join(dir, name+"-throughput.svg"), name+": items/s (higher is better)", ss,
			func(s Summary) float64 { return s.ItemsPerSec }); err != nil {
			return err
		}
		if err := barPlot(filepath.Join(dir, name+"-cpu.svg"), name+": CPU s per million items (lower is better)", ss,
			func(s Summary) float64 { return s.CPUSecPerMItems }); err != nil {
			return err
		}
	}
	return nil
}

func barPlot(file, title string, ss []Summary, value func(Summary) float64) error {
	var paths, variants []string
	seen := map[string]bool{}
	for _, s := range ss {
		if !seen["p"+s.Path] {
			seen["p"+s.Path] = true
			paths = append(paths, s.Path)
		}
		if !seen["v"+s.Variant] {
			seen["v"+s.Variant] = true
			variants = append(variants, s.Variant)
		}
	}
	p := plot.New()
	p.Title.Text = title
	p.Legend.Top = true
	p.Y.Min = 0
	w := vg.Points(18)
	for i, v := range variants {
		vals := make(plotter.Values, len(paths))
		for j, path := range paths {
			for _, s := range ss {
				if s.Variant == v && s.Path == path {
					vals[j] = value(s)
				}
			}
		}
		bars, err := plotter.NewBarChart(vals, w)
		if err != nil {
			return err
		}
		bars.Color = barColors[i%len(barColors)]
		bars.LineStyle.Width = 0
		bars.Offset = w * vg.Length(float64(i)-float64(len(variants)-1)/2)
		p.Add(bars)
		p.Legend.Add(v, bars)
	}
	p.NominalX(paths...)
	for _, f := range []string{file, strings.TrimSuffix(file, ".svg") + ".png"} {
		if err := p.Save(5*vg.Inch, 3.5*vg.Inch, f); err != nil {
			return fmt.Errorf("plot %s: %w", f, err)
		}
	}
	return nil
}
