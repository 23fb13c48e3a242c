package testserver

import (
	"bufio"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
)

// LogsQuery flushes VictoriaLogs and runs a LogsQL query on it; it returns
// the rows, each a map of field to value.
func (s *Server) LogsQuery(t testing.TB, q string) []map[string]string {
	t.Helper()
	s.Flush(t)
	resp, err := http.Get(s.URL + "/select/logsql/query?query=" + url.QueryEscape(q))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("logsql query %q: status %d", q, resp.StatusCode)
	}
	var out []map[string]string
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, 1<<20) // rows with long messages
	for sc.Scan() {
		var m map[string]string
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("logsql row %q: %v", sc.Bytes(), err)
		}
		out = append(out, m)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
