// Package contentenc undoes an HTTP request body's Content-Encoding, by
// the names ClickHouse's HTTP interface takes (gzip, deflate, br, zstd,
// lz4 as the LZ4 frame format). Test servers and sinks share it; the
// exporters' own compression lives with each exporter.
package contentenc

import (
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
)

// ErrUnknown is an encoding this package does not read.
var ErrUnknown = errors.New("unknown Content-Encoding")

func nothing() {}

// NewReader reads body decoded as enc; done releases the decoder.
func NewReader(enc string, body io.Reader) (rd io.Reader, done func(), err error) {
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
		// A decoder per request: no state shared between requests.
		d, err := zstd.NewReader(body, zstd.WithDecoderConcurrency(1))
		if err != nil {
			return nil, nil, fmt.Errorf("zstd: %w", err)
		}
		return d, d.Close, nil
	case "lz4":
		return lz4.NewReader(body), nothing, nil
	}
	return nil, nil, fmt.Errorf("%w %q (not gzip, deflate, br, zstd or lz4)", ErrUnknown, enc)
}
