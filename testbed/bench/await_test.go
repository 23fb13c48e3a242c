package bench

import (
	"context"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelhub/otelhub/testbed/sink"
)

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
	accept := func(context.Context, Backend) (component.Component, error) {
		c, err := consumer.NewLogs(func(context.Context, plog.Logs) error { return nil })
		return struct {
			component.StartFunc
			component.ShutdownFunc
			consumer.Logs
		}{Logs: c}, err
	}
	r := &Runner{Sink: sk, Load: Load{Items: 10, BatchSize: 10, Services: 1}, Drain: 5 * time.Second}
	f := &Fault{Name: "down", Mode: "down", For: time.Millisecond}
	res := r.Run(context.Background(), sc, Variant{Name: "v", Role: Ours, Exporter: accept}, InProcess, 1, f)
	if !res.OK || res.Counted != 10 || res.Duplicates != 1 {
		t.Errorf("counted %d, %d duplicates, ok=%v (%s); want 10 counted, 1 duplicate, ok", res.Counted, res.Duplicates, res.OK, res.Error)
	}
}
