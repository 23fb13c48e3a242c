package chhttp

import (
	"os"
	"path/filepath"
	"testing"
)

// chdbhttp decodes request bodies with Go's decoders, the same libraries
// the client encodes with, so the insert tests do not show that
// ClickHouse itself reads our compressed bodies. Here ClickHouse 26.7's
// own decoders do: the body as the client compresses it is written to a
// file, and the engine reads it back with file() and the compression
// method of the same name (the table its HTTP handler uses for
// Content-Encoding).
func TestIntegrationClickHouseDecodesOurBodies(t *testing.T) {
	base := chDB(t)
	block := makeRows(0, 5000).native(t)
	want := makeRows(0, 5000).tsv()
	for _, method := range []string{CompressionGzip, CompressionZstd, CompressionLZ4} {
		c, err := newCompressor(method)
		if err != nil {
			t.Fatal(err)
		}
		body, err := c.compress(nil, block)
		if err != nil {
			t.Fatal(err)
		}
		if len(body) >= len(block) {
			t.Fatalf("%s: %d bytes from %d: not compressed", method, len(body), len(block))
		}
		path := filepath.Join(t.TempDir(), "body.native")
		if err := os.WriteFile(path, body, 0o600); err != nil {
			t.Fatal(err)
		}
		got := query(t, base, "SELECT id, name FROM file('"+path+"', 'Native', 'id UInt64, name String', '"+method+"') ORDER BY id")
		if got != want {
			t.Fatalf("%s: ClickHouse read\n%.300s\nwant\n%.300s", method, got, want)
		}
	}
}
