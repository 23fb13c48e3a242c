package clickhouse

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/otelhub/otelhub/testbed/clickhouse/chdrain"
)

// drainSink is cmd/chsink, started in its own process so that its CPU
// (reading and decompressing the bodies) is in neither side's figures.
type drainSink struct{ URL string }

// startSink builds cmd/chsink (or takes $CHSINK_BIN) and starts it in
// front of the ClickHouse at upstream. CHSINK_LOG=1 passes -log: the
// first request of each shape goes to stderr.
func startSink(b *testing.B, upstream string) *drainSink {
	b.Helper()
	bin := os.Getenv("CHSINK_BIN")
	if bin == "" {
		bin = filepath.Join(b.TempDir(), "chsink")
		build := exec.Command("go", "build", "-o", bin, "github.com/otelhub/otelhub/testbed/cmd/chsink")
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := build.CombinedOutput(); err != nil {
			b.Fatalf("build chsink: %v\n%s", err, out)
		}
	}
	args := []string{"-upstream", upstream}
	if os.Getenv("CHSINK_LOG") != "" {
		args = append(args, "-log")
	}
	cmd := exec.Command(bin, args...)
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	addr := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		addr <- strings.TrimSpace(line)
	}()
	select {
	case a := <-addr:
		if a == "" {
			b.Fatal("chsink did not start")
		}
		return &drainSink{URL: "http://" + a}
	case <-time.After(30 * time.Second):
		b.Fatal("chsink did not start in 30s")
	}
	return nil
}

func (s *drainSink) reset() error {
	resp, err := http.Post(s.URL+chdrain.ResetPath, "", nil)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

func (s *drainSink) stats() (chdrain.Stats, error) {
	var st chdrain.Stats
	resp, err := http.Get(s.URL + chdrain.StatsPath)
	if err != nil {
		return st, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return st, fmt.Errorf("chsink stats: %s", resp.Status)
	}
	return st, json.NewDecoder(resp.Body).Decode(&st)
}
