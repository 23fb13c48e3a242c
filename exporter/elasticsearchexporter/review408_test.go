package elasticsearchexporter

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelhub/otelhub/internal/esfake"
)

// README, "Delivery": only items answered 429 or 5xx are retried; "item
// 400 and other 4xx" are permanent. An item answered 408 is another 4xx:
// it is refused beside documents that arrived, so the push returns nil
// (no subset handed back for retry) and the item is counted as rejected.
func TestReviewItem408IsPermanentNotRetried(t *testing.T) {
	es := esfake.Start(t, esfake.ShapeOTel)
	es.ItemFault = faultByAttr(func(n int64) int {
		if n == 1 {
			return 408
		}
		return 0
	})
	e := direct(t, testConfig(es.URL))
	ld := plog.NewLogs()
	lrs := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords()
	for n := range 3 {
		lr := lrs.AppendEmpty()
		lr.SetTimestamp(1)
		lr.Body().SetStr("rec")
		lr.Attributes().PutInt("n", int64(n))
	}
	err := e.pushLogs(context.Background(), ld)
	require.NoError(t, err, "a 4xx item other than 429 must not be handed back for retry")
	assert.Equal(t, 2, es.Count())
	assert.Empty(t, es.Violations())
}
