package components

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/otelcol"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelhub/otelhub/internal/logeval"
)

// loadgen's log templates are synthetic and were seen while the pattern
// processor was written, so this is not a test on unseen data; each record
// carries its true template id. loadgen -> pattern -> file, in a real
// collector, then the grouping is scored against that truth. The HTTP
// method is a word the processor keeps in the template (issue 10, item 3),
// so the truth of the access-log template includes it.
func TestPatternProcessorGroupsLoadgenLogs(t *testing.T) {
	const total = 3000
	out := filepath.Join(t.TempDir(), "tagged.jsonl")
	startCollector(t, "patterns", fmt.Sprintf(`
receivers:
  loadgen:
    signals: [logs]
    rate: 0
    total: %d
    seed: 11
processors:
  pattern:
exporters:
  jsonlfile:
    path: %s
    flush_interval: 0s
service:
  telemetry: {metrics: {level: none}}
  pipelines:
    logs: {receivers: [loadgen], processors: [pattern], exporters: [jsonlfile]}
`, total, out))

	var ids, truth []string
	require.Eventually(t, func() bool {
		ids, truth = readTagged(t, out)
		return len(ids) >= total
	}, 30*time.Second, 50*time.Millisecond)
	require.Len(t, ids, total)
	ga, fga := logeval.Score(ids, truth)
	t.Logf("loadgen logs: GA %.3f FGA %.3f", ga, fga)
	// Guard at the level reached (GA 1.000 when written); goal GA >= 0.90.
	assert.GreaterOrEqual(t, ga, 0.99)
}

func readTagged(t *testing.T, path string) (ids, truth []string) {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		ld, err := (&plog.JSONUnmarshaler{}).UnmarshalLogs(sc.Bytes())
		require.NoError(t, err)
		for _, rl := range ld.ResourceLogs().All() {
			svc, _ := rl.Resource().Attributes().Get("service.name")
			for _, sl := range rl.ScopeLogs().All() {
				for _, lr := range sl.LogRecords().All() {
					id, _ := lr.Attributes().Get("log.pattern.id")
					tpl, _ := lr.Attributes().Get("loadgen.template.id")
					ids = append(ids, id.Str())
					// Patterns are kept per service, so the truth is too.
					truth = append(truth, svc.Str()+"/"+tpl.AsString()+httpMethod(lr.Body().Str()))
				}
			}
		}
	}
	return ids, truth
}

// httpMethod returns "/" and the HTTP method a body starts with, if any.
func httpMethod(body string) string {
	word, _, _ := strings.Cut(body, " ")
	switch word {
	case "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS":
		return "/" + word
	}
	return ""
}

// With file_storage, pattern ids keep their meaning across a collector
// restart: each loadgen template maps to the same id before and after.
func TestPatternIDsSurviveRestartWithFileStorage(t *testing.T) {
	dir := t.TempDir()
	run := func(name string, seed int) map[string]string {
		out := filepath.Join(dir, name+".jsonl")
		col := startCollector(t, name, fmt.Sprintf(`
extensions:
  file_storage:
    directory: %s
receivers:
  loadgen:
    signals: [logs]
    rate: 0
    total: 600
    seed: %d
    services: 1
processors:
  pattern:
    storage: file_storage
exporters:
  jsonlfile:
    path: %s
    flush_interval: 0s
service:
  extensions: [file_storage]
  telemetry: {metrics: {level: none}}
  pipelines:
    logs: {receivers: [loadgen], processors: [pattern], exporters: [jsonlfile]}
`, dir, seed, out))
		var ids, truth []string
		require.Eventually(t, func() bool {
			ids, truth = readTagged(t, out)
			return len(ids) >= 600
		}, 30*time.Second, 50*time.Millisecond)
		col.Shutdown()
		require.Eventually(t, func() bool { return col.GetState() == otelcol.StateClosed }, 30*time.Second, 10*time.Millisecond)
		byTemplate := map[string]string{}
		for i, id := range ids {
			if prev, ok := byTemplate[truth[i]]; ok {
				require.Equal(t, prev, id, "one template, one id, within a run")
			}
			byTemplate[truth[i]] = id
		}
		return byTemplate
	}
	before := run("before", 1)
	after := run("after", 2) // other data, same templates
	require.Len(t, after, len(before))
	for tpl, id := range before {
		assert.Equal(t, id, after[tpl], "template %s", tpl)
	}
}
