// Package httpsendtest is a faulty HTTP front for exporter tests: it
// stands between an exporter and a real (or fake) server and injects the
// faults of a fixed script. Tests only.
package httpsendtest

import (
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Faults a script may hold. "" (Pass) forwards the request.
const (
	Pass      = ""
	Throttle  = "429"  // 429 with Retry-After: 1
	Down      = "503"  // 503
	Drop      = "drop" // the connection is closed without an answer
	BadReq    = "400"  // 400
	TooLarge  = "413"  // 413
	Slow      = "slow" // forwarded after 300ms
	DropAfter = "drop-after"
	// DropAfter forwards the request, then closes the connection before the
	// answer: the server has the data but the client does not know.
)

// Front injects scripted faults. Each request takes the next fault of
// the script; faults other than Slow and DropAfter happen before
// forwarding, so a refused request never reached the server.
type Front struct {
	URL     string
	MaxBody int // bodies over it get 413, when set

	mu     sync.Mutex
	script []string
	n      int
	proxy  *httputil.ReverseProxy
	down   atomic.Bool

	TooBig  atomic.Int64 // 413 answers given for MaxBody
	Served  atomic.Int64 // requests forwarded
	Refused atomic.Int64 // requests refused while down
}

// New starts a front to target on loopback, stopped at the end of the test.
func New(t testing.TB, target string, script ...string) *Front {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	f := &Front{script: script, proxy: httputil.NewSingleHostReverseProxy(u)}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: f, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	f.URL = "http://" + l.Addr().String()
	return f
}

// SetDown makes the front answer 503 to everything (true) or resume the
// script (false): a backend that is down for a while.
func (f *Front) SetDown(down bool) { f.down.Store(down) }

// FaultsUsed is how many scripted faults requests have met so far.
func (f *Front) FaultsUsed() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return min(f.n, len(f.script))
}

func (f *Front) next() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	fault := Pass
	if f.n < len(f.script) {
		fault = f.script[f.n]
	}
	f.n++
	return fault
}

func (f *Front) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if f.down.Load() {
		f.Refused.Add(1)
		http.Error(w, "backend down", http.StatusServiceUnavailable)
		return
	}
	if f.MaxBody > 0 && r.ContentLength > int64(f.MaxBody) {
		f.TooBig.Add(1)
		http.Error(w, "request entity too large", http.StatusRequestEntityTooLarge)
		return
	}
	switch f.next() {
	case Throttle:
		w.Header().Set("Retry-After", "1")
		http.Error(w, "slow down", http.StatusTooManyRequests)
	case Down:
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
	case BadReq:
		http.Error(w, "cannot parse the request", http.StatusBadRequest)
	case TooLarge:
		http.Error(w, "request entity too large", http.StatusRequestEntityTooLarge)
	case Drop:
		hangUp(w)
	case DropAfter:
		f.Served.Add(1)
		f.proxy.ServeHTTP(discard{}, r)
		hangUp(w)
	case Slow:
		time.Sleep(300 * time.Millisecond)
		fallthrough
	default:
		f.Served.Add(1)
		f.proxy.ServeHTTP(w, r)
	}
}

func hangUp(w http.ResponseWriter) {
	if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
		conn.Close()
	}
}

// discard is a ResponseWriter that throws the answer away.
type discard struct{}

func (discard) Header() http.Header         { return http.Header{} }
func (discard) Write(b []byte) (int, error) { return len(b), nil }
func (discard) WriteHeader(int)             {}
