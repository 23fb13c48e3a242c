// Package sink is the testbed's receiving end: HTTP servers that decode
// every request with a decoder independent of the exporters under test,
// count the items, and can misbehave on command (down, 429, slow) for the
// fault scenarios. A sink runs in the benchmark process (tests) or as a
// child process (the command), so that its CPU is not the exporter's.
package sink

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// decoder turns one request body into counted units (called with the
// counter locked) and says how many.
type decoder interface {
	decode(r *http.Request, body []byte, c *Counter) (int, error)
}

// responder is a decoder whose protocol answers a write with a body (the
// _bulk API's per-item results); others answer 204.
type responder interface {
	respond(w http.ResponseWriter, units int)
}

// Kinds are the protocols a sink speaks.
var kinds = map[string]func() decoder{
	"remotewrite": func() decoder { return newRemoteWrite() },
	"esbulk":      func() decoder { return esBulk{} },
}

// Server is a running sink: a data listener (URL) and a control listener
// (ControlURL) that stays up while the data side is "down".
type Server struct {
	URL, ControlURL string

	dec     decoder
	counter *Counter
	addr    string

	mu      sync.Mutex
	data    *http.Server
	fault   string    // "", "429", "slow"
	until   time.Time // end of the current fault
	delay   time.Duration
	control *http.Server
}

// Start serves a sink of the given kind on loopback at free ports.
func Start(kind string) (*Server, error) {
	mk, ok := kinds[kind]
	if !ok {
		return nil, fmt.Errorf("sink: unknown kind %q", kind)
	}
	s := &Server{dec: mk(), counter: newCounter()}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s.addr = l.Addr().String()
	s.URL = "http://" + s.addr
	s.serveData(l)
	cl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		l.Close()
		return nil, err
	}
	s.ControlURL = "http://" + cl.Addr().String()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /counts", s.handleCounts)
	mux.HandleFunc("POST /reset", func(w http.ResponseWriter, _ *http.Request) { s.counter.reset() })
	mux.HandleFunc("POST /fault", s.handleFault)
	s.control = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go s.control.Serve(cl) //nolint:errcheck // ends with Close
	return s, nil
}

func (s *Server) serveData(l net.Listener) {
	srv := &http.Server{Handler: http.HandlerFunc(s.handleData), ReadHeaderTimeout: 10 * time.Second}
	s.mu.Lock()
	s.data = srv
	s.mu.Unlock()
	go srv.Serve(l) //nolint:errcheck // ends with Close
}

// Close stops both listeners.
func (s *Server) Close() {
	s.mu.Lock()
	data := s.data
	s.mu.Unlock()
	if data != nil {
		data.Close()
	}
	s.control.Close()
}

func (s *Server) handleData(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		// Clients that check the server first (go-elasticsearch) get a
		// plain answer; it is not a write.
		w.Header().Set("X-Elastic-Product", "Elasticsearch")
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"version":{"number":"8.17.0"},"tagline":"You Know, for Search"}`)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if status, wait := s.misbehave(); status != 0 {
		s.counter.mu.Lock()
		s.counter.c.Rejected++
		s.counter.mu.Unlock()
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())))
		http.Error(w, "testbed fault", status)
		return
	} else if wait > 0 {
		time.Sleep(wait)
	}
	s.counter.mu.Lock()
	n, err := s.dec.decode(r, body, s.counter)
	if err != nil {
		s.counter.c.Invalid++
		s.counter.c.LastErr = err.Error()
	} else {
		s.counter.c.Requests++
		s.counter.c.WireBytes += int64(len(body))
	}
	s.counter.mu.Unlock()
	if err != nil {
		// 400: a body the sink cannot read is the exporter's bug, and must
		// not be retried into a success.
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if rs, ok := s.dec.(responder); ok {
		rs.respond(w, n)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// misbehave says how to answer under the current fault: a status to
// refuse with (and its Retry-After), or a delay before answering.
func (s *Server) misbehave() (int, time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fault == "" || time.Now().After(s.until) {
		return 0, 0
	}
	switch s.fault {
	case "429":
		return http.StatusTooManyRequests, time.Second
	case "slow":
		return 0, s.delay
	}
	return 0, 0
}

func (s *Server) handleCounts(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(s.counter.snapshot())
}

// handleFault starts a fault: mode=down|429|slow, for=<duration>,
// delay=<duration> (slow only).
func (s *Server) handleFault(w http.ResponseWriter, r *http.Request) {
	d, err := time.ParseDuration(r.FormValue("for"))
	if err != nil {
		http.Error(w, "for: "+err.Error(), http.StatusBadRequest)
		return
	}
	switch mode := r.FormValue("mode"); mode {
	case "down":
		err = s.down(d)
	case "429", "slow":
		delay, _ := time.ParseDuration(r.FormValue("delay"))
		s.mu.Lock()
		s.fault, s.until, s.delay = mode, time.Now().Add(d), delay
		s.mu.Unlock()
	default:
		err = fmt.Errorf("mode: %q is not down, 429 or slow", mode)
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
	}
}

// down closes the data listener and its connections, so that clients get
// "connection refused", and listens again on the same port after d.
func (s *Server) down(d time.Duration) error {
	s.mu.Lock()
	data := s.data
	s.data = nil
	s.mu.Unlock()
	if data == nil {
		return errors.New("already down")
	}
	data.Close()
	go func() {
		time.Sleep(d)
		for {
			l, err := net.Listen("tcp", s.addr)
			if err == nil {
				s.serveData(l)
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	return nil
}
