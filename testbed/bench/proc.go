package bench

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/otelhub/otelhub/internal/testserver"
)

// Proc is a peer running as a child process.
type Proc struct {
	// OTLPURL is where the driver posts OTLP/HTTP protobuf for the
	// scenario's signal (the full path, e.g. .../v1/metrics).
	OTLPURL string
	cmd     *exec.Cmd
	logPath string
}

// StartProc starts bin with args, logging to a file in env.TempDir, and
// waits until GET health answers 200.
func StartProc(env Env, bin string, args []string, otlpURL, health string) (*Proc, error) {
	if _, err := os.Stat(bin); err != nil {
		return nil, fmt.Errorf("%s: %w", bin, err)
	}
	logPath := filepath.Join(env.TempDir, filepath.Base(bin)+".log")
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	cmd := exec.Command(bin, args...)
	cmd.Dir = env.TempDir
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // never outlive the bench
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &Proc{OTLPURL: otlpURL, cmd: cmd, logPath: logPath}
	if err := testserver.WaitHealthy(health, 60*time.Second); err != nil {
		p.Stop()
		out, _ := os.ReadFile(logPath)
		return nil, fmt.Errorf("%s not ready: %v\n%s", bin, err, tail(out, 2000))
	}
	return p, nil
}

// Usage is what a stopped child used, from wait4's rusage.
type Usage struct {
	CPUSeconds float64
	MaxRSS     int64 // bytes
}

// Stop ends the process with SIGTERM (SIGKILL after 15 s) and returns
// its resource usage.
func (p *Proc) Stop() Usage {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
		<-done
	}
	ru, ok := p.cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return Usage{}
	}
	return Usage{CPUSeconds: tvSeconds(ru.Utime) + tvSeconds(ru.Stime), MaxRSS: ru.Maxrss * 1024}
}

func tvSeconds(tv syscall.Timeval) float64 { return float64(tv.Sec) + float64(tv.Usec)/1e6 }

// FreeAddr returns a loopback address with a free port.
func FreeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}
