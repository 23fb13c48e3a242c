// Command chdbhttp is a test-only server: ClickHouse's HTTP interface
// over chDB, the ClickHouse engine as an in-process library. Tests start
// it (internal/testserver) so that clients speaking HTTP, clickhouse-go
// among them, write into and read from a real, recent ClickHouse engine.
//
// It needs CHDB_LIB_PATH to name libchdb.so, which chdb-go loads without
// cgo when the program starts.
//
// What it serves, as clickhouse-server does:
//   - GET /ping: "Ok."
//   - POST / with ?query=...: the query, with the body as its data (an
//     INSERT ... FORMAT x); or the body as the query when there is no
//     query parameter. Request bodies with Content-Encoding gzip, zstd
//     or lz4 (the LZ4 frame format) are decompressed, as
//     clickhouse-server does.
//   - default_format for the result, errors as 500 with the exception code
//     in X-ClickHouse-Exception-Code.
//
// chDB runs one query at a time, so requests are served one by one.
package main

import (
	"bytes"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	chproto "github.com/ClickHouse/ch-go/proto"
	"github.com/ClickHouse/clickhouse-go/v2/lib/column"
	"github.com/ClickHouse/clickhouse-go/v2/lib/proto"
	chdb "github.com/chdb-io/chdb-go/chdb"

	"github.com/otelhub/otelhub/internal/contentenc"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	dir := flag.String("path", "", "data folder")
	flag.Parse()
	if *dir == "" {
		log.Fatal("-path is required")
	}
	sess, err := chdb.NewSession(*dir)
	if err != nil {
		log.Fatalf("chdb: %v", err)
	}
	defer sess.Close()
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(l.Addr().String()) // the test reads the address from here
	s := &server{sess: sess, tmp: filepath.Join(*dir, "inserts")}
	if err := os.MkdirAll(s.tmp, 0o755); err != nil {
		log.Fatal(err)
	}
	log.Fatal(http.Serve(l, s))
}

type server struct {
	mu   sync.Mutex
	sess *chdb.Session
	tmp  string
	n    int
}

// insertSettings are the URL parameters passed on to INSERTs as SETTINGS.
// Others are ignored. wait_end_of_query, which HTTP clients send so that
// the server answers only once the query has ended, is one of them: it is
// a setting of the HTTP layer, and this server always answers after the
// query has ended.
var insertSettings = map[string]bool{
	"insert_deduplication_token": true, "insert_deduplicate": true,
	"async_insert": true, "wait_for_async_insert": true,
	"async_insert_deduplicate": true, "async_insert_busy_timeout_ms": true,
	"max_insert_block_size": true, "input_format_native_allow_types_conversion": true,
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/ping" {
		_, _ = io.WriteString(w, "Ok.\n")
		return
	}
	body, err := readBody(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	params := r.URL.Query()
	query := params.Get("query")
	if query == "" {
		query, body = string(body), nil
	}
	format := params.Get("default_format")
	if format == "" {
		format = "TabSeparated"
	}
	if os.Getenv("CHDBHTTP_DEBUG") != "" {
		log.Printf("query=%q format=%q params=%v body=%d", query, format, params, len(body))
	}
	// With client_protocol_version, Native results carry block info and
	// serialization flags (the TCP protocol's block layout); chDB writes
	// the plain file layout, so results are translated. Insert data comes
	// in the plain layout (clients encode it for revision 0).
	rev, _ := strconv.ParseUint(params.Get("client_protocol_version"), 10, 64)
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(body) > 0 {
		var path string
		query, path, err = s.insertFromFile(query, body, params)
		if err != nil {
			writeError(w, err.Error())
			return
		}
		defer os.Remove(path)
	}
	res, err := s.sess.Query(query, format)
	if err != nil {
		writeError(w, err.Error())
		return
	}
	defer res.Free()
	if err := res.Error(); err != nil {
		writeError(w, err.Error())
		return
	}
	out := res.Buf()
	if rev > 0 && format == "Native" && len(out) > 0 && !strings.Contains(strings.ToUpper(query), "FORMAT ") {
		if out, err = transcode(out, 0, rev); err != nil {
			writeError(w, "Code: 1000. DB::Exception: chdbhttp: "+err.Error())
			return
		}
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		w.Header().Set("Content-Encoding", "gzip")
		gz := gzip.NewWriter(w)
		_, _ = gz.Write(out)
		_ = gz.Close()
		return
	}
	_, _ = w.Write(out)
}

// transcode reads Native blocks written for protocol revision from and
// writes them for revision to.
func transcode(in []byte, from, to uint64) ([]byte, error) {
	r := chproto.NewReader(bytes.NewReader(in))
	var out chproto.Buffer
	for {
		b := proto.Block{ServerContext: &column.ServerContext{Timezone: time.UTC}}
		if err := b.Decode(r, from); err != nil {
			if errors.Is(err, io.EOF) {
				return out.Buf, nil
			}
			return nil, err
		}
		if err := b.Encode(&out, to); err != nil {
			return nil, err
		}
	}
}

func readBody(r *http.Request) ([]byte, error) {
	enc := r.Header.Get("Content-Encoding")
	rd, done, err := contentenc.NewReader(enc, r.Body)
	if errors.Is(err, contentenc.ErrUnknown) {
		// ClickHouse's own error text, which clients parse for the code.
		return nil, errors.New("Code: 1. DB::Exception: chdbhttp: unknown Content-Encoding " + strconv.Quote(enc) + ". (UNSUPPORTED_METHOD)")
	}
	if err != nil {
		return nil, err
	}
	defer done()
	return io.ReadAll(rd)
}

var insertRE = regexp.MustCompile(`(?is)^\s*(INSERT\s+INTO\s+.*?)\s+FORMAT\s+(\w+)\s*$`)

// insertFromFile writes the data to a file and turns the INSERT into an
// INSERT ... SELECT from it: chDB's query call takes no data stream.
func (s *server) insertFromFile(query string, body []byte, params map[string][]string) (q, path string, err error) {
	m := insertRE.FindStringSubmatch(query)
	if m == nil {
		// ClickHouse's own error text, which clients parse for the code.
		return "", "", errors.New("Code: 62. DB::Exception: chdbhttp takes data only with INSERT INTO ... FORMAT x, got " + strconv.Quote(query))
	}
	s.n++
	path = filepath.Join(s.tmp, strconv.Itoa(s.n)+".data")
	if err := os.WriteFile(path, body, 0o644); err != nil {
		return "", "", err
	}
	q = fmt.Sprintf("%s SELECT * FROM file('%s', '%s')", m[1], path, m[2])
	var set []string
	for k, v := range params {
		if insertSettings[k] && len(v) > 0 {
			set = append(set, fmt.Sprintf("%s = '%s'", k, strings.ReplaceAll(v[0], "'", `\'`)))
		}
	}
	sort.Strings(set)
	if len(set) > 0 {
		q += " SETTINGS " + strings.Join(set, ", ")
	}
	return q, path, nil
}

var codeRE = regexp.MustCompile(`Code: (\d+)`)

func writeError(w http.ResponseWriter, msg string) {
	code := "1000"
	if m := codeRE.FindStringSubmatch(msg); m != nil {
		code = m[1]
	}
	w.Header().Set("X-ClickHouse-Exception-Code", code)
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = io.WriteString(w, msg)
}
