package chhttp

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// An exception written into a 200 answer is an error.
func TestInsertExceptionIn200Answer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("X-ClickHouse-Exception-Tag", "Q1W2E3R4T5")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, "__exception__Q1W2E3R4T5\nCode: 241. DB::Exception: Memory limit (total) exceeded. (MEMORY_LIMIT_EXCEEDED)\n86 Q1W2E3R4T5__exception__\n")
	}))
	defer srv.Close()
	c := newClient(t, Config{Hosts: []string{srv.Listener.Addr().String()}})
	err := c.Insert(context.Background(), "INSERT INTO t FORMAT Native", nil, []byte{1})
	var exc *Exception
	if !errors.As(err, &exc) || exc.Code != 241 || exc.Status != 200 {
		t.Fatalf("got %v, want exception 241", err)
	}
}

// The context's deadline bounds the request, and the error says so.
func TestInsertDeadline(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		<-release
	}))
	defer srv.Close()
	defer close(release)
	c := newClient(t, Config{Hosts: []string{srv.Listener.Addr().String()}})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := c.Insert(ctx, "INSERT INTO t FORMAT Native", nil, []byte{1})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want a deadline error", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
}

// What the server receives: the query and settings escaped in the URL,
// the body byte for byte, the fixed headers.
func TestInsertRequest(t *testing.T) {
	type got struct {
		query url.Values
		body  string
		hdr   http.Header
	}
	gotc := make(chan got, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		gotc <- got{r.URL.Query(), string(b), r.Header.Clone()}
	}))
	defer srv.Close()
	c := newClient(t, Config{Hosts: []string{srv.Listener.Addr().String()}, Database: "otel db"})
	q := "INSERT INTO `db`.t (a, `b c`) FORMAT Native"
	body := []byte("\x00native\xffbody")
	settings := []Setting{{Key: "insert_deduplication_token", Value: "a&b=c d/é+%"}, {Key: "async_insert", Value: "1"}}
	if err := c.Insert(context.Background(), q, settings, body); err != nil {
		t.Fatal(err)
	}
	g := <-gotc
	want := url.Values{"query": {q}, "wait_end_of_query": {"1"}, "insert_deduplication_token": {"a&b=c d/é+%"}, "async_insert": {"1"}}
	if g.query.Encode() != want.Encode() {
		t.Errorf("query %v, want %v", g.query, want)
	}
	if g.body != string(body) {
		t.Errorf("body %q", g.body)
	}
	if g.hdr.Get("X-ClickHouse-Database") != "otel db" || g.hdr.Get("Content-Encoding") != "" || g.hdr.Get("X-ClickHouse-User") != "" {
		t.Errorf("headers %v", g.hdr)
	}
}

func TestNewRejects(t *testing.T) {
	for _, cfg := range []Config{
		{},
		{Hosts: []string{"localhost"}},
		{Hosts: []string{"h:1"}, Compression: "brotli"},
		{Hosts: []string{"h:1"}, Strategy: "first"},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("%+v: no error", cfg)
		}
	}
}

// BenchmarkInsert sends a 10,000-row Native block to an httptest server
// that drains the body and answers 200. The server runs in the same
// process, so its allocations count too; BenchmarkInsertClientOnly
// leaves them out.
func BenchmarkInsert(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
	}))
	defer srv.Close()
	benchInsert(b, srv.Listener.Addr().String())
}

// BenchmarkInsertClientOnly is BenchmarkInsert against a bare loopback
// server that parses just enough HTTP/1.1 to drain a body and allocates
// nothing per request, so the allocations shown are the client's.
func BenchmarkInsertClientOnly(b *testing.B) {
	benchInsert(b, drainServer(b))
}

func benchInsert(b *testing.B, addr string) {
	body := makeRows(0, 10000).native(b)
	settings := []Setting{{Key: "insert_deduplication_token", Value: "0123456789abcdef"}}
	for _, comp := range []string{CompressionNone, CompressionGzip, CompressionZstd, CompressionLZ4} {
		b.Run(comp, func(b *testing.B) {
			c, err := New(Config{Hosts: []string{addr}, Compression: comp})
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				if err := c.Insert(context.Background(), "INSERT INTO otel.otel_logs (a, b) FORMAT Native", settings, body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// The escaping matches url.QueryEscape.
func TestAppendEscaped(t *testing.T) {
	for _, s := range []string{"", "INSERT INTO t (a, b) FORMAT Native", "a&b=c d/é+%~_.-\x00\xff", strings.Repeat("`x`", 5)} {
		if got := string(appendEscaped(nil, s)); got != url.QueryEscape(s) {
			t.Errorf("%q: got %q want %q", s, got, url.QueryEscape(s))
		}
	}
}

// drainServer serves keep-alive HTTP/1.1 POSTs with a Content-Length:
// it discards the body and answers 200 with an empty body.
func drainServer(b *testing.B) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { l.Close() })
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			go drainConn(conn)
		}
	}()
	return l.Addr().String()
}

func drainConn(conn net.Conn) {
	defer conn.Close()
	rd := bufio.NewReaderSize(conn, 64<<10)
	ok := []byte("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
	prefix := []byte("content-length:")
	for {
		length := -1
		for {
			line, err := rd.ReadSlice('\n')
			if err != nil {
				return
			}
			if len(line) <= 2 { // the blank line ending the headers
				break
			}
			if len(line) > len(prefix) && bytes.EqualFold(line[:len(prefix)], prefix) {
				length, _ = strconv.Atoi(string(bytes.TrimSpace(line[len(prefix):])))
			}
		}
		if length < 0 {
			return
		}
		if _, err := rd.Discard(length); err != nil {
			return
		}
		if _, err := conn.Write(ok); err != nil {
			return
		}
	}
}

// An empty body goes out with Content-Length 0, not chunked.
func TestInsertEmptyBody(t *testing.T) {
	type got struct {
		length int64
		te     []string
	}
	gotc := make(chan got, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotc <- got{r.ContentLength, r.TransferEncoding}
	}))
	defer srv.Close()
	c := newClient(t, Config{Hosts: []string{srv.Listener.Addr().String()}})
	if err := c.Insert(context.Background(), "INSERT INTO t FORMAT Native", nil, nil); err != nil {
		t.Fatal(err)
	}
	if g := <-gotc; g.length != 0 || len(g.te) != 0 {
		t.Errorf("content length %d, transfer encoding %v", g.length, g.te)
	}
}
