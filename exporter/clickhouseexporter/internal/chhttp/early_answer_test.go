package chhttp

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// A proxy in front of ClickHouse may answer 413, 429 or 503 before it has
// read the body, and go on reading it (or a server may reset the
// connection half-way). Insert must return the answer as a retryable
// error (code 0, the status kept), and once it has returned the caller's
// buffer is its own again: the server sees only bytes written before the
// return, never the 0xFF the caller scribbles over the buffer afterwards.
func TestInsertEarlyAnswerBodyNotReadAfterReturn(t *testing.T) {
	statuses := []int{http.StatusRequestEntityTooLarge, http.StatusTooManyRequests, http.StatusServiceUnavailable}
	var n, late, reset atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := n.Add(1)
		rc := http.NewResponseController(w)
		_ = rc.EnableFullDuplex()
		head := make([]byte, 512)
		if _, err := io.ReadFull(r.Body, head); err != nil {
			return
		}
		if i%4 == 0 { // a reset mid-body
			reset.Add(1)
			conn, _, err := rc.Hijack()
			if err == nil {
				_ = conn.Close()
			}
			return
		}
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(statuses[int(i)%len(statuses)])
		_ = rc.Flush()
		time.Sleep(5 * time.Millisecond) // the client has its answer by now
		buf := make([]byte, 32<<10)
		for {
			k, err := r.Body.Read(buf)
			if bytes.IndexByte(buf[:k], 0xFF) >= 0 {
				late.Add(1)
			}
			if err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	c := newClient(t, Config{Hosts: []string{srv.Listener.Addr().String()}, MaxConns: 4})

	const workers, each, size = 6, 30, 1 << 20
	var wg sync.WaitGroup
	var bad atomic.Int64
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := make([]byte, size)
			for i := range each {
				for j := range body {
					body[j] = byte((w*each + i + j) % 200)
				}
				err := c.Insert(context.Background(), "INSERT INTO t FORMAT Native", nil, body)
				var exc *Exception
				switch {
				case errors.As(err, &exc):
					if exc.Code != 0 || exc.Status < 400 {
						t.Errorf("got %+v, want a proxy's status without a ClickHouse code", exc)
						bad.Add(1)
					}
				case err == nil:
					t.Error("an early error answer was taken for a stored insert")
					bad.Add(1)
				}
				for j := range body {
					body[j] = 0xFF // the next batch reuses the buffer
				}
			}
		}()
	}
	wg.Wait()
	time.Sleep(100 * time.Millisecond) // let the handlers drain what is in flight
	if late.Load() != 0 {
		t.Fatalf("the server read %d chunks written after Insert returned", late.Load())
	}
	t.Logf("%d requests, %d reset", n.Load(), reset.Load())
}

// A slow server and exporterhelper's timeout: Insert returns with the
// deadline while the body is still being sent, and the server never gets
// the bytes the caller writes into the buffer afterwards.
func TestInsertDeadlineBodyNotReadAfterReturn(t *testing.T) {
	var late atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		buf := make([]byte, 64<<10)
		for {
			k, err := r.Body.Read(buf)
			if bytes.IndexByte(buf[:k], 0xFF) >= 0 {
				late.Add(1)
			}
			if err != nil {
				return
			}
			time.Sleep(2 * time.Millisecond)
		}
	}))
	defer srv.Close()
	c := newClient(t, Config{Hosts: []string{srv.Listener.Addr().String()}})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := make([]byte, 8<<20)
			for i := range 5 {
				for j := range body {
					body[j] = byte((w + i + j) % 200)
				}
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
				err := c.Insert(ctx, "INSERT INTO t FORMAT Native", nil, body)
				cancel()
				if !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("got %v, want the deadline", err)
				}
				for j := range body {
					body[j] = 0xFF
				}
			}
		}()
	}
	wg.Wait()
	time.Sleep(100 * time.Millisecond)
	if late.Load() != 0 {
		t.Fatalf("the server read %d chunks written after Insert returned", late.Load())
	}
}

// Something other than ClickHouse answering 200 with a page (a load
// balancer's default site, a wrong port) did not store the rows: the
// insert fails, to be retried, instead of being counted as written.
func TestInsertNonClickHouse200IsAnError(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		_, _ = io.WriteString(w, "<html><body>Welcome to nginx!</body></html>\n")
	}))
	defer srv.Close()
	c := newClient(t, Config{Hosts: []string{srv.Listener.Addr().String()}})
	err := c.Insert(context.Background(), "INSERT INTO t FORMAT Native", nil, []byte{1})
	var exc *Exception
	if !errors.As(err, &exc) || exc.Code != 0 || exc.Status != http.StatusOK {
		t.Fatalf("got %v, want an error without a ClickHouse code", err)
	}
}
