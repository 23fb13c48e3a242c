package chhttp

import (
	"errors"
	"strings"
	"testing"

	"github.com/otelhub/otelhub/internal/testserver"
)

// The real clickhouse-server HTTP handler (Debian's 18.16, the one
// clickhouse-server here), where chdbhttp only imitates it: Native
// inserts, the encodings it decodes, how it words exceptions, and that it
// reads the credentials from the headers.
func TestIntegrationDebianServer(t *testing.T) {
	ch := testserver.ClickHouseServer(t)
	base := ch.URL
	host := hostOf(t, base)
	for _, tc := range []struct {
		comp string
		code int32 // 0: accepted
	}{
		{CompressionNone, 0},
		{CompressionGzip, 0},
		// 18.16 predates zstd and lz4 request bodies: it answers
		// UNKNOWN_COMPRESSION_METHOD (89), which must come back as such.
		{CompressionZstd, 89},
		{CompressionLZ4, 89},
	} {
		t.Run(tc.comp, func(t *testing.T) {
			table := "t_deb_" + tc.comp
			query(t, base, "DROP TABLE IF EXISTS "+table)
			query(t, base, "CREATE TABLE "+table+" (id UInt64, name String) ENGINE = MergeTree ORDER BY id")
			c := newClient(t, Config{Hosts: []string{host}, Compression: tc.comp, Username: "default"})
			r := makeRows(0, 500)
			err := c.Insert(ctxT(t), insertQuery(table), nil, r.native(t))
			if tc.code == 0 {
				if err != nil {
					t.Fatal(err)
				}
				checkTable(t, base, table, r)
				return
			}
			var exc *Exception
			if !errors.As(err, &exc) || exc.Code != tc.code {
				t.Fatalf("got %v, want exception %d", err, tc.code)
			}
			checkTable(t, base, table)
		})
	}

	t.Run("unknown table", func(t *testing.T) {
		c := newClient(t, Config{Hosts: []string{host}})
		err := c.Insert(ctxT(t), insertQuery("no_such_table"), nil, makeRows(0, 1).native(t))
		var exc *Exception
		if !errors.As(err, &exc) || exc.Code != 60 || exc.Status == 200 {
			t.Fatalf("got %v, want exception 60 (UNKNOWN_TABLE)", err)
		}
	})

	t.Run("wrong password", func(t *testing.T) {
		const password = "not-the-password-7d1e"
		c := newClient(t, Config{Hosts: []string{host}, Username: "default", Password: password})
		err := c.Insert(ctxT(t), insertQuery("t_deb_none"), nil, makeRows(1000, 1).native(t))
		var exc *Exception
		// 193 is WRONG_PASSWORD: the server read X-ClickHouse-Key.
		if !errors.As(err, &exc) || exc.Code != 193 {
			t.Fatalf("got %v, want exception 193", err)
		}
		if strings.Contains(err.Error(), password) {
			t.Errorf("error %q holds the password", err)
		}
	})
}
