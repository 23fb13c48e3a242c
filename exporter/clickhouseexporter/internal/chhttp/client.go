package chhttp

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/net/http/httpproxy"
)

// Host choice strategies, as in Config.Strategy.
const (
	StrategyInOrder    = "in_order"
	StrategyRoundRobin = "round_robin"
	StrategyRandom     = "random"
)

// Config describes the servers and how to reach them.
type Config struct {
	Hosts       []string      // host:port, one or more
	Secure      bool          // https
	TLS         *tls.Config   // nil: system roots when Secure
	Username    string        // X-ClickHouse-User
	Password    string        // X-ClickHouse-Key; never logged, never in a URL
	Database    string        // X-ClickHouse-Database
	Compression string        // "none" (default) | "gzip" | "zstd" | "lz4": the body's Content-Encoding
	Strategy    string        // "in_order" (default) | "round_robin" | "random": the first host tried
	DialTimeout time.Duration // 0: 10s
	MaxConns    int           // open and idle connections per host; 0: 16 idle, no limit on open ones
}

// Setting is a query setting sent as a URL parameter.
type Setting struct{ Key, Value string }

// Client sends INSERTs to ClickHouse over HTTP. It is safe for
// concurrent use.
type Client struct {
	transport *http.Transport
	bases     []string // "http://host/?query=" per host
	strategy  string
	next      atomic.Uint64 // round_robin's counter
	comp      compressor
	headers   []header  // set on every request
	bufs      sync.Pool // of *callBuf
}

// maxAnswer is how much of an answer's body is read to find an
// exception; the rest is discarded.
const maxAnswer = 64 << 10

// New checks cfg and builds a client. It does not connect.
func New(cfg Config) (*Client, error) {
	if len(cfg.Hosts) == 0 {
		return nil, errors.New("chhttp: no hosts")
	}
	c := &Client{strategy: cfg.Strategy}
	switch cfg.Strategy {
	case "":
		c.strategy = StrategyInOrder
	case StrategyInOrder, StrategyRoundRobin, StrategyRandom:
	default:
		return nil, fmt.Errorf("chhttp: strategy %q is not one of in_order, round_robin, random", cfg.Strategy)
	}
	scheme := "http://"
	if cfg.Secure {
		scheme = "https://"
	}
	for _, h := range cfg.Hosts {
		if _, _, err := net.SplitHostPort(h); err != nil {
			return nil, fmt.Errorf("chhttp: host %q is not host:port: %w", h, err)
		}
		c.bases = append(c.bases, scheme+h+"/?query=")
	}
	comp, err := newCompressor(cfg.Compression)
	if err != nil {
		return nil, err
	}
	c.comp = comp
	c.headers = fixedHeaders(cfg, comp)
	c.transport = newTransport(cfg)
	c.bufs.New = func() any { return new(callBuf) }
	return c, nil
}

// header is a canonical header name and its value.
type header struct {
	key string
	val []string
}

// fixedHeaders are the headers every request carries, built once so that
// a request only copies slice headers into its map.
func fixedHeaders(cfg Config, comp compressor) []header {
	var hs []header
	add := func(k, v string) { hs = append(hs, header{k, []string{v}}) }
	add("User-Agent", "otelhub-chhttp")
	add("Content-Type", "application/octet-stream")
	if cfg.Username != "" || cfg.Password != "" {
		add("X-Clickhouse-User", cfg.Username)
		add("X-Clickhouse-Key", cfg.Password)
	}
	if cfg.Database != "" {
		add("X-Clickhouse-Database", cfg.Database)
	}
	if comp != nil {
		add("Content-Encoding", comp.encoding())
	}
	return hs
}

// environmentProxy follows HTTP_PROXY, HTTPS_PROXY and NO_PROXY as they
// are when the client is made, as Go's clients and the collector's
// confighttp do (loopback addresses are never proxied).
func environmentProxy() func(*http.Request) (*url.URL, error) {
	proxy := httpproxy.FromEnvironment().ProxyFunc()
	return func(r *http.Request) (*url.URL, error) { return proxy(r.URL) }
}

func newTransport(cfg Config) *http.Transport {
	dialTimeout := cfg.DialTimeout
	if dialTimeout <= 0 {
		dialTimeout = 10 * time.Second
	}
	idle := cfg.MaxConns
	if idle <= 0 {
		idle = 16
	}
	t := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout: dialTimeout,
		MaxIdleConnsPerHost: idle,
		MaxConnsPerHost:     max(cfg.MaxConns, 0),
		// ClickHouse closes idle connections after keep_alive_timeout
		// (3 s on old servers, more on new ones); dropping ours before
		// avoids sending on a connection the server is closing.
		IdleConnTimeout: 2 * time.Second,
		// Answers to INSERTs are empty; asking for gzip would only cost.
		DisableCompression: true,
		Proxy:              environmentProxy(),
	}
	if cfg.Secure {
		if cfg.TLS != nil {
			t.TLSClientConfig = cfg.TLS.Clone()
		} else {
			t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
		}
	}
	return t
}

// Close closes idle connections. Requests in flight finish.
func (c *Client) Close() { c.transport.CloseIdleConnections() }

// callBuf holds the buffers of one Insert, reused through the pool.
type callBuf struct {
	url  []byte // the request URL
	body []byte // the compressed body
	ans  []byte // the start of the answer
}

// Insert POSTs body as the data of query ("INSERT INTO db.t (a, b)
// FORMAT Native"), with settings as URL parameters. The context bounds
// the whole request. It returns nil only when ClickHouse answered 200
// without an exception; an *Exception when it answered with one; and
// otherwise the network error, wrapped. body is not retained.
func (c *Client) Insert(ctx context.Context, query string, settings []Setting, body []byte) error {
	cb := c.bufs.Get().(*callBuf)
	defer c.bufs.Put(cb)
	if c.comp != nil {
		var err error
		if cb.body, err = c.comp.compress(cb.body[:0], body); err != nil {
			return fmt.Errorf("chhttp: compress: %w", err)
		}
		body = cb.body
	}
	first := c.first()
	var err error
	for i := range c.bases {
		h := (first + i) % len(c.bases)
		err = c.post(ctx, cb, c.bases[h], query, settings, body)
		if !isDialError(err) || ctx.Err() != nil {
			return err
		}
	}
	return err
}

// first is the index of the host tried first.
func (c *Client) first() int {
	switch c.strategy {
	case StrategyRoundRobin:
		return int((c.next.Add(1) - 1) % uint64(len(c.bases)))
	case StrategyRandom:
		return rand.IntN(len(c.bases))
	}
	return 0
}

// isDialError tells whether err is a failure to connect, after which
// nothing of the request has reached the server.
func isDialError(err error) bool {
	if err == nil {
		return false
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

func (c *Client) post(ctx context.Context, cb *callBuf, base, query string, settings []Setting, body []byte) error {
	cb.url = appendURL(cb.url[:0], base, query, settings)
	rd := &bodyReader{b: body}
	defer rd.finish() // the transport may hold rd after RoundTrip; it must not read body then
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, string(cb.url), nil)
	if err != nil {
		return fmt.Errorf("chhttp: %w", err)
	}
	if len(body) > 0 { // else NoBody: a zero length with a Body would be sent chunked
		req.Body, req.GetBody, req.ContentLength = rd, rd.reopen, int64(len(body))
	}
	for _, h := range c.headers {
		req.Header[h.key] = h.val
	}
	resp, err := c.transport.RoundTrip(req)
	if err != nil {
		return fmt.Errorf("chhttp: insert via %s: %w", req.URL.Host, err)
	}
	defer resp.Body.Close()
	cb.ans, err = readAnswer(cb.ans[:0], resp.Body)
	if exc := parseException(resp.StatusCode, resp.Header, cb.ans); exc != nil {
		return exc
	}
	if err != nil {
		// 200 but the answer broke off: whether the insert completed is
		// unknown, so report it as a network error (retried).
		return fmt.Errorf("chhttp: insert via %s: reading the answer: %w", req.URL.Host, err)
	}
	return nil
}

// readAnswer reads up to maxAnswer bytes of the answer into dst and
// discards the rest, so the connection can be reused.
func readAnswer(dst []byte, r io.Reader) ([]byte, error) {
	for len(dst) < maxAnswer {
		if cap(dst) == len(dst) {
			dst = append(dst, 0)[:len(dst)]
		}
		n, err := r.Read(dst[len(dst):min(cap(dst), maxAnswer)])
		dst = dst[:len(dst)+n]
		if err == io.EOF {
			return dst, nil
		}
		if err != nil {
			return dst, err
		}
	}
	_, err := io.Copy(io.Discard, r)
	return dst, err
}

// appendURL appends base, the escaped query, wait_end_of_query=1 and the
// settings.
func appendURL(dst []byte, base, query string, settings []Setting) []byte {
	dst = append(dst, base...)
	dst = appendEscaped(dst, query)
	// See the package doc: the status code then reflects the query's end.
	dst = append(dst, "&wait_end_of_query=1"...)
	for _, s := range settings {
		dst = append(dst, '&')
		dst = appendEscaped(dst, s.Key)
		dst = append(dst, '=')
		dst = appendEscaped(dst, s.Value)
	}
	return dst
}

// appendEscaped appends s escaped for a URL query component, as
// url.QueryEscape does, without allocating.
func appendEscaped(dst []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case 'a' <= ch && ch <= 'z', 'A' <= ch && ch <= 'Z', '0' <= ch && ch <= '9',
			ch == '-', ch == '_', ch == '.', ch == '~':
			dst = append(dst, ch)
		case ch == ' ':
			dst = append(dst, '+')
		default:
			dst = append(dst, '%', hex[ch>>4], hex[ch&15])
		}
	}
	return dst
}

// bodyReader serves a request body from a slice the caller owns. net/http
// may read or close a request body from another goroutine even after
// RoundTrip returns; finish makes any later Read fail, so the slice can be
// reused as soon as Insert returns.
type bodyReader struct {
	mu   sync.Mutex
	b    []byte
	off  int
	done bool
}

func (r *bodyReader) Read(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done {
		return 0, errBodyDone
	}
	if r.off >= len(r.b) {
		return 0, io.EOF
	}
	n := copy(p, r.b[r.off:])
	r.off += n
	return n, nil
}

// Close ends this reading of the body; reopen may start another.
func (r *bodyReader) Close() error {
	r.mu.Lock()
	r.off = len(r.b)
	r.mu.Unlock()
	return nil
}

// reopen is the request's GetBody: net/http calls it to send the body
// again on a fresh connection when a reused one failed before anything
// was written.
func (r *bodyReader) reopen() (io.ReadCloser, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done {
		return nil, errBodyDone
	}
	r.off = 0
	return r, nil
}

func (r *bodyReader) finish() {
	r.mu.Lock()
	r.done, r.b = true, nil
	r.mu.Unlock()
}

var errBodyDone = errors.New("chhttp: request body read after the insert returned")
