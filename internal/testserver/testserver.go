// Package testserver installs (when missing), starts and stops the real
// backends that integration tests run against: VictoriaMetrics and
// VictoriaLogs, on loopback, with temporary data folders.
package testserver

import (
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Versions installed with `go install`, pinned.
const (
	VictoriaMetricsModule = "github.com/VictoriaMetrics/VictoriaMetrics/app/victoria-metrics@v1.151.0"
	VictoriaLogsModule    = "github.com/VictoriaMetrics/VictoriaLogs/app/victoria-logs@v1.52.1"
)

// Server is a running backend.
type Server struct {
	URL string
	cmd *exec.Cmd
	log *os.File
}

// VictoriaMetrics starts a single-node VictoriaMetrics for the test.
func VictoriaMetrics(t testing.TB) *Server {
	bin := Binary(t, "victoria-metrics", VictoriaMetricsModule)
	return start(t, bin, func(addr, dir string) []string {
		return []string{"-httpListenAddr=" + addr, "-storageDataPath=" + dir, "-retentionPeriod=100y",
			"-search.latencyOffset=0s", "-loggerLevel=WARN"}
	})
}

// VictoriaLogs starts a VictoriaLogs for the test.
func VictoriaLogs(t testing.TB) *Server {
	bin := Binary(t, "victoria-logs", VictoriaLogsModule)
	return start(t, bin, func(addr, dir string) []string {
		return []string{"-httpListenAddr=" + addr, "-storageDataPath=" + dir, "-retentionPeriod=100y", "-loggerLevel=WARN"}
	})
}

func start(t testing.TB, bin string, args func(addr, dir string) []string) *Server {
	t.Helper()
	addr := freeAddr(t)
	dir := t.TempDir()
	logf, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args(addr, filepath.Join(dir, "data"))...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // never outlive the test
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	s := &Server{URL: "http://" + addr, cmd: cmd, log: logf}
	t.Cleanup(s.stop)
	if err := WaitHealthy(s.URL+"/health", 30*time.Second); err != nil {
		out, _ := os.ReadFile(logf.Name())
		t.Fatalf("%s did not become healthy: %v\n%s", bin, err, out)
	}
	return s
}

func (s *Server) stop() {
	_ = s.cmd.Process.Signal(syscall.SIGINT)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
	_ = s.log.Close()
}

// WaitHealthy polls url until it answers 200 or limit passes; it returns
// the last error seen. The testbed waits for its child collectors with it.
func WaitHealthy(url string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	var last error
	for time.Now().Before(deadline) {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("status %d", resp.StatusCode)
		}
		last = err
		time.Sleep(50 * time.Millisecond)
	}
	return last
}

// freeAddr is a free loopback address whose port lies below the kernel's
// ephemeral range. Tests stop servers and start them again on the same
// port; an ephemeral port can meanwhile be taken by any outgoing
// connection of a test running in parallel (seen: "Address already in
// use" on restart), a port below the range cannot.
func freeAddr(t TB) string {
	if low := ephemeralLow(); low > minTestPort+1000 {
		for range 100 {
			port := minTestPort + rand.IntN(low-minTestPort)
			if l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port)); err == nil {
				addr := l.Addr().String()
				l.Close()
				return addr
			}
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// minTestPort keeps clear of the well-known and registered ports that
// services on a developer machine often use.
const minTestPort = 20000

// ephemeralLow is the first port of the kernel's ephemeral range, or 0
// when it cannot be read.
func ephemeralLow() int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return 0
	}
	fields := strings.Fields(string(b))
	if len(fields) == 0 {
		return 0
	}
	low, err := strconv.Atoi(fields[0])
	if err != nil {
		return 0
	}
	return low
}

// Binary returns the path of a tool in the repository's .tools folder,
// installing it with `go install` first when it is missing. A file lock
// keeps parallel test packages from installing at once.
func Binary(t testing.TB, name, module string) string {
	t.Helper()
	dir := toolsDir(t)
	bin := filepath.Join(dir, name)
	if _, err := os.Stat(bin); err == nil {
		return bin
	}
	withLock(t, func() {
		if _, err := os.Stat(bin); err == nil {
			return // another package installed it while we waited
		}
		t.Logf("installing %s", module)
		cmd := exec.Command("go", "install", module)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOBIN="+dir, "GOFLAGS=-mod=mod")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go install %s: %v\n%s", module, err, out)
		}
	})
	return bin
}

// toolsDir is <repository root>/.tools, found from the module's go.mod.
func toolsDir(t TB) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, ".tools")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's folder")
		}
		dir = parent
	}
}

// Flush makes everything ingested so far searchable at once, instead of
// after the server's own flush interval (seconds).
func (s *Server) Flush(t testing.TB) {
	t.Helper()
	resp, err := http.Get(s.URL + "/internal/force_flush")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}
