package patternprocessor

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

func ids(ld plog.Logs) []string {
	var out []string
	for _, lr := range records(ld) {
		out = append(out, attr(lr, "log.pattern.id"))
	}
	return out
}

// A first token that is a name (here a launchd job) does not split lines
// that say the same thing (issue 10, item 1); a first token that is a
// plain word still tells events apart.
func TestNameLikeFirstTokenDoesNotSplitPatterns(t *testing.T) {
	p := newTestProcessor(t, createDefaultConfig().(*Config), nil)
	ld := logs("mac",
		"com.apple.cloudd.daily: scheduler_evaluate_activity told me to run this job; however, but the start time isn't for 439034 seconds.  Ignoring.",
		"com.apple.icloud.fmfd.heartbeat: scheduler_evaluate_activity told me to run this job; however, but the start time isn't for 59 seconds.  Ignoring.",
		"svchost.exe - proxy.example.org:5070 open through proxy proxy.example.org:5070 HTTPS",
		"chrome.exe - proxy.example.org:5070 open through proxy proxy.example.org:5070 HTTPS",
		"Starting session of user root",
		"Stopping session of user root",
	)
	require.NoError(t, p.ConsumeLogs(context.Background(), ld))
	got := ids(ld)
	assert.Equal(t, got[0], got[1])
	assert.Equal(t, got[2], got[3])
	assert.NotEqual(t, got[4], got[5])
	assert.NotEqual(t, got[0], got[2])
}

// The HTTP method is not masked (issue 10, item 3): in real access logs it
// sits inside the quoted request line, which is masked as a whole.
func TestHTTPMethodIsNotMasked(t *testing.T) {
	p := newTestProcessor(t, createDefaultConfig().(*Config), nil)
	ld := logs("web", "GET /api/orders completed in 12ms", `10.0.0.1 - - "GET /index.html HTTP/1.1" 200 512`)
	require.NoError(t, p.ConsumeLogs(context.Background(), ld))
	rs := records(ld)
	assert.Equal(t, "GET <*> completed in <*>", attr(rs[0], "log.pattern.template"))
	assert.Equal(t, "<*> - - <*> <*> <*>", attr(rs[1], "log.pattern.template"))
}

// Patterns keep copies of their text, not the record bodies they came from
// (issue 10, item 6): 64 patterns from 1 MiB bodies held 64 MiB before.
func TestPatternsDoNotKeepBodiesAlive(t *testing.T) {
	p := newTestProcessor(t, createDefaultConfig().(*Config), nil)
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	before := heap()
	for i := range 64 { // distinct first words: 64 patterns
		first := string(rune('a'+i%26)) + string(rune('a'+i/26))
		body := first + strings.Repeat(" word", 1<<20/5)
		require.NoError(t, p.ConsumeLogs(context.Background(), logs("s", body)))
	}
	after := heap()
	runtime.KeepAlive(p)
	assert.Less(t, int64(after)-int64(before), int64(8<<20), "held %d bytes", after-before)
}

// max_memory_mib bounds what the patterns hold, and the memory gauge
// reports it (issue 10, item 6).
func TestMaxMemoryBoundsPatterns(t *testing.T) {
	tel := newTestTelemetry(t)
	cfg := createDefaultConfig().(*Config)
	cfg.MaxMemoryMiB = 1
	p := newTestProcessor(t, cfg, tel)
	for i := range 2000 { // 2,000 distinct 2 KiB templates: about 4 MiB
		w := strings.Repeat(fmt.Sprintf("w%c%c ", 'a'+i%26, 'a'+i/26%26), 500) + fmt.Sprint(i/676)
		require.NoError(t, p.ConsumeLogs(context.Background(), logs(fmt.Sprint("svc", i%3), w)))
	}
	mem, err := tel.GetMetric("otelcol_processor_pattern_memory")
	require.NoError(t, err)
	held := mem.Data.(metricdata.Gauge[int64]).DataPoints[0].Value
	assert.LessOrEqual(t, held, int64(1<<20))
	assert.Greater(t, held, int64(1<<19), "the budget is used, not emptied")
	ev, err := tel.GetMetric("otelcol_processor_pattern_evictions")
	require.NoError(t, err)
	assert.Greater(t, ev.Data.(metricdata.Sum[int64]).DataPoints[0].Value, int64(1000))
}

// A cut at max_line_length never splits a UTF-8 sequence (issue 10, item
// 7), so the template is valid text and survives a JSON round trip.
func TestTruncationKeepsRunesWhole(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.MaxLineLength = 7 // inside the second "é"
	p := newTestProcessor(t, cfg, nil)
	ld := logs("s", "résumé très long")
	require.NoError(t, p.ConsumeLogs(context.Background(), ld))
	rs := records(ld)
	tpl := attr(rs[0], "log.pattern.template")
	assert.True(t, utf8.ValidString(tpl), "%q", tpl)
	assert.Equal(t, "résum", tpl)
}

// Rules see the record as it came, not the attributes this processor
// writes, and an upstream tags value never survives (issue 10, item 9).
func TestRulesSeeTheRecordNotOurAttributes(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.Rules = []Rule{{Name: "hexid", Regex: `^[0-9a-f]{16}$`}, {Name: "wild", Keywords: []string{"<*>"}}}
	p := newTestProcessor(t, cfg, nil)
	ld := logs("s", "plain words only", "user 42 logged in")
	rs := records(ld)
	rs[1].Attributes().PutEmptySlice("log.pattern.tags").AppendEmpty().SetStr("stale")
	rs[1].Attributes().PutStr("log.pattern.template", "stale <*>")
	require.NoError(t, p.ConsumeLogs(context.Background(), ld))
	for i, lr := range rs {
		_, ok := lr.Attributes().Get("log.pattern.tags")
		assert.False(t, ok, "record %d got tags", i)
	}
	assert.Equal(t, "user <*> logged in", attr(rs[1], "log.pattern.template"))
}

// Past max_partitions, the least recently used partition is reclaimed for
// a new service instead of every new service sharing one overflow state
// forever (issue 10, item 10).
func TestPartitionsAreReclaimed(t *testing.T) {
	tel := newTestTelemetry(t)
	cfg := createDefaultConfig().(*Config)
	cfg.MaxPartitions = 2
	p := newTestProcessor(t, cfg, tel)
	got := map[string]string{}
	for _, svc := range []string{"a", "b", "c", "d"} {
		ld := logs(svc, "job 1 done")
		require.NoError(t, p.ConsumeLogs(context.Background(), ld))
		got[svc] = ids(ld)[0]
	}
	assert.NotEqual(t, got["c"], got["d"], "c and d have partitions of their own")
	m, err := tel.GetMetric("otelcol_processor_pattern_partitions_evicted")
	require.NoError(t, err)
	assert.Equal(t, int64(2), m.Data.(metricdata.Sum[int64]).DataPoints[0].Value)
}

// After Shutdown the gauges are unregistered: the meter no longer reaches
// the processor's state (issue 10, item 10).
func TestShutdownUnregistersGauges(t *testing.T) {
	tel := newTestTelemetry(t)
	set := testSettings(tel)
	p, err := NewFactory().CreateLogs(context.Background(), set, createDefaultConfig(), nopSink())
	require.NoError(t, err)
	require.NoError(t, p.Start(context.Background(), componenttest.NewNopHost()))
	require.NoError(t, p.ConsumeLogs(context.Background(), logs("s", "hello world")))
	_, err = tel.GetMetric("otelcol_processor_pattern_active_patterns")
	require.NoError(t, err)
	require.NoError(t, p.Shutdown(context.Background()))
	_, err = tel.GetMetric("otelcol_processor_pattern_active_patterns")
	assert.Error(t, err, "the gauge is still observed after Shutdown")
}

// With storage, the state is saved every save_interval, not only at a
// clean shutdown (issue 10, item 10).
func TestStateIsSavedPeriodically(t *testing.T) {
	st := &memStorage{data: map[string][]byte{}}
	cfg := createDefaultConfig().(*Config)
	cfg.Storage = &storageID
	cfg.SaveInterval = 20 * time.Millisecond
	p := startWith(t, cfg, hostWith{storageID: st})
	require.NoError(t, p.ConsumeLogs(context.Background(), logs("s", "User alice logged in")))
	assert.Eventually(t, func() bool {
		st.mu.Lock()
		defer st.mu.Unlock()
		return strings.Contains(string(st.data[stateKey]), "alice")
	}, 5*time.Second, 10*time.Millisecond)
	require.NoError(t, p.Shutdown(context.Background()))
}
