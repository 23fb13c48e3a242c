package loadgenreceiver

import (
	"fmt"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
)

// logTemplate is one kind of log line. Its id travels with each record as
// loadgen.template.id, the ground truth for pattern-mining tests.
type logTemplate struct {
	severity plog.SeverityNumber
	render   func(g *generator) string
}

var logTemplates = []logTemplate{
	{plog.SeverityNumberInfo, func(g *generator) string {
		return fmt.Sprintf("Accepted connection from %s:%d", g.ip(), 1024+g.rng.IntN(60000))
	}},
	{plog.SeverityNumberInfo, func(g *generator) string {
		return fmt.Sprintf("%s %s completed in %dms status=%d", g.pick(httpMethods),
			fillRoute(g.pick(httpRoutes), g.rng.IntN(100000)), g.duration().Milliseconds(), statusCodes[g.rng.IntN(len(statusCodes))])
	}},
	{plog.SeverityNumberInfo, func(g *generator) string {
		return fmt.Sprintf("User %s logged in from %s", g.user(), g.ip())
	}},
	{plog.SeverityNumberWarn, func(g *generator) string {
		return fmt.Sprintf("Failed password for invalid user %s from %s port %d ssh2", g.user(), g.ip(), 1024+g.rng.IntN(60000))
	}},
	{plog.SeverityNumberError, func(g *generator) string {
		return fmt.Sprintf("Connection to database %s timed out after %s", g.pick(dbTables), g.duration()*10)
	}},
	{plog.SeverityNumberDebug, func(g *generator) string {
		return fmt.Sprintf("Cache miss for key session:%016x", g.rng.Uint64())
	}},
	{plog.SeverityNumberInfo, func(g *generator) string {
		return fmt.Sprintf("Request %s processed in %s", g.uuid(), g.duration())
	}},
	{plog.SeverityNumberInfo, func(g *generator) string {
		return fmt.Sprintf("Worker %d started processing job %d from queue %s", g.rng.IntN(32), g.rng.IntN(1_000_000), g.pick(queues))
	}},
	{plog.SeverityNumberWarn, func(g *generator) string {
		return fmt.Sprintf("Disk usage on /dev/sda%d at %d%%", 1+g.rng.IntN(4), 80+g.rng.IntN(20))
	}},
	{plog.SeverityNumberFatal, func(g *generator) string {
		return fmt.Sprintf("Out of memory: Killed process %d (%s) total-vm:%dkB", 1000+g.rng.IntN(60000), g.pick(processes), g.rng.IntN(8_000_000))
	}},
	{plog.SeverityNumberError, func(g *generator) string {
		return fmt.Sprintf("payment declined order_id=%d amount=%.2f currency=%s reason=%q", g.rng.IntN(1_000_000),
			g.rng.Float64()*500, g.pick(currencies), g.pick(declineReasons))
	}},
	{plog.SeverityNumberInfo, func(g *generator) string {
		return fmt.Sprintf("Loaded configuration from /etc/%s/%s.yaml (%d keys)", g.pick(processes), g.pick(configNames), g.rng.IntN(300))
	}},
}

var (
	queues         = []string{"emails", "invoices", "thumbnails", "exports"}
	processes      = []string{"java", "postgres", "node", "python3", "envoy"}
	currencies     = []string{"EUR", "USD", "GBP", "JPY"}
	declineReasons = []string{"insufficient funds", "card expired", "suspected fraud"}
	configNames    = []string{"app", "features", "limits"}
	userNames      = []string{"alice", "bob", "carol", "dave", "admin", "oracle", "test", "guest"}
)

func (g *generator) user() string {
	return fmt.Sprintf("%s%d", g.pick(userNames), g.rng.IntN(100))
}

// logs builds n log records, grouped by resource.
func (g *generator) logs(n int) plog.Logs {
	ld := plog.NewLogs()
	now := time.Now()
	for n > 0 {
		rl := ld.ResourceLogs().AppendEmpty()
		g.resource().CopyTo(rl.Resource())
		sl := rl.ScopeLogs().AppendEmpty()
		sl.Scope().SetName("github.com/otelhub/otelhub/receiver/loadgenreceiver")
		k := min(n, 1+g.rng.IntN(50))
		records := sl.LogRecords()
		records.EnsureCapacity(k)
		for range k {
			g.logRecord(records.AppendEmpty(), now)
		}
		n -= k
	}
	return ld
}

func (g *generator) logRecord(lr plog.LogRecord, now time.Time) {
	id := g.rng.IntN(len(logTemplates))
	t := logTemplates[id]
	ts := pcommon.NewTimestampFromTime(now)
	lr.SetTimestamp(ts)
	lr.SetObservedTimestamp(ts)
	lr.SetSeverityNumber(t.severity)
	lr.SetSeverityText(severityText(t.severity))
	lr.Body().SetStr(t.render(g))
	lr.Attributes().PutInt("loadgen.template.id", int64(id))
	if g.rng.IntN(4) == 0 {
		lr.SetTraceID(g.traceID())
		lr.SetSpanID(g.spanID())
	}
}

func severityText(s plog.SeverityNumber) string {
	switch s {
	case plog.SeverityNumberDebug:
		return "DEBUG"
	case plog.SeverityNumberWarn:
		return "WARN"
	case plog.SeverityNumberError:
		return "ERROR"
	case plog.SeverityNumberFatal:
		return "FATAL"
	default:
		return "INFO"
	}
}
