// Package bench is the testbed's frame: it drives each registered
// scenario (an otelhub exporter, its twins and its end-to-end peers) with
// the loadgen receiver's data into a counting sink, alternating variants
// run by run, measures every run, and writes the table, JSON and plots.
//
// Adding an exporter is one file in package scenarios that calls Register.
package bench

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"go.opentelemetry.io/collector/component"

	"github.com/otelhub/otelhub/testbed/sink"
)

// Signals a scenario can carry.
const (
	Metrics = "metrics"
	Logs    = "logs"
	Traces  = "traces"
)

// Roles of a variant: ours is measured against every twin and peer of the
// same scenario and path.
const (
	Ours = "ours"
	Twin = "twin"
	Peer = "peer"
)

// Paths a variant runs on.
const (
	InProcess = "inprocess" // the exporter built from its factory, in this process
	EndToEnd  = "e2e"       // a child process fed over OTLP/HTTP
)

// Scenario is one otelhub exporter with the variants it is compared to.
type Scenario struct {
	// Name is the otelhub exporter's type, e.g. "victoriametrics".
	Name string
	// Signal is what the loadgen receiver generates: Metrics, Logs or Traces.
	Signal string
	// SinkKind is the protocol of the counting sink (see package sink).
	SinkKind string
	// NewSink, when set, replaces the counting sink with another Sink (a
	// real server counted by a query, say); SinkKind is then unused.
	NewSink func(env Env) (Sink, error)
	// Units says how many sink units (samples, rows, documents) a batch of
	// pdata becomes, from the protocol's rules, not from the exporter: the
	// sink must count exactly this many.
	Units func(data any) (int64, error)
	// Variants, ours first.
	Variants []Variant
}

// Variant is one implementation in a scenario.
type Variant struct {
	Name string
	Role string
	// Exporter builds the exporter in process, pointed at the backend (the
	// counting sink, or a user's backend with its credentials); it must
	// implement the scenario's consumer interface. Nil when the variant has
	// no in-process form.
	Exporter func(ctx context.Context, b Backend) (component.Component, error)
	// Process starts a child process that takes OTLP/HTTP and writes to the
	// sink. Nil when the variant has no end-to-end form.
	Process func(env Env, b Backend) (*Proc, error)
	// Unavailable, when set, says why this variant cannot run (a twin that
	// does not resolve at the pinned release, say); it is reported, never
	// silently dropped.
	Unavailable string
}

// Sink is where the variants send, and what counts what arrived.
// *sink.Client (the testbed's counting sink) is one.
type Sink interface {
	BaseURL() string
	Counts() (sink.Counts, error)
	Reset() error
	// Fault makes the sink misbehave for d (mode down, 429 or slow); a sink
	// that cannot returns an error, and the fault run fails saying so.
	Fault(mode string, d, delay time.Duration) error
	Close()
}

// Env is what process variants need to find their binaries.
type Env struct {
	// Root is the repository root: bin/otelhub and .tools/ are under it.
	Root string
	// TempDir is a fresh folder for this run.
	TempDir string
}

var (
	mu        sync.Mutex
	scenarios = map[string]*Scenario{}
)

// Register adds a scenario; scenario files call it from init.
func Register(s *Scenario) {
	mu.Lock()
	defer mu.Unlock()
	if _, dup := scenarios[s.Name]; dup {
		panic(fmt.Sprintf("bench: scenario %q registered twice", s.Name))
	}
	scenarios[s.Name] = s
}

// Scenarios returns the registered scenarios named in names (all when
// names is empty), sorted by name.
func Scenarios(names ...string) ([]*Scenario, error) {
	mu.Lock()
	defer mu.Unlock()
	var out []*Scenario
	if len(names) == 0 {
		for _, s := range scenarios {
			out = append(out, s)
		}
	}
	for _, n := range names {
		s, ok := scenarios[n]
		if !ok {
			return nil, fmt.Errorf("no scenario %q", n)
		}
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
