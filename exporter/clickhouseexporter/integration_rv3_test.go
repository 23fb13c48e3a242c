package clickhouseexporter

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelhub/otelhub/internal/testserver"
)

// Two batches that store different rows must not share a deduplication
// token (README: "a 64-bit xxhash of everything in that insert"). Here
// the only record of batch A has ResourceSchemaUrl "X"; the only record
// of batch B has ResourceSchemaUrl "" (written by hand). Empty resources
// and scopes (no records) are legal OTLP and store nothing, but they still
// feed the digest, and nothing tells a resource's schema from a scope's
// name in the stream: A = resource "X" {scope "a" (empty), scope "b" [L]}
// and B = resources "X", "a", "", "" (the first three empty, the last
// with scope "b" [L]) hash the same strings in the same order.
func TestIntegrationChDBTokenEmptyContainersDoNotMergeBatches(t *testing.T) {
	s := testserver.ChDB(t)
	conn := reader(t, s)
	ctx := context.Background()
	e := logsExporter(t, chdbConfig(s))

	record := func(sl plog.ScopeLogs) {
		lr := sl.LogRecords().AppendEmpty()
		lr.SetTimestamp(pcommon.NewTimestampFromTime(t0))
		lr.Body().SetStr("the same line")
	}
	a := plog.NewLogs()
	ra := a.ResourceLogs().AppendEmpty()
	ra.SetSchemaUrl("X")
	ra.ScopeLogs().AppendEmpty().Scope().SetName("a") // no records
	sb := ra.ScopeLogs().AppendEmpty()
	sb.Scope().SetName("b")
	record(sb)

	b := plog.NewLogs()
	for _, schema := range []string{"X", "a", ""} {
		b.ResourceLogs().AppendEmpty().SetSchemaUrl(schema) // no scopes
	}
	rb := b.ResourceLogs().AppendEmpty()
	sb2 := rb.ScopeLogs().AppendEmpty()
	sb2.Scope().SetName("b")
	record(sb2)

	require.NoError(t, e.ConsumeLogs(ctx, a))
	require.NoError(t, e.ConsumeLogs(ctx, b))
	require.Equal(t, uint64(1), count(t, conn, "SELECT count() FROM otel.otel_logs WHERE ResourceSchemaUrl = 'X'"))
	require.Equal(t, uint64(1), count(t, conn, "SELECT count() FROM otel.otel_logs WHERE ResourceSchemaUrl = ''"),
		"batch B (a different row) was dropped as a retry of batch A")
}
