package sink

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// esBulk decodes Elasticsearch _bulk bodies (NDJSON: an action line, then
// a document line) with encoding/json and counts the documents. A unit's
// key is the document's bytes, so a resent document is a duplicate; its
// time is the document's @timestamp.
type esBulk struct{}

// respond writes the bulk answer Elasticsearch gives: one item per
// document, each created.
func (esBulk) respond(w http.ResponseWriter, docs int) {
	w.Header().Set("X-Elastic-Product", "Elasticsearch")
	w.Header().Set("Content-Type", "application/json")
	var out bytes.Buffer
	out.WriteString(`{"took":1,"errors":false,"items":[`)
	for i := range docs {
		if i > 0 {
			out.WriteByte(',')
		}
		out.WriteString(`{"create":{"_index":"bench","_id":"`)
		out.WriteString(strconv.Itoa(i))
		out.WriteString(`","status":201,"result":"created"}}`)
	}
	out.WriteString("]}")
	_, _ = w.Write(out.Bytes())
}

func (esBulk) decode(r *http.Request, body []byte, c *Counter) (int, error) {
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return 0, fmt.Errorf("gzip: %w", err)
		}
		if body, err = io.ReadAll(zr); err != nil {
			return 0, fmt.Errorf("gzip: %w", err)
		}
	}
	now := time.Now()
	units, err := bulkDocs(body, now)
	if err != nil {
		return 0, err
	}
	// Counted only once the whole body decoded: a refused request adds
	// nothing.
	for _, u := range units {
		c.add(u.hash, u.tsMs, now)
	}
	return len(units), nil
}

type unit struct {
	hash uint64
	tsMs int64
}

// bulkDocs reads index/create action lines, each followed by a document
// (a JSON object), as the _bulk API takes them for writes.
func bulkDocs(body []byte, now time.Time) ([]unit, error) {
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(nil, 64<<20)
	var out []unit
	for sc.Scan() {
		action := sc.Bytes()
		if len(bytes.TrimSpace(action)) == 0 {
			continue
		}
		var a map[string]json.RawMessage
		if err := json.Unmarshal(action, &a); err != nil || len(a) != 1 || (a["create"] == nil && a["index"] == nil) {
			return nil, fmt.Errorf("bulk action line %q is not one create or index action", truncate(action))
		}
		if !sc.Scan() {
			return nil, fmt.Errorf("bulk action without a document")
		}
		var doc map[string]json.RawMessage
		if err := json.Unmarshal(sc.Bytes(), &doc); err != nil || doc == nil {
			return nil, fmt.Errorf("bulk document %q is not a JSON object", truncate(sc.Bytes()))
		}
		out = append(out, unit{bytesHash(sc.Bytes()), timestampMs(doc["@timestamp"], now)})
	}
	return out, sc.Err()
}

// timestampMs reads @timestamp as RFC 3339 text or epoch milliseconds;
// without one, latency counts as zero.
func timestampMs(raw json.RawMessage, now time.Time) int64 {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return t.UnixMilli()
		}
	}
	var ms float64
	if json.Unmarshal(raw, &ms) == nil && ms > 0 {
		return int64(ms)
	}
	return now.UnixMilli()
}

func bytesHash(b []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, x := range b {
		h ^= uint64(x)
		h *= 1099511628211
	}
	return h
}

func truncate(b []byte) []byte {
	if len(b) > 80 {
		return b[:80]
	}
	return b
}
