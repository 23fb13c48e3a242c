package sink

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
	"time"
)

// Proxy is an HTTP reverse proxy in front of a real server that has no
// fault switch of its own (ClickHouse's HTTP interface): it counts the
// request bodies forwarded (as sent on the wire) and misbehaves on
// command, as the counting sinks do: down (connections refused), 429
// (answered with Retry-After: 1, not forwarded) or slow (answers delayed).
type Proxy struct {
	URL  string // where clients send
	addr string
	rp   *httputil.ReverseProxy
	sent atomic.Int64

	mu    sync.Mutex
	srv   *http.Server
	fault string    // "", "429", "slow"
	until time.Time // end of the current fault
	delay time.Duration
	done  bool
}

// NewProxy listens on a free loopback port and forwards to backendURL.
func NewProxy(backendURL string) (*Proxy, error) {
	u, err := url.Parse(backendURL)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("proxy: %q is not a URL", backendURL)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.Transport = &http.Transport{MaxIdleConnsPerHost: 64}
	// A request cut by a "down" fault is the client's to retry: answer 502
	// without logging it.
	rp.ErrorHandler = func(w http.ResponseWriter, _ *http.Request, err error) {
		http.Error(w, "testbed proxy: "+err.Error(), http.StatusBadGateway)
	}
	p := &Proxy{URL: "http://" + l.Addr().String(), addr: l.Addr().String(), rp: rp}
	p.serve(l)
	return p, nil
}

// SentBytes is the request body bytes forwarded since the last ResetBytes.
func (p *Proxy) SentBytes() int64 { return p.sent.Load() }

// ResetBytes starts counting again.
func (p *Proxy) ResetBytes() { p.sent.Store(0) }

// Fault makes the proxy misbehave for d: down, 429 or slow (each answer
// delayed by delay). Down returns when the proxy listens again.
func (p *Proxy) Fault(mode string, d, delay time.Duration) error {
	switch mode {
	case "down":
		return p.down(d)
	case "429", "slow":
		p.mu.Lock()
		p.fault, p.until, p.delay = mode, time.Now().Add(d), delay
		p.mu.Unlock()
		return nil
	}
	return fmt.Errorf("proxy: unknown fault %q (down, 429, slow)", mode)
}

func (p *Proxy) down(d time.Duration) error {
	p.mu.Lock()
	_ = p.srv.Close() // the listener and every connection
	p.mu.Unlock()
	time.Sleep(d)
	l, err := net.Listen("tcp", p.addr)
	if err != nil {
		return fmt.Errorf("proxy: listen again on %s: %w", p.addr, err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done {
		return l.Close()
	}
	p.serve(l)
	return nil
}

// serve starts a server on l; called with mu held or before sharing.
func (p *Proxy) serve(l net.Listener) {
	p.srv = &http.Server{Handler: http.HandlerFunc(p.handle), ReadHeaderTimeout: 10 * time.Second}
	go func(s *http.Server) { _ = s.Serve(l) }(p.srv)
}

// Close stops the proxy and its connections.
func (p *Proxy) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done = true
	_ = p.srv.Close()
}

func (p *Proxy) current() (string, time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if time.Now().After(p.until) {
		return "", 0
	}
	return p.fault, p.delay
}

func (p *Proxy) handle(w http.ResponseWriter, r *http.Request) {
	switch mode, delay := p.current(); mode {
	case "429":
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Retry-After", "1")
		http.Error(w, "testbed: 429 storm", http.StatusTooManyRequests)
		return
	case "slow":
		time.Sleep(delay)
	}
	r.Body = &countingBody{ReadCloser: r.Body, n: &p.sent}
	p.rp.ServeHTTP(w, r)
}

type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (c *countingBody) Read(b []byte) (int, error) {
	n, err := c.ReadCloser.Read(b)
	c.n.Add(int64(n))
	return n, err
}
