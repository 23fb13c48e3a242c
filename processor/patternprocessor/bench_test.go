package patternprocessor

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/otelhub/otelhub/processor/patternprocessor/internal/metadata"
)

// benchBatches builds batches of realistic lines: a dozen templates with
// IPs, ids, durations, paths and key=value variables.
func benchBatches(n, size int) []plog.Logs {
	rng := rand.New(rand.NewPCG(1, 2))
	templates := []func() string{
		func() string {
			return fmt.Sprintf("Accepted connection from 10.%d.%d.%d:%d", rng.IntN(255), rng.IntN(255), rng.IntN(255), rng.IntN(60000))
		},
		func() string {
			return fmt.Sprintf("GET /api/v1/orders/%d completed in %dms status=200", rng.IntN(1e6), rng.IntN(900))
		},
		func() string {
			return fmt.Sprintf("User user%d logged in from 172.16.%d.%d", rng.IntN(500), rng.IntN(255), rng.IntN(255))
		},
		func() string {
			return fmt.Sprintf("Failed password for invalid user admin from 10.0.%d.%d port %d ssh2", rng.IntN(255), rng.IntN(255), rng.IntN(60000))
		},
		func() string { return fmt.Sprintf("Connection to database orders timed out after %ds", rng.IntN(30)) },
		func() string { return fmt.Sprintf("Cache miss for key session:%016x", rng.Uint64()) },
		func() string {
			return fmt.Sprintf("Request %08x-%04x processed in %d.%03ds", rng.Uint32(), rng.IntN(65535), rng.IntN(5), rng.IntN(1000))
		},
		func() string {
			return fmt.Sprintf("Worker %d started processing job %d from queue emails", rng.IntN(32), rng.IntN(1e6))
		},
		func() string { return fmt.Sprintf("Disk usage on /dev/sda%d at %d%%", rng.IntN(4), 80+rng.IntN(20)) },
		func() string {
			return fmt.Sprintf("Out of memory: Killed process %d (java) total-vm:%dkB", rng.IntN(60000), rng.IntN(8e6))
		},
		func() string {
			return fmt.Sprintf(`payment declined order_id=%d amount=%d.%02d reason="card expired"`, rng.IntN(1e6), rng.IntN(500), rng.IntN(100))
		},
		func() string { return "Loaded configuration from /etc/app/config.yaml" },
	}
	out := make([]plog.Logs, n)
	for i := range out {
		ld := plog.NewLogs()
		rl := ld.ResourceLogs().AppendEmpty()
		rl.Resource().Attributes().PutStr("service.name", "checkout")
		lrs := rl.ScopeLogs().AppendEmpty().LogRecords()
		for range size {
			lrs.AppendEmpty().Body().SetStr(templates[rng.IntN(len(templates))]())
		}
		out[i] = ld
	}
	return out
}

// BenchmarkConsumeLogs reports records per second and allocations per
// record (the two attributes written each cost their map entries).
func BenchmarkConsumeLogs(b *testing.B) {
	const batches, size = 64, 1000
	proc, err := NewFactory().CreateLogs(context.Background(), processortest.NewNopSettings(metadata.Type),
		createDefaultConfig(), consumertest.NewNop())
	if err != nil {
		b.Fatal(err)
	}
	src := benchBatches(batches, size)
	work := make([]plog.Logs, batches)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		k := i % batches
		work[k] = plog.NewLogs()
		src[k].CopyTo(work[k]) // a fresh batch: attributes start empty
		b.StartTimer()
		if err := proc.ConsumeLogs(ctx, work[k]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*size)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkMemoryPerPattern reports the heap one pattern holds (measured
// after GC) beside the estimate that max_memory_mib counts, for 10,000
// distinct templates of about 12 words.
func BenchmarkMemoryPerPattern(b *testing.B) {
	const n = 10_000
	words := []string{"connection", "from", "user", "session", "opened", "closed", "failed", "for", "request", "took"}
	bodies := make([]string, n)
	for i := range bodies {
		var sb strings.Builder
		for j := range 12 { // distinct word sequences: one pattern each
			sb.WriteString(words[(i/pow10(j%4)+j)%len(words)])
			sb.WriteString(string(rune('a' + (i>>(j%12))%26)))
			sb.WriteByte(' ')
		}
		bodies[i] = sb.String()
	}
	var perPattern, estimate float64
	var held int
	for range b.N {
		cfg := createDefaultConfig().(*Config)
		cfg.MaxPatterns = 2 * n
		p := newProcessor(cfg, processortest.NewNopSettings(metadata.Type), nopTelemetry(b))
		before := heapAlloc()
		for i := 0; i < n; i += 1000 {
			ld := plog.NewLogs()
			lrs := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords()
			for _, body := range bodies[i : i+1000] {
				lrs.AppendEmpty().Body().SetStr(body)
			}
			if _, err := p.processLogs(context.Background(), ld); err != nil {
				b.Fatal(err)
			}
		}
		after := heapAlloc()
		patterns, bytes := p.usage()
		held = patterns
		perPattern = float64(after-before) / float64(patterns)
		estimate = float64(bytes) / float64(patterns)
		runtime.KeepAlive(p)
	}
	b.ReportMetric(float64(held), "patterns")
	b.ReportMetric(perPattern, "heap-B/pattern")
	b.ReportMetric(estimate, "counted-B/pattern")
}

func pow10(k int) int {
	n := 1
	for range k {
		n *= 10
	}
	return n
}

func heapAlloc() int64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

func nopTelemetry(b *testing.B) *telemetry {
	tel, err := newTelemetry(processortest.NewNopSettings(metadata.Type))
	if err != nil {
		b.Fatal(err)
	}
	return tel
}
