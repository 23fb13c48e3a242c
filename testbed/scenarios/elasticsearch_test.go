package scenarios

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelhub/otelhub/testbed/bench"
)

// TestBaselineSendsBackendHeaders: the README says OTELHUB_BENCH_HEADERS
// are added to every request, so the baseline's _bulk writes must carry
// them to a user's backend, as otelhub's exporter does.
func TestBaselineSendsBackendHeaders(t *testing.T) {
	var mu sync.Mutex
	var auth []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Elastic-Product", "Elasticsearch")
		w.Header().Set("Content-Type", "application/json")
		if r.Method != http.MethodPost {
			_, _ = io.WriteString(w, `{"version":{"number":"8.17.0"}}`)
			return
		}
		mu.Lock()
		auth = append(auth, r.Header.Get("Authorization"))
		mu.Unlock()
		_, _ = io.WriteString(w, `{"took":1,"errors":false,"items":[{"create":{"status":201}}]}`)
	}))
	defer srv.Close()
	b := bench.Backend{URL: srv.URL, Headers: map[string]configopaque.String{"Authorization": "ApiKey c2VjcmV0"}}
	c, err := bulkIndexerBaseline(context.Background(), b)
	if err != nil {
		t.Fatal(err)
	}
	ld := plog.NewLogs()
	ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty().Body().SetStr("x")
	if err := c.(interface {
		ConsumeLogs(context.Context, plog.Logs) error
	}).ConsumeLogs(context.Background(), ld); err != nil {
		t.Fatal(err)
	}
	if err := c.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(auth) == 0 {
		t.Fatal("no _bulk request arrived")
	}
	for _, a := range auth {
		if a != "ApiKey c2VjcmV0" {
			t.Errorf("_bulk request with Authorization %q, want the backend's header", a)
		}
	}
}
