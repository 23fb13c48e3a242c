package chdrain

import (
	"errors"
	"io"
	"net/http"

	"github.com/ClickHouse/ch-go/compress"

	"github.com/otelhub/otelhub/internal/contentenc"
)

// bodyReader undoes the request's compression the way ClickHouse's HTTP
// interface does, so that the sink pays what a server pays before it can
// parse the data: first the HTTP Content-Encoding, then, with
// decompress=1 in the URL, ClickHouse's own compressed blocks (what
// clickhouse-go sends for lz4 and zstd over HTTP).
func bodyReader(r *http.Request, body io.Reader) (io.Reader, func(), error) {
	rd, done, err := contentenc.NewReader(r.Header.Get("Content-Encoding"), body)
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
