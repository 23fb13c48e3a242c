// Package e2e runs the built binaries in bin/ (make build) on the shipped
// configs, as a user would: each test starts a process, talks to it over
// the network and, where a test needs a backend, to a real VictoriaLogs.
// The tests skip when bin/ holds no binary; `make dist-test` runs them
// right after building.
package e2e

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const repoRoot = "../.."

// binary returns the path of bin/<name>, skipping the test when it was not
// built.
func binary(t *testing.T, name string) string {
	t.Helper()
	path, err := filepath.Abs(filepath.Join(repoRoot, "bin", name))
	require.NoError(t, err)
	if _, err := os.Stat(path); err != nil {
		t.Skipf("%s is not built (run make build): %v", path, err)
	}
	return path
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// ports are the loopback ports one collector run listens on.
type ports struct{ grpc, http, health, metrics int }

func newPorts(t *testing.T) ports {
	return ports{grpc: freePort(t), http: freePort(t), health: freePort(t), metrics: freePort(t)}
}

// overlay writes a config that, given after a shipped one, moves every
// listener to the given loopback ports; the rest of the shipped config
// stays as it is (the collector merges maps).
func (p ports) overlay(t *testing.T, extra string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ports.yaml")
	text := fmt.Sprintf(`
extensions:
  health_check:
    endpoint: 127.0.0.1:%d
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:%d
      http:
        endpoint: 127.0.0.1:%d
service:
  telemetry:
    metrics:
      readers:
        - pull:
            exporter:
              prometheus:
                host: 127.0.0.1
                port: %d
`, p.health, p.grpc, p.http, p.metrics) + extra
	require.NoError(t, os.WriteFile(path, []byte(text), 0o600))
	return path
}

// collector is one running binary.
type collector struct {
	cmd  *exec.Cmd
	log  *bytes.Buffer
	done chan error
}

// start runs bin/<name> with the given configs and environment and waits
// for its health check. It is stopped (SIGKILL) when the test ends, if
// still running.
func start(t *testing.T, name string, p ports, env []string, configs ...string) *collector {
	t.Helper()
	var args []string
	for _, c := range configs {
		args = append(args, "--config", c)
	}
	cmd := exec.Command(binary(t, name), args...)
	cmd.Dir = repoRoot
	cmd.Env = append(os.Environ(), env...)
	c := &collector{cmd: cmd, log: &bytes.Buffer{}, done: make(chan error, 1)}
	cmd.Stdout, cmd.Stderr = c.log, c.log
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	require.NoError(t, cmd.Start())
	go func() { c.done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-c.done
		if t.Failed() {
			t.Logf("%s output:\n%s", name, c.log.String())
		}
	})
	healthy := func() bool {
		resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/", p.health))
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}
	deadline := time.Now().Add(30 * time.Second)
	for !healthy() {
		select {
		case err := <-c.done:
			c.done <- err
			t.Fatalf("%s exited: %v\n%s", name, err, c.log.String())
		default:
		}
		require.True(t, time.Now().Before(deadline), "%s not healthy in 30s:\n%s", name, c.log.String())
		time.Sleep(50 * time.Millisecond)
	}
	return c
}

// kill9 kills the collector with SIGKILL: no shutdown, no flush.
func (c *collector) kill9(t *testing.T) {
	t.Helper()
	require.NoError(t, c.cmd.Process.Signal(syscall.SIGKILL))
	err := <-c.done
	c.done <- err
}

// post sends an OTLP/HTTP JSON request and returns the status and body.
func post(t *testing.T, url, body string) (int, string) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	msg, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(msg)
}

// logJSON is an OTLP/JSON logs request with one record.
func logJSON(body string) string {
	return `{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"e2e"}}]},
  "scopeLogs":[{"logRecords":[{"severityText":"INFO","body":{"stringValue":"` + body + `"}}]}]}]}`
}

// deepLogJSON is an OTLP/JSON logs request whose body nests n kvlists.
func deepLogJSON(n int) string {
	open := strings.Repeat(`{"kvlistValue":{"values":[{"key":"k","value":`, n)
	closing := strings.Repeat(`}]}}`, n)
	return `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":` + open + `{"stringValue":"x"}` + closing + `}]}]}]}`
}
