package bench

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelhub/otelhub/testbed/sink"
)

// faulty is a logs exporter that posts each batch to a _bulk sink, with a
// deliberate defect: it drops the first record it sees, sends it twice, or
// sends a body that is not _bulk. It ignores the sink's answer, as a buggy
// exporter would, so that only the sink's counts can catch it.
func faulty(defect string) func(context.Context, Backend) (component.Component, error) {
	return func(_ context.Context, b Backend) (component.Component, error) {
		first := true
		c, err := consumer.NewLogs(func(_ context.Context, ld plog.Logs) error {
			var body bytes.Buffer
			for _, rl := range ld.ResourceLogs().All() {
				for _, sl := range rl.ScopeLogs().All() {
					for _, lr := range sl.LogRecords().All() {
						seq, _ := lr.Attributes().Get(SeqAttribute)
						doc := fmt.Sprintf("{\"create\":{}}\n{\"@timestamp\":%q,\"seq\":%d}\n",
							lr.Timestamp().AsTime().UTC().Format(time.RFC3339Nano), seq.Int())
						n := 1
						if first {
							first = false
							switch defect {
							case "drop":
								n = 0
							case "duplicate":
								n = 2
							}
						}
						body.WriteString(strings.Repeat(doc, n))
					}
				}
			}
			if defect == "garbage" {
				body.Reset()
				body.WriteString("not bulk\n")
			}
			resp, err := http.Post(b.URL+"/_bulk", "application/x-ndjson", &body)
			if err == nil {
				resp.Body.Close()
			}
			return nil
		})
		return struct {
			component.StartFunc
			component.ShutdownFunc
			consumer.Logs
		}{Logs: c}, err
	}
}

// TestVerdictCatchesDefects: a variant that loses, duplicates or garbles
// items fails its run; a faithful one passes.
func TestVerdictCatchesDefects(t *testing.T) {
	sk, err := sink.Local("esbulk")
	if err != nil {
		t.Fatal(err)
	}
	defer sk.Close()
	sc := &Scenario{Name: "defects", Signal: Logs, SinkKind: "esbulk",
		Units: func(data any) (int64, error) { return int64(data.(plog.Logs).LogRecordCount()), nil }}
	r := &Runner{Sink: sk, Load: Load{Items: 2000, BatchSize: 200, Services: 5}, Drain: 2 * time.Second}
	for _, tc := range []struct {
		defect string
		ok     bool
	}{{"none", true}, {"drop", false}, {"duplicate", false}, {"garbage", false}} {
		res := r.Run(context.Background(), sc, Variant{Name: tc.defect, Role: Ours, Exporter: faulty(tc.defect)}, InProcess, 1, nil)
		if res.OK != tc.ok {
			t.Errorf("%s: ok=%v, want %v (sent %d, expected %d, counted %d, dup %d, invalid %d: %s)",
				tc.defect, res.OK, tc.ok, res.Items, res.Expected, res.Counted, res.Duplicates, res.Invalid, res.Error)
		} else {
			t.Logf("%s: ok=%v %s", tc.defect, res.OK, res.Error)
		}
	}
}

// TestRefusingVariantFails: a variant that stops accepting data (its
// queue stuck full, say) fails its run after Drain instead of hanging
// the benchmark.
func TestRefusingVariantFails(t *testing.T) {
	sk, err := sink.Local("esbulk")
	if err != nil {
		t.Fatal(err)
	}
	defer sk.Close()
	sc := &Scenario{Name: "refuses", Signal: Logs, SinkKind: "esbulk",
		Units: func(data any) (int64, error) { return int64(data.(plog.Logs).LogRecordCount()), nil }}
	refuse := logsExporter(func(context.Context, plog.Logs) error { return fmt.Errorf("queue is full") })
	r := &Runner{Sink: sk, Load: Load{Items: 1000, BatchSize: 100, Services: 5}, Drain: time.Second}
	done := make(chan Result, 1)
	go func() {
		done <- r.Run(context.Background(), sc, Variant{Name: "refuses", Role: Ours, Exporter: refuse}, InProcess, 1, nil)
	}()
	select {
	case res := <-done:
		if res.OK {
			t.Errorf("a variant that accepted nothing passed: %+v", res)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the run did not end 20 s after its variant stopped accepting (Drain is 1 s)")
	}
}

// scripted is a Sink whose counts follow a script, one step per poll, as
// the chDB sink's do: while rows still arrive it reports them as distinct
// (unverified), and the exact distinct count once they hold still.
type scripted struct {
	mu    sync.Mutex
	steps []sink.Counts
	i     int
}

func (s *scripted) BaseURL() string                                  { return "http://127.0.0.1:9" }
func (s *scripted) Reset() error                                     { return nil }
func (s *scripted) Fault(string, time.Duration, time.Duration) error { return nil }
func (s *scripted) Close()                                           {}
func (s *scripted) Counts() (sink.Counts, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.steps[min(s.i, len(s.steps)-1)]
	s.i++
	c.Last = time.Now()
	return c, nil
}

// TestFinalCountWaitsForStillSink: a late duplicate arriving in the grace
// after the last unit must show as a duplicate in the final count, not as
// a unit more than was sent (which the unverified count of a sink that
// is still receiving would report).
func TestFinalCountWaitsForStillSink(t *testing.T) {
	sk := &scripted{steps: []sink.Counts{
		{Units: 10, Distinct: 10},
		{Units: 11, Distinct: 11}, // a late duplicate, not yet told apart
		{Units: 11, Distinct: 10}, // rows held still: exact
	}}
	sc := &Scenario{Name: "late", Signal: Logs,
		Units: func(data any) (int64, error) { return int64(data.(plog.Logs).LogRecordCount()), nil }}
	accept := logsExporter(func(context.Context, plog.Logs) error { return nil })
	r := &Runner{Sink: sk, Load: Load{Items: 10, BatchSize: 10, Services: 1}, Drain: 5 * time.Second}
	f := &Fault{Name: "down", Mode: "down", For: time.Millisecond}
	res := r.Run(context.Background(), sc, Variant{Name: "v", Role: Ours, Exporter: accept}, InProcess, 1, f)
	if !res.OK || res.Counted != 10 || res.Duplicates != 1 {
		t.Errorf("counted %d, %d duplicates, ok=%v (%s); want 10 counted, 1 duplicate, ok", res.Counted, res.Duplicates, res.OK, res.Error)
	}
}

// logsExporter is a variant's exporter made of one ConsumeLogs function.
func logsExporter(f consumer.ConsumeLogsFunc) func(context.Context, Backend) (component.Component, error) {
	return func(context.Context, Backend) (component.Component, error) {
		c, err := consumer.NewLogs(f)
		return struct {
			component.StartFunc
			component.ShutdownFunc
			consumer.Logs
		}{Logs: c}, err
	}
}
