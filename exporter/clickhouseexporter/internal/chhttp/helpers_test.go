package chhttp

import (
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/ClickHouse/ch-go/proto"

	"github.com/otelhub/otelhub/internal/testserver"
)

// One chDB server serves the package's integration tests; it starts with
// the first of them and stops after the last.
var (
	chdbOnce sync.Once
	chdbURL  string
	chdbErr  error
	chdbStop func()
)

func TestMain(m *testing.M) {
	code := m.Run()
	if chdbStop != nil {
		chdbStop()
	}
	os.Exit(code)
}

// chDB returns the URL of the shared chDB server (http://host:port).
func chDB(t *testing.T) string {
	t.Helper()
	chdbOnce.Do(func() {
		var s *testserver.Server
		s, chdbStop, chdbErr = testserver.StartChDB()
		if chdbErr == nil {
			chdbURL = s.URL
		}
	})
	if chdbErr != nil {
		t.Fatal(chdbErr)
	}
	return chdbURL
}

// hostOf is the host:port of a URL.
func hostOf(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

// query runs a statement on chDB and returns its TSV result. It is the
// test's own path to the server, independent of the client under test.
func query(t *testing.T, base, q string) string {
	t.Helper()
	resp, err := http.Post(base+"/?default_format=TSV", "text/plain", strings.NewReader(q))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d %s", q, resp.StatusCode, b)
	}
	return string(b)
}

// createTable makes a fresh (id UInt64, name String) MergeTree table.
func createTable(t *testing.T, base, name string) {
	t.Helper()
	query(t, base, "DROP TABLE IF EXISTS "+name)
	query(t, base, "CREATE TABLE "+name+" (id UInt64, name String) ENGINE = MergeTree ORDER BY id"+
		" SETTINGS non_replicated_deduplication_window = 100")
}

// rows are the test's input: ids from, from+1, ... and their names.
type rows struct {
	ids   []uint64
	names []string
}

func makeRows(from, n int) rows {
	var r rows
	for i := range n {
		id := from + i
		r.ids = append(r.ids, uint64(id))
		r.names = append(r.names, fmt.Sprintf("row-%d-ü€", id))
	}
	return r
}

// native encodes r as a Native block with ch-go, the second encoder.
func (r rows) native(t testing.TB) []byte {
	t.Helper()
	var ids proto.ColUInt64
	var names proto.ColStr
	ids = append(ids, r.ids...)
	for _, n := range r.names {
		names.Append(n)
	}
	var buf proto.Buffer
	input := proto.Input{{Name: "id", Data: &ids}, {Name: "name", Data: &names}}
	if err := (proto.Block{Columns: 2, Rows: len(r.ids)}).EncodeRawBlock(&buf, 0, input); err != nil {
		t.Fatal(err)
	}
	return buf.Buf
}

// tsv is what SELECT id, name ... ORDER BY id FORMAT TSV gives for r.
func (r rows) tsv() string {
	var b strings.Builder
	for i, id := range r.ids {
		fmt.Fprintf(&b, "%d\t%s\n", id, r.names[i])
	}
	return b.String()
}

// checkTable compares the table's content with want, row by row.
func checkTable(t *testing.T, base, table string, want ...rows) {
	t.Helper()
	var all strings.Builder
	for _, r := range want {
		all.WriteString(r.tsv())
	}
	got := query(t, base, "SELECT id, name FROM "+table+" ORDER BY id")
	if got != all.String() {
		t.Fatalf("%s holds\n%.600s\nwant\n%.600s", table, got, all.String())
	}
}

// deadAddr is a loopback address where nothing listens.
func deadAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// recorded is what a proxy saw of one request.
type recorded struct {
	url    string
	header http.Header
}

// proxy forwards to chDB and records the requests.
type proxy struct {
	srv *httptest.Server
	mu  sync.Mutex
	got []recorded
}

func newProxy(t *testing.T, target string, tlsServer bool) *proxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{}
	rp := httputil.NewSingleHostReverseProxy(u)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.got = append(p.got, recorded{url: r.URL.String(), header: r.Header.Clone()})
		p.mu.Unlock()
		rp.ServeHTTP(w, r)
	})
	p.srv = httptest.NewUnstartedServer(h)
	// Refused handshakes are expected in the TLS test; keep them quiet.
	p.srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	if tlsServer {
		p.srv.StartTLS()
	} else {
		p.srv.Start()
	}
	t.Cleanup(p.srv.Close)
	return p
}

func (p *proxy) host() string { return p.srv.Listener.Addr().String() }

func (p *proxy) requests() []recorded {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]recorded(nil), p.got...)
}

func (p *proxy) count() int { return len(p.requests()) }
