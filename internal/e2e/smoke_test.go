package e2e

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// scripts/smoke.sh passes while the ports of `make run` (4317, 4318, 13133,
// 8888) are taken: by whatever already holds them, or else by the test,
// which answers every request there with 503 as a stranger would.
func TestSmokeRunsBesideMakeRun(t *testing.T) {
	binary(t, "otelhub")
	for _, addr := range []string{"localhost:4317", "localhost:4318", "localhost:13133", "localhost:8888"} {
		l, err := net.Listen("tcp", addr)
		if errors.Is(err, syscall.EADDRINUSE) {
			continue // already taken, as beside a running `make run`
		}
		require.NoError(t, err)
		srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "taken by TestSmokeRunsBesideMakeRun", http.StatusServiceUnavailable)
		}), ReadHeaderTimeout: time.Second}
		go func() { _ = srv.Serve(l) }()
		t.Cleanup(func() { _ = srv.Close() })
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "./scripts/smoke.sh")
	cmd.Dir = repoRoot
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
}
