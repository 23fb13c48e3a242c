package chhttp

import (
	"fmt"
	"io"
	"sync"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
)

// Compression names, as in Config.Compression and Content-Encoding.
const (
	CompressionNone = "none"
	CompressionGzip = "gzip"
	CompressionZstd = "zstd"
	CompressionLZ4  = "lz4"
)

// compressor turns a body into its Content-Encoding form, appending to
// dst. Implementations are safe for concurrent use.
type compressor interface {
	encoding() string
	compress(dst, src []byte) ([]byte, error)
}

func newCompressor(name string) (compressor, error) {
	switch name {
	case "", CompressionNone:
		return nil, nil
	case CompressionGzip:
		return newStreamCompressor(CompressionGzip, func() resetWriter {
			// The fast level: the exporter is CPU-bound, the network rarely is.
			w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
			return w
		}), nil
	case CompressionLZ4:
		return newStreamCompressor(CompressionLZ4, func() resetWriter {
			w := lz4.NewWriter(nil)
			// One goroutine per writer: requests already run in parallel.
			_ = w.Apply(lz4.ConcurrencyOption(1))
			return w
		}), nil
	case CompressionZstd:
		// One encoder serves all requests: EncodeAll is safe for
		// concurrent use and keeps up to GOMAXPROCS states of its own.
		enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest))
		if err != nil {
			return nil, err
		}
		return zstdCompressor{enc}, nil
	}
	return nil, fmt.Errorf("chhttp: compression %q is not one of none, gzip, zstd, lz4", name)
}

type zstdCompressor struct{ enc *zstd.Encoder }

func (zstdCompressor) encoding() string { return CompressionZstd }

func (z zstdCompressor) compress(dst, src []byte) ([]byte, error) {
	return z.enc.EncodeAll(src, dst), nil
}

// resetWriter is what gzip.Writer and lz4.Writer have in common.
type resetWriter interface {
	io.WriteCloser
	Reset(io.Writer)
}

// streamCompressor runs pooled streaming writers, each with its own
// appending output, so that a call allocates nothing once warm.
type streamCompressor struct {
	name string
	pool sync.Pool // of *streamState
}

type streamState struct {
	w   resetWriter
	out appendWriter
}

func newStreamCompressor(name string, newWriter func() resetWriter) *streamCompressor {
	s := &streamCompressor{name: name}
	s.pool.New = func() any { return &streamState{w: newWriter()} }
	return s
}

func (s *streamCompressor) encoding() string { return s.name }

func (s *streamCompressor) compress(dst, src []byte) ([]byte, error) {
	st := s.pool.Get().(*streamState)
	st.out.b = dst
	st.w.Reset(&st.out)
	_, err := st.w.Write(src)
	if cerr := st.w.Close(); err == nil {
		err = cerr
	}
	out := st.out.b
	st.out.b = nil // the caller owns the buffer now
	s.pool.Put(st)
	return out, err
}

// appendWriter is an io.Writer that appends to b.
type appendWriter struct{ b []byte }

func (a *appendWriter) Write(p []byte) (int, error) {
	a.b = append(a.b, p...)
	return len(p), nil
}
