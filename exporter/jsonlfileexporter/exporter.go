package jsonlfileexporter

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// fileWriter appends one OTLP/JSON document per request, one per line.
// All signals of one config share the file, so the writer is shared too.
type fileWriter struct {
	cfg *Config

	mu      sync.Mutex
	file    *os.File
	buf     *bufio.Writer
	users   int
	stop    chan struct{}
	stopped sync.WaitGroup
}

func (w *fileWriter) start(context.Context, component.Host) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.users++; w.users > 1 {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(w.cfg.Path), 0o755); err != nil {
		return fmt.Errorf("jsonlfile: %w", err)
	}
	f, err := os.OpenFile(w.cfg.Path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("jsonlfile: %w", err)
	}
	w.file, w.buf = f, bufio.NewWriterSize(f, 64*1024)
	if w.cfg.FlushInterval > 0 {
		w.stop = make(chan struct{})
		w.stopped.Add(1)
		go w.flushLoop()
	}
	return nil
}

func (w *fileWriter) flushLoop() {
	defer w.stopped.Done()
	t := time.NewTicker(w.cfg.FlushInterval)
	defer t.Stop()
	for {
		select {
		case <-w.stop:
			return
		case <-t.C:
			w.mu.Lock()
			_ = w.buf.Flush()
			w.mu.Unlock()
		}
	}
}

func (w *fileWriter) shutdown(context.Context) error {
	w.mu.Lock()
	if w.users--; w.users > 0 || w.file == nil {
		w.mu.Unlock()
		return nil
	}
	w.mu.Unlock()
	if w.stop != nil {
		close(w.stop)
		w.stopped.Wait()
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	err := w.buf.Flush()
	if cerr := w.file.Close(); err == nil {
		err = cerr
	}
	w.file = nil
	return err
}

// write appends one line. A write error is returned as is, so the
// collector's retry can try again; a marshal error is permanent.
func (w *fileWriter) write(line []byte, marshalErr error) error {
	if marshalErr != nil {
		return consumererror.NewPermanent(marshalErr)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.file == nil {
		return fmt.Errorf("jsonlfile: %s is not open", w.cfg.Path)
	}
	if _, err := w.buf.Write(line); err != nil {
		return err
	}
	if err := w.buf.WriteByte('\n'); err != nil {
		return err
	}
	if w.cfg.FlushInterval == 0 {
		return w.buf.Flush()
	}
	return nil
}

func (w *fileWriter) pushTraces(_ context.Context, td ptrace.Traces) error {
	return w.write((&ptrace.JSONMarshaler{}).MarshalTraces(td))
}

func (w *fileWriter) pushMetrics(_ context.Context, md pmetric.Metrics) error {
	return w.write((&pmetric.JSONMarshaler{}).MarshalMetrics(md))
}

func (w *fileWriter) pushLogs(_ context.Context, ld plog.Logs) error {
	return w.write((&plog.JSONMarshaler{}).MarshalLogs(ld))
}
