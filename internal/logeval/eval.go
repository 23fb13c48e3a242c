// Package logeval scores log grouping against labelled Loghub datasets:
// Grouping Accuracy (GA) and the F1 of grouping (FGA).
package logeval

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"time"

	"go.opentelemetry.io/collector/pdata/plog"
)

// Dataset is one labelled sample: the content of each line and its true
// event id.
type Dataset struct {
	Name    string
	Content []string
	EventID []string
}

// Load reads every <dir>/<name>/<name>_2k.log_structured.csv below root
// (or root itself when it is one such folder).
func Load(root string) ([]Dataset, error) {
	files, err := filepath.Glob(filepath.Join(root, "*", "*_structured.csv"))
	if err != nil {
		return nil, err
	}
	own, _ := filepath.Glob(filepath.Join(root, "*_structured.csv"))
	files = append(own, files...)
	sort.Strings(files)
	var out []Dataset
	for _, f := range files {
		d, err := loadCSV(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		out = append(out, d)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no *_structured.csv under %s", root)
	}
	return out, nil
}

func loadCSV(path string) (Dataset, error) {
	f, err := os.Open(path)
	if err != nil {
		return Dataset{}, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		return Dataset{}, err
	}
	content, event := -1, -1
	for i, h := range header {
		switch h {
		case "Content":
			content = i
		case "EventId":
			event = i
		}
	}
	if content < 0 || event < 0 {
		return Dataset{}, fmt.Errorf("no Content or EventId column")
	}
	name := filepath.Base(filepath.Dir(path))
	d := Dataset{Name: name}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return Dataset{}, err
		}
		d.Content = append(d.Content, rec[content])
		d.EventID = append(d.EventID, rec[event])
	}
	return d, nil
}

// Score compares predicted group ids with the true event ids, line by line.
// GA is the share of lines whose predicted group holds exactly the lines of
// their true event; FGA is the F1 of groups that match an event exactly.
func Score(predicted, truth []string) (ga, fga float64) {
	pred := groups(predicted)
	tru := groups(truth)
	correctLines, correctGroups := 0, 0
	for _, lines := range pred {
		if exact(lines, tru[truth[lines[0]]]) {
			correctLines += len(lines)
			correctGroups++
		}
	}
	ga = float64(correctLines) / float64(len(truth))
	p := float64(correctGroups) / float64(len(pred))
	r := float64(correctGroups) / float64(len(tru))
	if p+r > 0 {
		fga = 2 * p * r / (p + r)
	}
	return ga, fga
}

func groups(ids []string) map[string][]int {
	g := map[string][]int{}
	for i, id := range ids {
		g[id] = append(g[id], i)
	}
	return g
}

// exact reports whether two ascending line lists are the same.
func exact(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Feed sends a dataset through consume in batches of batchSize records,
// one resource (service.name = the dataset's name) a batch, and returns
// the value of idAttr on each record afterwards, in order, with the time
// consume took. consume must process the logs in place before returning,
// as a processor's ConsumeLogs does.
func Feed(ctx context.Context, d Dataset, batchSize int, idAttr string, consume func(context.Context, plog.Logs) error) ([]string, time.Duration, error) {
	ids := make([]string, 0, len(d.Content))
	var took time.Duration
	for start := 0; start < len(d.Content); start += batchSize {
		end := min(start+batchSize, len(d.Content))
		ld := plog.NewLogs()
		rl := ld.ResourceLogs().AppendEmpty()
		rl.Resource().Attributes().PutStr("service.name", d.Name)
		lrs := rl.ScopeLogs().AppendEmpty().LogRecords()
		for _, c := range d.Content[start:end] {
			lrs.AppendEmpty().Body().SetStr(c)
		}
		t0 := time.Now()
		if err := consume(ctx, ld); err != nil {
			return nil, 0, err
		}
		took += time.Since(t0)
		for _, lr := range lrs.All() {
			v, ok := lr.Attributes().Get(idAttr)
			if !ok {
				return nil, 0, fmt.Errorf("%s: a record has no %s", d.Name, idAttr)
			}
			ids = append(ids, v.Str())
		}
	}
	return ids, took, nil
}
