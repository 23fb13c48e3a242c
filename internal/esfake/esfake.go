// Package esfake is a strict fake Elasticsearch 8 for tests. It answers
// /, _bulk, _index_template, _data_stream and _search with bodies built
// from go-elasticsearch's typed models, validates every NDJSON line of a
// bulk request against a document shape, stores documents by index and
// _id (create with an existing _id is a 409), and injects faults: per-item
// 429, 400 and 503, whole-request 503 and 413, slow answers and dropped
// connections. Tests only.
package esfake

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/elastic/go-elasticsearch/v8/typedapi/core/bulk"
	"github.com/elastic/go-elasticsearch/v8/typedapi/core/info"
	"github.com/elastic/go-elasticsearch/v8/typedapi/core/search"
	"github.com/elastic/go-elasticsearch/v8/typedapi/types"
	"github.com/elastic/go-elasticsearch/v8/typedapi/types/enums/operationtype"
	"github.com/elastic/go-elasticsearch/v8/typedapi/types/enums/totalhitsrelation"
)

// Shape checks one decoded document sent to index; it returns why the
// document does not have the mapping mode's shape.
type Shape func(index string, doc map[string]any) error

// Whole-request faults of Server.Script.
const (
	Pass      = ""
	Down      = "503"
	TooLarge  = "413"
	Slow      = "slow"       // answered after 300ms
	Drop      = "drop"       // connection closed, nothing stored
	DropAfter = "drop-after" // stored, then the connection is closed unanswered
)

// Server is a running fake.
type Server struct {
	URL string
	// ItemFault, when set, picks a status for each document (0 stores it):
	// 429, 503 or 400. n counts documents received, from 0.
	ItemFault func(n int, doc map[string]any) int
	// MaxBody answers 413 to bulk bodies over it, when set.
	MaxBody int

	shape  Shape
	mu     sync.Mutex
	script []string
	step   int
	docs   map[string]map[string]json.RawMessage // index -> id -> source
	order  []string                              // index/id in arrival order
	nextID int
	seen   int
	bad    []string
	down   atomic.Bool

	Requests atomic.Int64 // bulk requests received
	TooBig   atomic.Int64 // 413 answers
}

// Start runs a fake on loopback, validating documents with shape, until
// the end of the test. script holds whole-request faults, one per bulk
// request, in order.
func Start(t testing.TB, shape Shape, script ...string) *Server {
	t.Helper()
	s := &Server{shape: shape, script: script, docs: map[string]map[string]json.RawMessage{}}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	s.URL = "http://" + l.Addr().String()
	return s
}

// SetDown makes every request fail with 503 (true) or not (false).
func (s *Server) SetDown(down bool) { s.down.Store(down) }

// Violations are the lines that broke the protocol or the shape.
func (s *Server) Violations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.bad...)
}

// Docs returns the stored documents of the indices whose name starts with
// prefix, by "index/id".
func (s *Server) Docs(prefix string) map[string]map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]map[string]any{}
	for idx, m := range s.docs {
		if !strings.HasPrefix(idx, prefix) {
			continue
		}
		for id, src := range m {
			var d map[string]any
			_ = json.Unmarshal(src, &d)
			out[idx+"/"+id] = d
		}
	}
	return out
}

// Count is the number of stored documents.
func (s *Server) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.order)
}

// Put stores a document as if an earlier request had written it.
func (s *Server) Put(index, id string, src json.RawMessage) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.store(index, id, src)
}

func (s *Server) store(index, id string, src json.RawMessage) {
	if s.docs[index] == nil {
		s.docs[index] = map[string]json.RawMessage{}
	}
	s.docs[index][id] = src
	s.order = append(s.order, index+"/"+id)
}

func (s *Server) violation(format string, args ...any) {
	s.bad = append(s.bad, fmt.Sprintf(format, args...))
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Elastic-Product", "Elasticsearch")
	if s.down.Load() {
		writeError(w, http.StatusServiceUnavailable, "cluster_block_exception", "the cluster is down")
		return
	}
	path := strings.Trim(r.URL.Path, "/")
	switch {
	case path == "" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, info.Response{ClusterName: "fake", Name: "fake-0", Tagline: "You Know, for Search",
			Version: types.ElasticsearchVersionInfo{Int: "8.19.0", BuildFlavor: "default", LuceneVersion: "9.12.0",
				MinimumIndexCompatibilityVersion: "7.0.0", MinimumWireCompatibilityVersion: "7.17.0"}})
	case path == "_bulk" || strings.HasSuffix(path, "/_bulk"):
		s.bulk(w, r)
	case strings.HasPrefix(path, "_index_template/") || strings.HasPrefix(path, "_data_stream/") && r.Method == http.MethodPut:
		writeJSON(w, http.StatusOK, map[string]bool{"acknowledged": true})
	case strings.HasPrefix(path, "_data_stream"):
		s.dataStreams(w)
	case path == "_search" || strings.HasSuffix(path, "/_search"):
		s.search(w, strings.TrimSuffix(strings.TrimSuffix(path, "_search"), "/"))
	default:
		writeError(w, http.StatusNotFound, "resource_not_found_exception", "no handler for "+r.Method+" /"+path)
	}
}

func (s *Server) nextFault() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := Pass
	if s.step < len(s.script) {
		f = s.script[s.step]
	}
	s.step++
	return f
}

// FaultsUsed is how many scripted faults bulk requests have met.
func (s *Server) FaultsUsed() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return min(s.step, len(s.script))
}

func (s *Server) bulk(w http.ResponseWriter, r *http.Request) {
	s.Requests.Add(1)
	if r.Method != http.MethodPost && r.Method != http.MethodPut {
		writeError(w, http.StatusMethodNotAllowed, "illegal_argument_exception", "bulk takes POST")
		return
	}
	if s.MaxBody > 0 && r.ContentLength > int64(s.MaxBody) {
		s.TooBig.Add(1)
		writeError(w, http.StatusRequestEntityTooLarge, "too_long_http_content", "request too large")
		return
	}
	fault := s.nextFault()
	switch fault {
	case Down:
		writeError(w, http.StatusServiceUnavailable, "unavailable_shards_exception", "primary shard is not active")
		return
	case TooLarge:
		s.TooBig.Add(1)
		writeError(w, http.StatusRequestEntityTooLarge, "too_long_http_content", "request too large")
		return
	case Drop:
		hangUp(w)
		return
	case Slow:
		time.Sleep(300 * time.Millisecond)
	}
	body, err := readBody(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, "parse_exception", err.Error())
		return
	}
	resp, status := s.apply(body, r.URL.Query().Get("pipeline"))
	if fault == DropAfter {
		hangUp(w)
		return
	}
	writeJSON(w, status, resp)
}

func readBody(r *http.Request) ([]byte, error) {
	var rd io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		gz, err := gzip.NewReader(r.Body)
		if err != nil {
			return nil, err
		}
		rd = gz
	}
	return io.ReadAll(rd)
}

// action is a bulk action line's metadata.
type action struct {
	Index    string `json:"_index"`
	ID       string `json:"_id"`
	Pipeline string `json:"pipeline"`
	// DynamicTemplates maps fields to the dynamic templates of the
	// index's mapping (metrics-otel@mappings' names, for this fake).
	DynamicTemplates map[string]string `json:"dynamic_templates"`
}

// otelTemplates are the dynamic templates of Elasticsearch's
// metrics-otel@mappings.
var otelTemplates = set("histogram", "counter_long", "gauge_long", "counter_double", "gauge_double",
	"summary", "summary_minmax")

// apply runs one bulk body. A malformed action line fails the whole
// request with 400, as Elasticsearch does.
func (s *Server) apply(body []byte, _ string) (any, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(body) == 0 || body[len(body)-1] != '\n' {
		s.violation("bulk body does not end with a newline")
		return errorBody("illegal_argument_exception", "The bulk request must be terminated by a newline [\\n]"), http.StatusBadRequest
	}
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(nil, 64<<20)
	resp := bulk.Response{Items: []map[operationtype.OperationType]types.ResponseItem{}}
	for sc.Scan() {
		op, act, err := parseAction(sc.Bytes())
		if err != nil {
			s.violation("action line %q: %v", sc.Bytes(), err)
			return errorBody("illegal_argument_exception", err.Error()), http.StatusBadRequest
		}
		if !sc.Scan() {
			s.violation("action without a source line")
			return errorBody("illegal_argument_exception", "action without a source"), http.StatusBadRequest
		}
		item := s.document(op, act, append([]byte(nil), sc.Bytes()...))
		if item.Status >= 300 {
			resp.Errors = true
		}
		resp.Items = append(resp.Items, map[operationtype.OperationType]types.ResponseItem{op: item})
	}
	return resp, http.StatusOK
}

func parseAction(line []byte) (operationtype.OperationType, action, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(line, &m); err != nil {
		return operationtype.OperationType{}, action{}, err
	}
	if len(m) != 1 {
		return operationtype.OperationType{}, action{}, fmt.Errorf("want one operation, got %d", len(m))
	}
	for k, v := range m {
		var a action
		dec := json.NewDecoder(bytes.NewReader(v))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&a); err != nil {
			return operationtype.OperationType{}, action{}, err
		}
		switch k {
		case "create", "index":
		default:
			return operationtype.OperationType{}, action{}, fmt.Errorf("operation %q is not create or index", k)
		}
		if a.Index == "" {
			return operationtype.OperationType{}, action{}, fmt.Errorf("no _index")
		}
		for f, tmpl := range a.DynamicTemplates {
			if !otelTemplates[tmpl] {
				return operationtype.OperationType{}, action{}, fmt.Errorf("field %q: no dynamic template %q", f, tmpl)
			}
		}
		return operationtype.OperationType{Name: k}, a, nil
	}
	panic("unreachable")
}

// document stores or refuses one document and returns its item.
func (s *Server) document(op operationtype.OperationType, act action, src []byte) types.ResponseItem {
	item := types.ResponseItem{Index_: act.Index}
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil || dec.More() {
		s.violation("source %q is not one JSON object: %v", src, err)
		return failed(item, 400, "document_parsing_exception", "failed to parse")
	}
	if err := checkDuplicateKeys(src); err != nil {
		s.violation("source %q: %v", src, err)
		return failed(item, 400, "document_parsing_exception", err.Error())
	}
	if s.shape != nil {
		if err := s.shape(act.Index, doc); err != nil {
			s.violation("source %q in %s: %v", src, act.Index, err)
			return failed(item, 400, "document_parsing_exception", err.Error())
		}
	}
	n := s.seen
	s.seen++
	if s.ItemFault != nil {
		switch code := s.ItemFault(n, doc); code {
		case 0:
		case 429:
			return failed(item, 429, "es_rejected_execution_exception", "rejected execution of coordinating operation")
		case 400:
			return failed(item, 400, "document_parsing_exception", "[1:2] failed to parse field [attributes.x] of type [long]")
		default:
			return failed(item, code, "unavailable_shards_exception", "primary shard is not active")
		}
	}
	id := act.ID
	if id == "" {
		s.nextID++
		id = "auto-" + strconv.Itoa(s.nextID)
	} else if _, ok := s.docs[act.Index][id]; ok && op.Name == "create" {
		item.Id_ = &id
		return failed(item, 409, "version_conflict_engine_exception", "["+id+"]: version conflict, document already exists")
	}
	s.store(act.Index, id, src)
	item.Id_ = &id
	item.Status = 201
	result := "created"
	item.Result = &result
	return item
}

func failed(item types.ResponseItem, status int, typ, reason string) types.ResponseItem {
	item.Status = status
	item.Error = &types.ErrorCause{Type: typ, Reason: &reason}
	return item
}

// checkDuplicateKeys refuses an object with a key twice at any level, as
// Elasticsearch's parser does.
func checkDuplicateKeys(src []byte) error {
	dec := json.NewDecoder(bytes.NewReader(src))
	type frame struct {
		keys  map[string]bool
		isObj bool
		want  bool // next string token is a key
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{', '[':
				if top != nil && top.isObj {
					top.want = true
				}
				stack = append(stack, &frame{keys: map[string]bool{}, isObj: v == '{', want: v == '{'})
			default:
				stack = stack[:len(stack)-1]
				if len(stack) > 0 && stack[len(stack)-1].isObj {
					stack[len(stack)-1].want = true
				}
			}
		default:
			if top != nil && top.isObj {
				if top.want {
					k, _ := v.(string)
					if top.keys[k] {
						return fmt.Errorf("duplicate field [%s]", k)
					}
					top.keys[k] = true
					top.want = false
				} else {
					top.want = true
				}
			}
		}
	}
}

func (s *Server) dataStreams(w http.ResponseWriter) {
	s.mu.Lock()
	var names []map[string]any
	for idx := range s.docs {
		if strings.Count(idx, "-") >= 2 {
			names = append(names, map[string]any{"name": idx, "timestamp_field": map[string]string{"name": "@timestamp"}})
		}
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"data_streams": names})
}

func (s *Server) search(w http.ResponseWriter, index string) {
	s.mu.Lock()
	var hits []types.Hit
	for _, key := range s.order {
		idx, id, _ := strings.Cut(key, "/")
		if index != "" && !matchIndex(index, idx) {
			continue
		}
		hits = append(hits, types.Hit{Index_: idx, Id_: &id, Source_: s.docs[idx][id]})
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, search.Response{Hits: types.HitsMetadata{Hits: hits,
		Total: &types.TotalHits{Value: int64(len(hits)), Relation: totalhitsrelation.Eq}}})
}

// matchIndex matches an index pattern with trailing * wildcards.
func matchIndex(pattern, idx string) bool {
	if p, ok := strings.CutSuffix(pattern, "*"); ok {
		return strings.HasPrefix(idx, p)
	}
	return pattern == idx
}

func errorBody(typ, reason string) map[string]any {
	return map[string]any{"error": types.ErrorCause{Type: typ, Reason: &reason}}
}

func writeError(w http.ResponseWriter, status int, typ, reason string) {
	b := errorBody(typ, reason)
	b["status"] = status
	writeJSON(w, status, b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func hangUp(w http.ResponseWriter) {
	if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
		conn.Close()
	}
}
