package chdrain

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/ClickHouse/ch-go/compress"
	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
)

// upstream records what reaches the real server.
type upstream struct {
	mu      sync.Mutex
	queries []string
	bodies  []string
}

func (u *upstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	u.mu.Lock()
	u.queries = append(u.queries, r.URL.Query().Get("query"))
	u.bodies = append(u.bodies, string(b))
	u.mu.Unlock()
	_, _ = io.WriteString(w, "from upstream")
}

func newSink(t *testing.T) (*Sink, *upstream, string, *bytes.Buffer) {
	t.Helper()
	up := &upstream{}
	us := httptest.NewServer(up)
	t.Cleanup(us.Close)
	var log bytes.Buffer
	s, err := New(us.URL, &log)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, up, srv.URL, &log
}

func post(t *testing.T, u, query, enc string, body []byte) (int, string) {
	t.Helper()
	if query != "" {
		u += "/?query=" + url.QueryEscape(query)
	}
	req, err := http.NewRequest(http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if enc != "" {
		req.Header.Set("Content-Encoding", enc)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// payload is data no encoder shrinks to nothing and every one can tell
// apart: the sink must count it back to the byte.
func payload() []byte {
	var b bytes.Buffer
	for i := range 20000 {
		b.WriteString("row ")
		b.WriteByte(byte('a' + i%26))
		b.WriteByte(byte(i))
	}
	return b.Bytes()
}

type encoder func(t *testing.T, p []byte) []byte

func viaWriter(mk func(io.Writer) io.WriteCloser) encoder {
	return func(t *testing.T, p []byte) []byte {
		var b bytes.Buffer
		w := mk(&b)
		if _, err := w.Write(p); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
}

func TestDrainDecompressesEveryContentEncoding(t *testing.T) {
	p := payload()
	cases := map[string]encoder{
		"":        func(_ *testing.T, p []byte) []byte { return p },
		"gzip":    viaWriter(func(w io.Writer) io.WriteCloser { return gzip.NewWriter(w) }),
		"deflate": viaWriter(func(w io.Writer) io.WriteCloser { return zlib.NewWriter(w) }),
		"br":      viaWriter(func(w io.Writer) io.WriteCloser { return brotli.NewWriter(w) }),
		"lz4":     viaWriter(func(w io.Writer) io.WriteCloser { return lz4.NewWriter(w) }),
		"zstd": viaWriter(func(w io.Writer) io.WriteCloser {
			z, err := zstd.NewWriter(w)
			if err != nil {
				panic(err)
			}
			return z
		}),
	}
	for enc, encode := range cases {
		t.Run("enc="+enc, func(t *testing.T) {
			s, up, u, _ := newSink(t)
			wire := encode(t, p)
			code, body := post(t, u, "INSERT INTO t FORMAT Native", enc, wire)
			if code != http.StatusOK || body != "" {
				t.Fatalf("answer %d %q, want 200 and no body", code, body)
			}
			want := Stats{Requests: 1, Inserts: 1, WireBytes: int64(len(wire)), DataBytes: int64(len(p))}
			if got := s.Stats(); got != want {
				t.Fatalf("stats %+v, want %+v", got, want)
			}
			if len(up.queries) != 0 {
				t.Fatalf("an INSERT reached the server: %q", up.queries)
			}
		})
	}
}

// clickhouse-go sends lz4 and zstd over HTTP as ClickHouse's own
// compressed blocks, with decompress=1, and no Content-Encoding.
func TestDrainDecompressesNativeBlocks(t *testing.T) {
	p := payload()
	for _, m := range []compress.Method{compress.LZ4, compress.ZSTD} {
		w := compress.NewWriter(compress.LevelZero, m)
		if err := w.Compress(p); err != nil {
			t.Fatal(err)
		}
		s, _, u, _ := newSink(t)
		code, body := post(t, u+"/?decompress=1&query="+url.QueryEscape("INSERT INTO t FORMAT Native"), "", "", w.Data)
		if code != http.StatusOK {
			t.Fatalf("%v: answer %d %q", m, code, body)
		}
		if got := s.Stats(); got.DataBytes != int64(len(p)) || got.WireBytes != int64(len(w.Data)) {
			t.Fatalf("%v: stats %+v, want %d bytes from %d on the wire", m, got, len(p), len(w.Data))
		}
		cut := w.Data[:len(w.Data)-5]
		if code, _ := post(t, u+"/?decompress=1&query="+url.QueryEscape("INSERT INTO t FORMAT Native"), "", "", cut); code != http.StatusBadRequest {
			t.Fatalf("%v: a body cut inside a block answered %d", m, code)
		}
	}
}

func TestDrainForwardsEverythingElse(t *testing.T) {
	s, up, u, _ := newSink(t)
	for _, q := range []string{"CREATE TABLE t (x UInt8) ENGINE = Memory", "DESCRIBE TABLE t", "SELECT x FROM t LIMIT 0"} {
		code, body := post(t, u, q, "", nil)
		if code != http.StatusOK || body != "from upstream" {
			t.Fatalf("%q: answer %d %q, want the upstream's", q, code, body)
		}
	}
	// A query in the body is passed on as it came.
	if _, body := post(t, u, "", "", []byte("SELECT 1")); body != "from upstream" {
		t.Fatalf("body query answered %q", body)
	}
	resp, err := http.Get(u + "/ping")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	want := []string{"CREATE TABLE t (x UInt8) ENGINE = Memory", "DESCRIBE TABLE t", "SELECT x FROM t LIMIT 0", "", ""}
	if strings.Join(up.queries, "|") != strings.Join(want, "|") || up.bodies[3] != "SELECT 1" {
		t.Fatalf("upstream saw %q with bodies %q", up.queries, up.bodies)
	}
	if got := s.Stats(); got != (Stats{Requests: 5, Forwarded: 5}) {
		t.Fatalf("stats %+v", got)
	}
}

func TestDrainTakesAnInsertWithItsQueryInTheBody(t *testing.T) {
	s, up, u, _ := newSink(t)
	body := append([]byte("  insert INTO t FORMAT TSV\n"), payload()...)
	gz := viaWriter(func(w io.Writer) io.WriteCloser { return gzip.NewWriter(w) })(t, body)
	if code, _ := post(t, u, "", "gzip", gz); code != http.StatusOK {
		t.Fatalf("answer %d", code)
	}
	if got := s.Stats(); got.Inserts != 1 || got.DataBytes != int64(len(body)) || len(up.queries) != 0 {
		t.Fatalf("stats %+v, upstream %q", got, up.queries)
	}
}

func TestDrainRejectsABodyItCannotRead(t *testing.T) {
	s, _, u, _ := newSink(t)
	code, body := post(t, u, "INSERT INTO t FORMAT Native", "gzip", []byte("not gzip"))
	if code != http.StatusBadRequest || !strings.Contains(body, "Code: 1000") {
		t.Fatalf("answer %d %q, want 400 with a ClickHouse error", code, body)
	}
	if code, _ := post(t, u, "INSERT INTO t FORMAT Native", "snappy", []byte("x")); code != http.StatusBadRequest {
		t.Fatalf("unknown encoding answered %d", code)
	}
	if got := s.Stats(); got.Errors != 2 || got.Inserts != 0 {
		t.Fatalf("stats %+v", got)
	}
}

func TestControlPathsAndLogOnce(t *testing.T) {
	s, _, u, log := newSink(t)
	for range 3 {
		post(t, u+"/?insert_deduplication_token=abc&password=secret&query="+url.QueryEscape("INSERT INTO t FORMAT Native"), "", "", []byte("x"))
	}
	if n := strings.Count(log.String(), "\n"); n != 1 {
		t.Fatalf("logged %d lines for one request shape:\n%s", n, log)
	}
	if strings.Contains(log.String(), "secret") || !strings.Contains(log.String(), "drained") {
		t.Fatalf("log: %s", log)
	}
	resp, err := http.Get(u + StatsPath)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), `"inserts":3`) {
		t.Fatalf("stats answered %s", b)
	}
	if code, _ := post(t, u+ResetPath, "", "", nil); code != http.StatusNoContent || s.Stats() != (Stats{}) {
		t.Fatalf("reset answered %d, stats %+v", code, s.Stats())
	}
}

// clickhouse-go with lz4 over HTTP sends compress=1 (and decompress=1
// with a compressed body): the upstream must see the plain query and the
// client must get the answer in compressed blocks.
func TestForwardTranslatesNativeCompression(t *testing.T) {
	_, up, u, _ := newSink(t)
	w := compress.NewWriter(compress.LevelZero, compress.LZ4)
	if err := w.Compress([]byte("DESCRIBE TABLE t")); err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, u+"/?compress=1&decompress=1&network_compression_method=LZ4", bytes.NewReader(w.Data))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(blocks{compress.NewReader(resp.Body)})
	if err != nil || string(got) != "from upstream" {
		t.Fatalf("answer %q (%v), want the upstream's in compressed blocks", got, err)
	}
	if len(up.bodies) != 1 || up.bodies[0] != "DESCRIBE TABLE t" {
		t.Fatalf("upstream saw %q", up.bodies)
	}
}
