package loadgenreceiver

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// generator holds what every signal's generator needs: a seeded random
// source and the fixed set of resources the data is spread over.
type generator struct {
	rng       *rand.Rand
	resources []pcommon.Resource
	start     time.Time
}

var (
	serviceNames = []string{"checkout", "cart", "payments", "catalog", "auth", "shipping", "search", "frontend"}
	environments = []string{"production", "staging"}
)

// newGenerator builds a generator; stream separates the random streams of
// the signals so that each one is reproducible on its own.
func newGenerator(seed uint64, stream uint64, services int) *generator {
	g := &generator{
		rng:   rand.New(rand.NewPCG(seed, stream)),
		start: time.Now(),
	}
	for i := range services {
		res := pcommon.NewResource()
		a := res.Attributes()
		name := serviceNames[i%len(serviceNames)]
		if i >= len(serviceNames) {
			name = fmt.Sprintf("%s-%d", name, i/len(serviceNames))
		}
		a.PutStr("service.name", name)
		a.PutStr("service.namespace", "shop")
		a.PutStr("service.version", fmt.Sprintf("1.%d.%d", g.rng.IntN(10), g.rng.IntN(20)))
		a.PutStr("service.instance.id", g.uuid())
		a.PutStr("deployment.environment.name", environments[i%len(environments)])
		a.PutStr("host.name", fmt.Sprintf("node-%02d.cluster.local", g.rng.IntN(40)))
		a.PutStr("telemetry.sdk.name", "opentelemetry")
		a.PutStr("telemetry.sdk.language", "go")
		a.PutStr("telemetry.sdk.version", "1.38.0")
		g.resources = append(g.resources, res)
	}
	return g
}

func (g *generator) resource() pcommon.Resource {
	return g.resources[g.rng.IntN(len(g.resources))]
}

func (g *generator) pick(list []string) string {
	return list[g.rng.IntN(len(list))]
}

func (g *generator) ip() string {
	return fmt.Sprintf("10.%d.%d.%d", g.rng.IntN(256), g.rng.IntN(256), 1+g.rng.IntN(254))
}

func (g *generator) uuid() string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], g.rng.Uint64())
	binary.BigEndian.PutUint64(b[8:], g.rng.Uint64())
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

func (g *generator) traceID() pcommon.TraceID {
	var id pcommon.TraceID
	binary.BigEndian.PutUint64(id[:8], g.rng.Uint64())
	binary.BigEndian.PutUint64(id[8:], g.rng.Uint64()|1)
	return id
}

func (g *generator) spanID() pcommon.SpanID {
	var id pcommon.SpanID
	binary.BigEndian.PutUint64(id[:], g.rng.Uint64()|1)
	return id
}

// duration returns a log-normal-ish latency: mostly fast, with a long tail.
func (g *generator) duration() time.Duration {
	ms := 2 + g.rng.ExpFloat64()*40
	if g.rng.IntN(50) == 0 {
		ms *= 20
	}
	return time.Duration(ms * float64(time.Millisecond))
}
