package elasticsearchexporter

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelhub/otelhub/internal/esfake"
)

// An oversize record in the middle of a batch cut by flush::bytes and
// split on 413, beside a 429 on a record of another resource: only the
// 429 record comes back, the oversize one alone is refused, the rest stored.
func TestReview413MiddleDocAnd429(t *testing.T) {
	es := esfake.Start(t, esfake.ShapeOTel)
	es.ItemFault = faultByAttr(func(n int64) int {
		if n == 6 {
			return 429
		}
		return 0
	})
	es.MaxBody = 2000
	cfg := testConfig(es.URL)
	cfg.Flush.Bytes = 1500
	e := direct(t, cfg)
	ld := plog.NewLogs()
	n := 0
	for r := range 2 {
		rl := ld.ResourceLogs().AppendEmpty()
		rl.Resource().Attributes().PutInt("res", int64(r))
		for s := range 2 {
			sl := rl.ScopeLogs().AppendEmpty()
			sl.Scope().SetName(fmt.Sprint("s", s))
			for range 3 {
				lr := sl.LogRecords().AppendEmpty()
				lr.SetTimestamp(1)
				body := "x"
				if n == 4 {
					body = strings.Repeat("y", 3000)
				}
				lr.Body().SetStr(body)
				lr.Attributes().PutInt("n", int64(n))
				n++
			}
		}
	}
	err := e.pushLogs(context.Background(), ld)
	var le consumererror.Logs
	require.True(t, errors.As(err, &le), "%v", err)
	var got []string
	for _, rl := range le.Data().ResourceLogs().All() {
		for _, sl := range rl.ScopeLogs().All() {
			for _, lr := range sl.LogRecords().All() {
				v, _ := lr.Attributes().Get("n")
				got = append(got, fmt.Sprint(sl.Scope().Name(), v.Int()))
			}
		}
	}
	assert.Equal(t, []string{"s06"}, got)
	assert.Equal(t, 10, es.Count())
	assert.Empty(t, es.Violations())
}
