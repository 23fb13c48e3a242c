package sink

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// The proxy forwards and counts request bodies, and each fault does what
// the counting sinks' faults do: 429 answers without forwarding, slow
// delays, down refuses connections and then serves again.
func TestProxyFaults(t *testing.T) {
	var forwarded atomic.Int64
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		forwarded.Add(int64(len(b)))
		_, _ = w.Write([]byte("Ok."))
	}))
	defer backend.Close()
	p, err := NewProxy(backend.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	client := &http.Client{Transport: &http.Transport{}, Timeout: 5 * time.Second}
	post := func() (int, error) {
		resp, err := client.Post(p.URL+"/?query=x", "text/plain", strings.NewReader("12345"))
		if err != nil {
			return 0, err
		}
		resp.Body.Close()
		return resp.StatusCode, nil
	}

	if code, err := post(); err != nil || code != http.StatusOK {
		t.Fatalf("forward: %d, %v", code, err)
	}
	if p.SentBytes() != 5 || forwarded.Load() != 5 {
		t.Errorf("bytes: proxy counted %d, backend got %d, want 5", p.SentBytes(), forwarded.Load())
	}

	if err := p.Fault("429", time.Second, 0); err != nil {
		t.Fatal(err)
	}
	if code, _ := post(); code != http.StatusTooManyRequests || forwarded.Load() != 5 {
		t.Errorf("429 storm: status %d, backend got %d bytes (want 429, nothing forwarded)", code, forwarded.Load())
	}

	if err := p.Fault("slow", time.Second, 300*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if code, _ := post(); code != http.StatusOK || time.Since(start) < 300*time.Millisecond {
		t.Errorf("slow: status %d after %s, want 200 after at least 300ms", code, time.Since(start))
	}

	downDone := make(chan error, 1)
	go func() { downDone <- p.Fault("down", 500*time.Millisecond, 0) }()
	time.Sleep(100 * time.Millisecond)
	client.CloseIdleConnections()
	if _, err := post(); err == nil {
		t.Error("down: a request went through")
	}
	if err := <-downDone; err != nil {
		t.Fatal(err)
	}
	if code, err := post(); err != nil || code != http.StatusOK {
		t.Errorf("after down: %d, %v", code, err)
	}
	p.ResetBytes()
	if p.SentBytes() != 0 {
		t.Error("ResetBytes did not reset")
	}
}
