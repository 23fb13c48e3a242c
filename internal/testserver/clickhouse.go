package testserver

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// chDB, pinned: the npm package that ships libchdb.so (ClickHouse 26.7).
const ChDBPackage = "@chdb/lib-linux-x64-gnu@26.7.3-stable.1"

// ChDB starts internal/chdbhttp, ClickHouse's HTTP interface over chDB,
// on loopback with a temporary data folder. The library is installed into
// .tools/chdb with npm when missing, and the server is built with go build.
func ChDB(t TB) *Server {
	t.Helper()
	return ChDBRestartable(t).Server
}

// ChDBServer is a chDB server that can be stopped and started again on
// the same address and data folder, as a restarted ClickHouse would be.
type ChDBServer struct {
	*Server
	t    TB
	bin  string
	lib  string
	dir  string
	addr string // the first start's, reused by Start
}

// ChDBRestartable is ChDB with Stop, Kill and Start.
func ChDBRestartable(t TB) *ChDBServer {
	t.Helper()
	lib := chdbLibrary(t)
	bin := filepath.Join(t.TempDir(), "chdbhttp")
	build := exec.Command("go", "build", "-o", bin, "github.com/otelhub/otelhub/internal/chdbhttp")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	build.Dir = filepath.Dir(repoToolsDir(t)) // the otelhub module, also from testbed
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build chdbhttp: %v\n%s", err, out)
	}
	c := &ChDBServer{t: t, bin: bin, lib: lib, dir: t.TempDir(), addr: freeAddr(t), Server: &Server{}}
	t.Cleanup(c.Stop) // also when Start fails after starting the process
	c.Start()
	return c
}

// Start starts the server, again after Stop or Kill, on the same address
// and data.
func (c *ChDBServer) Start() {
	t := c.t
	t.Helper()
	cmd := exec.Command(c.bin, "-path", filepath.Join(c.dir, "data"), "-addr", c.addr)
	cmd.Env = append(os.Environ(), "CHDB_LIB_PATH="+c.lib)
	logf, err := os.OpenFile(filepath.Join(c.dir, "server.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = logf
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c.cmd, c.log = cmd, logf
	addr := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		addr <- strings.TrimSpace(line)
	}()
	select {
	case a := <-addr:
		if a == "" {
			out, _ := os.ReadFile(logf.Name())
			t.Fatalf("chdbhttp did not start:\n%s", out)
		}
		c.addr, c.URL = a, "http://"+a
	case <-time.After(60 * time.Second):
		t.Fatal("chdbhttp did not start in 60s")
	}
	if err := WaitHealthy(c.URL+"/ping", 30*time.Second); err != nil {
		t.Fatal(err)
	}
}

// Stop stops the server (SIGINT); Start starts it again.
func (c *ChDBServer) Stop() {
	if c.cmd == nil {
		return
	}
	c.stop()
	c.cmd = nil
}

// Kill ends the server with SIGKILL, as a crash would.
func (c *ChDBServer) Kill() {
	if c.cmd == nil {
		return
	}
	_ = c.cmd.Process.Kill()
	c.stop()
	c.cmd = nil
}

// chdbLibrary is the path of libchdb.so in .tools/chdb, installed once.
func chdbLibrary(t TB) string {
	t.Helper()
	dir := filepath.Join(repoToolsDir(t), "chdb")
	lib := filepath.Join(dir, "node_modules", "@chdb", "lib-linux-x64-gnu", "libchdb.so")
	if _, err := os.Stat(lib); err == nil {
		return lib
	}
	withLock(t, func() {
		if _, err := os.Stat(lib); err == nil {
			return
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		t.Logf("installing %s", ChDBPackage)
		cmd := exec.Command("npm", "install", "--no-save", "--no-audit", "--no-fund", "--prefix", dir, ChDBPackage)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("npm install %s: %v\n%s", ChDBPackage, err, out)
		}
	})
	return lib
}

// withLock runs f holding the .tools install lock, so parallel test
// packages do not install the same thing at once.
func withLock(t TB, f func()) {
	t.Helper()
	dir := repoToolsDir(t)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	lock, err := os.OpenFile(filepath.Join(dir, ".install.lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN) //nolint:errcheck
	f()
}

// ClickHouse is a Debian clickhouse-server (18.16 on Debian 12), started
// on loopback with its data and config in a temporary folder. Its native
// protocol address is in Addr; the HTTP one in URL. Started with
// ClickHouseTLS, it also serves the native protocol over TLS on TLSAddr
// with a certificate of TLS.CAFile.
type ClickHouse struct {
	*Server
	Addr    string
	TLSAddr string
	TLS     TLSFiles
	dir     string
	config  string
	t       testing.TB
}

const clickhouseServerBin = "/usr/sbin/clickhouse-server"

// ClickHouseOption changes how a ClickHouse is started.
type ClickHouseOption func(t testing.TB, c *ClickHouse)

// ClickHouseTLS adds the secure native port (tcp_port_secure) with a
// server certificate for 127.0.0.1 signed by a CA made for the test.
func ClickHouseTLS() ClickHouseOption {
	return func(t testing.TB, c *ClickHouse) {
		c.TLSAddr = freeAddr(t)
		c.TLS = NewTLSFiles(t, c.dir)
	}
}

// ClickHouseServer installs clickhouse-server with apt-get when missing
// (the tests run as root on CI) and starts it.
func ClickHouseServer(t testing.TB, opts ...ClickHouseOption) *ClickHouse {
	t.Helper()
	if _, err := os.Stat(clickhouseServerBin); err != nil {
		withLock(t, func() {
			if _, err := os.Stat(clickhouseServerBin); err == nil {
				return
			}
			t.Log("installing clickhouse-server with apt-get")
			for _, args := range [][]string{{"update"}, {"install", "-y", "--no-install-recommends", "clickhouse-server"}} {
				cmd := exec.Command("apt-get", args...)
				cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("apt-get %s: %v\n%s", strings.Join(args, " "), err, out)
				}
			}
		})
	}
	dir := t.TempDir()
	c := &ClickHouse{dir: dir, t: t, Addr: freeAddr(t)}
	httpAddr := freeAddr(t)
	for _, o := range opts {
		o(t, c)
	}
	c.config = filepath.Join(dir, "config.xml")
	writeClickHouseConfig(t, c, httpAddr)
	c.Server = &Server{URL: "http://" + httpAddr}
	c.Start()
	t.Cleanup(func() { c.Stop() })
	return c
}

// Start starts the server (again, after Stop) on the same ports and data.
func (c *ClickHouse) Start() {
	c.t.Helper()
	logf, err := os.OpenFile(filepath.Join(c.dir, "stdout.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		c.t.Fatal(err)
	}
	cmd := exec.Command(clickhouseServerBin, "--config-file="+c.config)
	cmd.Dir = c.dir
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	c.cmd, c.log = cmd, logf
	if err := WaitHealthy(c.URL+"/ping", 60*time.Second); err != nil {
		out, _ := os.ReadFile(filepath.Join(c.dir, "err.log"))
		c.t.Fatalf("clickhouse-server did not start: %v\n%s", err, out)
	}
	// The native ports open with the HTTP one; wait for them all the same.
	for _, addr := range []string{c.Addr, c.TLSAddr} {
		waitListening(addr)
	}
}

func waitListening(addr string) {
	for range 100 {
		if addr == "" {
			return
		}
		if conn, err := net.Dial("tcp", addr); err == nil {
			conn.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Stop stops the server; Start starts it again.
func (c *ClickHouse) Stop() {
	if c.cmd == nil {
		return
	}
	c.stop()
	c.cmd = nil
}

// Kill ends the server with SIGKILL, as a crash would: inserts in
// flight get no answer. Start starts it again.
func (c *ClickHouse) Kill() {
	if c.cmd == nil {
		return
	}
	_ = c.cmd.Process.Kill()
	c.stop() // reaps the process and closes the log
	c.cmd = nil
}

func writeClickHouseConfig(t testing.TB, c *ClickHouse, httpAddr string) {
	t.Helper()
	dir := c.dir
	_, tcpPort, _ := net.SplitHostPort(c.Addr)
	_, httpPort, _ := net.SplitHostPort(httpAddr)
	for _, sub := range []string{"data", "tmp", "user_files"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	config := fmt.Sprintf(`<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>%[1]s/server.log</log><errorlog>%[1]s/err.log</errorlog></logger>
  <http_port>%[2]s</http_port>
  <tcp_port>%[3]s</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>%[1]s/data/</path>
  <tmp_path>%[1]s/tmp/</tmp_path>
  <user_files_path>%[1]s/user_files/</user_files_path>
  <users_config>%[1]s/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>5368709</mark_cache_size>
  <mlock_executable>false</mlock_executable>
%[4]s</yandex>
`, dir, httpPort, tcpPort, secureConfig(c))
	users := `<?xml version="1.0"?>
<yandex>
  <profiles><default><poll_interval>1</poll_interval></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default></default></quotas>
</yandex>
`
	if err := os.WriteFile(filepath.Join(dir, "config.xml"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "users.xml"), []byte(users), 0o644); err != nil {
		t.Fatal(err)
	}
}

// secureConfig is the TLS native port and its certificate (Poco's
// openSSL server section, as in 18.16's own config.xml), or nothing.
func secureConfig(c *ClickHouse) string {
	if c.TLSAddr == "" {
		return ""
	}
	_, port, _ := net.SplitHostPort(c.TLSAddr)
	return fmt.Sprintf(`  <tcp_port_secure>%s</tcp_port_secure>
  <openSSL><server>
    <certificateFile>%s</certificateFile><privateKeyFile>%s</privateKeyFile>
    <verificationMode>none</verificationMode><loadDefaultCAFile>false</loadDefaultCAFile>
    <cacheSessions>true</cacheSessions><disableProtocols>sslv2,sslv3</disableProtocols>
    <preferServerCiphers>true</preferServerCiphers>
  </server></openSSL>
`, port, c.TLS.CertFile, c.TLS.KeyFile)
}

// repoToolsDir is the .tools folder of the otelhub repository, also when
// the test runs in a nested module (testbed), so the 543 MB chDB library
// is installed once.
func repoToolsDir(t TB) string {
	dir := filepath.Dir(toolsDir(t))
	for d := dir; ; {
		if b, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil &&
			strings.HasPrefix(string(b), "module github.com/otelhub/otelhub\n") {
			return filepath.Join(d, ".tools")
		}
		parent := filepath.Dir(d)
		if parent == d {
			return filepath.Join(dir, ".tools")
		}
		d = parent
	}
}
