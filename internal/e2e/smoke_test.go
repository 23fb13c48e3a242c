package e2e

import (
	"errors"
	"net"
	"os/exec"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

// scripts/smoke.sh passes while the ports of `make run` (4317, 4318, 13133,
// 8888) are taken: by the test here, or by whatever already holds them.
func TestSmokeRunsBesideMakeRun(t *testing.T) {
	binary(t, "otelhub")
	for _, addr := range []string{"localhost:4317", "localhost:4318", "localhost:13133", "localhost:8888"} {
		l, err := net.Listen("tcp", addr)
		if errors.Is(err, syscall.EADDRINUSE) {
			continue // already taken, as beside a running `make run`
		}
		require.NoError(t, err)
		t.Cleanup(func() { l.Close() })
	}
	cmd := exec.Command("./scripts/smoke.sh")
	cmd.Dir = repoRoot
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
}
