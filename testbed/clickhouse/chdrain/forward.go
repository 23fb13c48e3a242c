package chdrain

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/ClickHouse/ch-go/compress"
)

// The upstream (internal/chdbhttp) takes plain or gzip bodies and answers
// plainly, while a client may ask for ClickHouse's compressed blocks both
// ways (compress=1, decompress=1: clickhouse-go with lz4 or zstd over
// HTTP). The sink translates, so that compressed runs reach the same
// upstream.

// compressHeader carries, from the request to its response, the method
// the client asked its answers in.
const compressHeader = "X-Chsink-Compress"

// plainBody replaces the request's body, read into raw, by its
// decompressed form.
func plainBody(r *http.Request, raw []byte) error {
	rd, done, err := bodyReader(r, bytes.NewReader(raw))
	if err != nil {
		return err
	}
	defer done()
	plain, err := io.ReadAll(rd)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	q.Del("decompress")
	r.URL.RawQuery = q.Encode()
	r.Header.Del("Content-Encoding")
	r.Body = io.NopCloser(bytes.NewReader(plain))
	r.ContentLength = int64(len(plain))
	r.Header.Set("Content-Length", strconv.Itoa(len(plain)))
	return nil
}

// nativeCompression notes compress=1 for the response and removes it
// from what the upstream sees.
func nativeCompression(r *http.Request) {
	q := r.URL.Query()
	if q.Get("compress") != "1" {
		return
	}
	method := strings.ToUpper(q.Get("network_compression_method"))
	if method == "" {
		method = "LZ4"
	}
	r.Header.Set(compressHeader, method)
	r.Header.Del("Accept-Encoding") // the answer is compressed here, not upstream
	q.Del("compress")
	r.URL.RawQuery = q.Encode()
}

// compressResponse writes a successful answer as ClickHouse's compressed
// blocks when the request asked for them; errors stay plain, as
// clickhouse-go reads them either way.
func compressResponse(resp *http.Response) error {
	method := resp.Request.Header.Get(compressHeader)
	if method == "" || resp.StatusCode != http.StatusOK {
		return nil
	}
	var m compress.Method
	switch method {
	case "LZ4":
		m = compress.LZ4
	case "ZSTD":
		m = compress.ZSTD
	default:
		return fmt.Errorf("chsink: network_compression_method %q is not LZ4 or ZSTD", method)
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return err
	}
	out := body[:0:0]
	if len(body) > 0 {
		w := compress.NewWriter(compress.LevelZero, m)
		if err := w.Compress(body); err != nil {
			return err
		}
		out = w.Data
	}
	resp.Body = io.NopCloser(bytes.NewReader(out))
	resp.ContentLength = int64(len(out))
	resp.Header.Set("Content-Length", strconv.Itoa(len(out)))
	resp.Header.Del("Content-Encoding")
	return nil
}
