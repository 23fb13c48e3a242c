package scratch

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/ClickHouse/ch-go/proto"
	"github.com/otelhub/otelhub/internal/testserver"
)

func q(t *testing.T, base, query string, body []byte) string {
	u := base + "/?query=" + url.QueryEscape(query)
	resp, err := http.Post(u, "application/octet-stream", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.Status + " " + resp.Header.Get("X-ClickHouse-Exception-Code") + " " + string(b)
}

func TestConv(t *testing.T) {
	s := testserver.ChDB(t)
	t.Log(q(t, s.URL, "CREATE TABLE t (a String, b String, m Map(String, String), ts DateTime) ENGINE = MergeTree ORDER BY ts", nil))
	a := new(proto.ColStr).LowCardinality()
	b := new(proto.ColStr)
	m := proto.NewMap[string, string](new(proto.ColStr).LowCardinality(), new(proto.ColStr))
	ts := new(proto.ColDateTime64).WithPrecision(9)
	for i := 0; i < 3; i++ {
		a.Append("x")
		b.Append("y")
		m.Append(map[string]string{"k": "v"})
		ts.Append(time.Unix(1700000000, 123456789))
	}
	var buf proto.Buffer
	input := proto.Input{{Name: "a", Data: a}, {Name: "b", Data: b}, {Name: "m", Data: m}, {Name: "ts", Data: ts}}
	if err := (proto.Block{Columns: 4, Rows: 3}).EncodeRawBlock(&buf, 0, input); err != nil {
		t.Fatal(err)
	}
	t.Log(q(t, s.URL, "INSERT INTO t (a, b, m, ts) FORMAT Native", buf.Buf))
	t.Log(q(t, s.URL, "SELECT * FROM t FORMAT TSV", nil))
}
