// Package chdrain is a ClickHouse HTTP endpoint for benchmarks of
// clients: it answers every INSERT itself, after reading (and
// decompressing) the whole body, and passes every other request (DDL,
// DESCRIBE TABLE, the SELECT ... LIMIT 0 header queries, pings) to a real
// ClickHouse. Against it, a client's throughput is bounded by the client,
// not by the server's insert work, while its schema checks still talk to
// a real engine.
//
// What the sink does with an INSERT's data is what every server must do
// first (read it, undo the compression), the same for every client; it
// does not parse the rows. Run it in another process than the client
// being measured (cmd/chsink), so that its CPU is not the client's.
package chdrain

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

// Control paths, answered by the sink itself (ClickHouse serves none of
// them).
const (
	StatsPath = "/_chsink/stats" // GET: Stats as JSON
	ResetPath = "/_chsink/reset" // POST: counters back to zero
)

// Stats counts what the sink saw since the last reset.
type Stats struct {
	Requests  int64 `json:"requests"`   // every request but the control ones
	Forwarded int64 `json:"forwarded"`  // passed on to the real server
	Inserts   int64 `json:"inserts"`    // INSERTs answered by the sink
	WireBytes int64 `json:"wire_bytes"` // INSERT bodies as sent
	DataBytes int64 `json:"data_bytes"` // INSERT bodies decompressed
	Errors    int64 `json:"errors"`     // bodies that could not be read
}

// Sink is the handler. Create it with New.
type Sink struct {
	upstream *httputil.ReverseProxy

	requests, forwarded, inserts, wire, data, errs atomic.Int64

	log  io.Writer // nil: no request log
	mu   sync.Mutex
	seen map[string]bool // request shapes already logged
	n    int             // requests logged
}

// New forwards to the ClickHouse HTTP interface at upstream. With log set,
// the first request of each shape (method, path, parameter names, query
// text with digits masked, Content-Encoding) is written there, once.
func New(upstream string, log io.Writer) (*Sink, error) {
	u, err := url.Parse(upstream)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("chdrain: upstream %q is not a URL", upstream)
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.Transport = &http.Transport{MaxIdleConnsPerHost: 64}
	rp.ModifyResponse = compressResponse
	return &Sink{upstream: rp, log: log, seen: map[string]bool{}}, nil
}

// Stats reads the counters.
func (s *Sink) Stats() Stats {
	return Stats{
		Requests: s.requests.Load(), Forwarded: s.forwarded.Load(), Inserts: s.inserts.Load(),
		WireBytes: s.wire.Load(), DataBytes: s.data.Load(), Errors: s.errs.Load(),
	}
}

// Reset sets the counters to zero.
func (s *Sink) Reset() {
	for _, c := range []*atomic.Int64{&s.requests, &s.forwarded, &s.inserts, &s.wire, &s.data, &s.errs} {
		c.Store(0)
	}
}

func (s *Sink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case StatsPath:
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(s.Stats())
		return
	case ResetPath:
		s.Reset()
		w.WriteHeader(http.StatusNoContent)
		return
	}
	s.requests.Add(1)
	query := r.URL.Query().Get("query")
	if query != "" || r.Method != http.MethodPost {
		if isInsert(query) {
			s.logOnce(r, query, "drained")
			s.drain(w, r, r.Body)
			return
		}
		s.logOnce(r, query, "forwarded")
		s.forward(w, r)
		return
	}
	s.bodyQuery(w, r)
}

// bodyQuery serves a POST whose query is in the body: an INSERT with its
// data after the query text, or any other query, which is passed on
// decompressed (the upstream takes plain bodies).
func (s *Sink) bodyQuery(w http.ResponseWriter, r *http.Request) {
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		s.fail(w, err)
		return
	}
	head := peek(r, raw)
	if isInsert(head) {
		s.logOnce(r, head, "drained")
		s.drain(w, r, bytes.NewReader(raw))
		return
	}
	s.logOnce(r, head, "forwarded")
	if err := plainBody(r, raw); err != nil {
		s.fail(w, err)
		return
	}
	s.forward(w, r)
}

// peek is the start of the decompressed body, "" when it cannot be read.
func peek(r *http.Request, raw []byte) string {
	rd, done, err := bodyReader(r, bytes.NewReader(raw))
	if err != nil {
		return ""
	}
	defer done()
	b, _ := bufio.NewReaderSize(rd, 256).Peek(256)
	return string(b)
}

func isInsert(q string) bool {
	q = strings.TrimSpace(q)
	return len(q) >= 6 && strings.EqualFold(q[:6], "INSERT")
}

func (s *Sink) forward(w http.ResponseWriter, r *http.Request) {
	s.forwarded.Add(1)
	nativeCompression(r)
	s.upstream.ServeHTTP(w, r)
}

// drain reads the whole body, decompressed, and answers as ClickHouse
// answers a successful INSERT: 200 with an empty body.
func (s *Sink) drain(w http.ResponseWriter, r *http.Request, body io.Reader) {
	wire := &counter{r: body}
	rd, done, err := bodyReader(r, wire)
	if err != nil {
		s.fail(w, err)
		return
	}
	n, err := io.Copy(io.Discard, rd)
	done()
	s.wire.Add(wire.n)
	s.data.Add(n)
	if err != nil {
		s.fail(w, err)
		return
	}
	s.inserts.Add(1)
	w.WriteHeader(http.StatusOK)
}

// fail answers as ClickHouse does, so that clients report the message.
func (s *Sink) fail(w http.ResponseWriter, err error) {
	s.errs.Add(1)
	w.Header().Set("X-ClickHouse-Exception-Code", "1000")
	w.WriteHeader(http.StatusBadRequest)
	_, _ = fmt.Fprintf(w, "Code: 1000. DB::Exception: chsink: %v\n", err)
}

type counter struct {
	r io.Reader
	n int64
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// logOnce writes the request's shape the first time it is seen.
func (s *Sink) logOnce(r *http.Request, query, action string) {
	if s.log == nil {
		return
	}
	params := r.URL.Query()
	names := make([]string, 0, len(params))
	for k := range params {
		names = append(names, k)
	}
	sort.Strings(names)
	enc := r.Header.Get("Content-Encoding")
	key := strings.Join([]string{r.Method, r.URL.Path, strings.Join(names, ","), maskDigits(query), enc}, "|")
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen[key] {
		return
	}
	s.seen[key] = true
	s.n++
	var b strings.Builder
	fmt.Fprintf(&b, "chsink: #%d %s %s %s query=%q", s.n, action, r.Method, r.URL.Path, clip(query, 400))
	for _, k := range names {
		if k != "query" {
			fmt.Fprintf(&b, " %s=%q", k, paramValue(k, params.Get(k)))
		}
	}
	fmt.Fprintf(&b, " content-encoding=%q content-length=%d\n", enc, r.ContentLength)
	_, _ = io.WriteString(s.log, b.String())
}

// paramValue hides what could be a secret.
func paramValue(k, v string) string {
	k = strings.ToLower(k)
	if strings.Contains(k, "password") || strings.Contains(k, "key") || strings.Contains(k, "user") {
		return "<hidden>"
	}
	return clip(v, 60)
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func maskDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return '#'
		}
		return r
	}, s)
}
