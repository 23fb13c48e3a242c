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
	size    int64 // bytes in the current file, buffered ones included
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
	if err := os.MkdirAll(filepath.Dir(w.cfg.Path), 0o700); err != nil {
		return fmt.Errorf("jsonlfile: %w", err)
	}
	if err := w.open(); err != nil {
		return err
	}
	// Older files an earlier version rotated (0644 then) are narrowed too.
	for i := 1; i <= w.cfg.Rotation.MaxBackups; i++ {
		if err := os.Chmod(w.backup(i), 0o600); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("jsonlfile: %w", err)
		}
	}
	if w.cfg.FlushInterval > 0 {
		w.stop = make(chan struct{})
		w.stopped.Add(1)
		go w.flushLoop()
	}
	return nil
}

// open opens (or creates, readable by its owner only: telemetry may hold
// anything) the file and learns its size.
func (w *fileWriter) open() error {
	f, err := os.OpenFile(w.cfg.Path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("jsonlfile: %w", err)
	}
	// The mode above only applies to a new file; one left by an earlier
	// version (created 0644) is narrowed too.
	if err := f.Chmod(0o600); err != nil {
		_ = f.Close()
		return fmt.Errorf("jsonlfile: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return fmt.Errorf("jsonlfile: %w", err)
	}
	w.file, w.size = f, st.Size()
	if w.buf == nil {
		w.buf = bufio.NewWriterSize(f, 64*1024)
	} else {
		w.buf.Reset(f)
	}
	return nil
}

// rotate closes the file, shifts <path>.i to <path>.i+1, dropping the
// one past max_backups, renames the file to <path>.1 and opens a new one.
// Called with mu held.
func (w *fileWriter) rotate() error {
	if err := w.buf.Flush(); err != nil {
		return err
	}
	if err := w.file.Close(); err != nil {
		return err
	}
	w.file = nil
	backups := w.cfg.Rotation.MaxBackups
	if err := os.Remove(w.backup(backups + 1)); err != nil && !os.IsNotExist(err) {
		return err
	}
	for i := backups; i >= 1; i-- {
		if err := os.Rename(w.backup(i-1), w.backup(i)); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	if backups == 0 {
		if err := os.Remove(w.cfg.Path); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	return w.open()
}

// backup names the i-th older file; the 0th is the file itself.
func (w *fileWriter) backup(i int) string {
	if i == 0 {
		return w.cfg.Path
	}
	return fmt.Sprintf("%s.%d", w.cfg.Path, i)
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
	if w.users > 0 {
		w.users--
	}
	if w.users > 0 {
		w.mu.Unlock()
		return nil
	}
	w.mu.Unlock()
	if w.stop != nil {
		close(w.stop)
		w.stopped.Wait()
		w.stop = nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.file == nil { // never started, or a failed rotation closed it
		return nil
	}
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
		// Started but closed by a failed rotation: the retry reopens.
		if w.users == 0 {
			return fmt.Errorf("jsonlfile: %s is not open", w.cfg.Path)
		}
		if err := w.open(); err != nil {
			return err
		}
	}
	// A line larger than the limit still gets a file of its own.
	if n := int64(len(line)) + 1; w.size > 0 && w.size+n > w.maxBytes() {
		if err := w.rotate(); err != nil {
			return fmt.Errorf("jsonlfile: rotate %s: %w", w.cfg.Path, err)
		}
	}
	w.size += int64(len(line)) + 1
	// Readers of the live file (tail -f, a log shipper) must never see
	// half a line: a line that does not fit the buffer's free space goes
	// out after what is buffered, in one write with its newline.
	line = append(line, '\n')
	if len(line) > w.buf.Available() && w.buf.Buffered() > 0 {
		if err := w.buf.Flush(); err != nil {
			return err
		}
	}
	if _, err := w.buf.Write(line); err != nil {
		return err
	}
	if w.cfg.FlushInterval == 0 {
		return w.buf.Flush()
	}
	return nil
}

func (w *fileWriter) maxBytes() int64 {
	return int64(w.cfg.Rotation.MaxMegabytes) << 20
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
