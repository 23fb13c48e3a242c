package chcol

import (
	"strconv"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/pdata/ptrace"
)

// retained is the bytes of the values the intern table keeps.
func (c *common) retained() int {
	n := 0
	for _, s := range c.dict {
		n += len(s)
	}
	return n
}

// The intern table outlives batches, so it is bounded in bytes as well
// as in entries: span names are LowCardinality, and some
// instrumentations put whole SQL statements there. Batches of 100
// distinct 16 KiB names would otherwise keep 65,536 of them (1 GiB) per
// pooled block.
func TestInternTableBoundedInBytes(t *testing.T) {
	var b Traces
	long := strings.Repeat("SELECT * FROM t WHERE x = ", 16<<10/26)
	batch := 0
	for range 60 {
		td := ptrace.NewTraces()
		spans := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans()
		for range 100 {
			spans.AppendEmpty().SetName(long + strconv.Itoa(batch))
			batch++
		}
		b.Reset()
		b.Fill(td)
		if got, bound := b.retained(), maxInternedBytes+100*len(long)+(1<<20); got > bound {
			t.Fatalf("after %d names the intern table keeps %d bytes, more than %d", batch, got, bound)
		}
	}
}
