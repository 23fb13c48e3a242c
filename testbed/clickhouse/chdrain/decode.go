package chdrain

import (
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/ClickHouse/ch-go/compress"
	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
)

// bodyReader undoes the request's compression the way ClickHouse's HTTP
// interface does, so that the sink pays what a server pays before it can
// parse the data: first the HTTP Content-Encoding, then, with
// decompress=1 in the URL, ClickHouse's own compressed blocks (what
// clickhouse-go sends for lz4 and zstd over HTTP).
func bodyReader(r *http.Request, body io.Reader) (io.Reader, func(), error) {
	rd, done, err := contentDecoder(r.Header.Get("Content-Encoding"), body)
	if err != nil {
		return nil, nil, err
	}
	if r.URL.Query().Get("decompress") == "1" {
		rd = blocks{compress.NewReader(rd)}
	}
	return rd, done, nil
}

// blocks ends where the body ends between two blocks: ch-go's reader
// reports that as an error wrapping io.EOF (ReadFull of the next header
// found no byte); a body cut inside a block stays an error
// (io.ErrUnexpectedEOF).
type blocks struct{ r io.Reader }

func (b blocks) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && errors.Is(err, io.EOF) {
		err = io.EOF
	}
	return n, err
}

func nothing() {}

// contentDecoder reads the named Content-Encoding. The names are
// ClickHouse's (gzip, deflate, br, zstd, lz4); lz4 is the LZ4 frame format.
func contentDecoder(enc string, body io.Reader) (io.Reader, func(), error) {
	switch strings.ToLower(strings.TrimSpace(enc)) {
	case "", "identity", "none":
		return body, nothing, nil
	case "gzip", "x-gzip":
		gz, err := gzip.NewReader(body)
		if err != nil {
			return nil, nil, fmt.Errorf("gzip: %w", err)
		}
		return gz, nothing, nil
	case "deflate":
		z, err := zlib.NewReader(body)
		if err != nil {
			return nil, nil, fmt.Errorf("deflate: %w", err)
		}
		return z, func() { _ = z.Close() }, nil
	case "br":
		return brotli.NewReader(body), nothing, nil
	case "zstd":
		// A decoder per request: the sink's own cost is not measured, and
		// this keeps it free of shared state.
		d, err := zstd.NewReader(body, zstd.WithDecoderConcurrency(1))
		if err != nil {
			return nil, nil, fmt.Errorf("zstd: %w", err)
		}
		return d, d.Close, nil
	case "lz4":
		return lz4.NewReader(body), nothing, nil
	}
	return nil, nil, fmt.Errorf("Content-Encoding %q is not gzip, deflate, br, zstd or lz4", enc)
}
