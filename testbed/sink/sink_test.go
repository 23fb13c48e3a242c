package sink

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang/snappy"
	"github.com/prometheus/prometheus/prompb"
)

func post(t *testing.T, url string, body []byte) (int, error) {
	t.Helper()
	resp, err := http.Post(url+"/api/v1/write", "application/x-protobuf", bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

func writeRequest(t *testing.T, ts int64) []byte {
	t.Helper()
	wr := prompb.WriteRequest{Timeseries: []prompb.TimeSeries{
		{Labels: []prompb.Label{{Name: "__name__", Value: "up"}, {Name: "job", Value: "a"}},
			Samples: []prompb.Sample{{Value: 1, Timestamp: ts}, {Value: 2, Timestamp: ts + 1}}},
		{Labels: []prompb.Label{{Name: "__name__", Value: "target_info"}, {Name: "job", Value: "a"}},
			Samples: []prompb.Sample{{Value: 1, Timestamp: ts}}},
	}}
	raw, err := wr.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return snappy.Encode(nil, raw)
}

// The sink counts samples (target_info aside), tells repeats from new
// samples, and refuses bodies it cannot decode.
func TestRemoteWriteCounts(t *testing.T) {
	c, err := Local("remotewrite")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	body := writeRequest(t, time.Now().UnixMilli())
	for range 2 {
		if code, err := post(t, c.URL, body); err != nil || code != http.StatusNoContent {
			t.Fatalf("post: %d %v", code, err)
		}
	}
	if code, _ := post(t, c.URL, []byte("not snappy")); code != http.StatusBadRequest {
		t.Errorf("garbage: status %d, want 400", code)
	}
	got, err := c.Counts()
	if err != nil {
		t.Fatal(err)
	}
	if got.Units != 4 || got.Distinct != 2 || got.Requests != 2 || got.Invalid != 1 {
		t.Errorf("counts = %+v, want 4 units, 2 distinct, 2 requests, 1 invalid", got)
	}
	if got.WireBytes != int64(2*len(body)) {
		t.Errorf("wire bytes = %d, want %d", got.WireBytes, 2*len(body))
	}
}

// Faults: 429 refuses with Retry-After, down refuses connections and
// comes back on the same port.
func TestFaults(t *testing.T) {
	c, err := Local("remotewrite")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	body := writeRequest(t, 1000)
	if err := c.Fault("429", 300*time.Millisecond, 0); err != nil {
		t.Fatal(err)
	}
	if code, _ := post(t, c.URL, body); code != http.StatusTooManyRequests {
		t.Errorf("during 429 storm: status %d", code)
	}
	time.Sleep(400 * time.Millisecond)
	if code, _ := post(t, c.URL, body); code != http.StatusNoContent {
		t.Errorf("after 429 storm: status %d", code)
	}
	if err := c.Fault("down", 300*time.Millisecond, 0); err != nil {
		t.Fatal(err)
	}
	http.DefaultClient.CloseIdleConnections()
	if _, err := post(t, c.URL, body); err == nil {
		t.Error("sink down: want a connection error")
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if code, err := post(t, c.URL, body); err == nil && code == http.StatusNoContent {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("sink did not come back")
		}
		time.Sleep(50 * time.Millisecond)
	}
	got, _ := c.Counts()
	if got.Rejected != 1 || got.Requests != 2 {
		t.Errorf("counts = %+v, want 1 rejected, 2 requests", got)
	}
}

// The _bulk sink counts documents, answers one created item per document,
// and refuses a body that is not action/document pairs.
func TestESBulkCounts(t *testing.T) {
	c, err := Local("esbulk")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	body := `{"create":{"_index":"logs"}}
{"@timestamp":"2026-11-27T00:00:00.000Z","body":"a"}
{"create":{}}
{"@timestamp":1795737600000,"body":"b"}
`
	resp, err := http.Post(c.URL+"/_bulk", "application/x-ndjson", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var answer struct {
		Errors bool `json:"errors"`
		Items  []map[string]struct {
			Status int `json:"status"`
		} `json:"items"`
	}
	err = json.NewDecoder(resp.Body).Decode(&answer)
	resp.Body.Close()
	if err != nil || answer.Errors || len(answer.Items) != 2 || answer.Items[1]["create"].Status != 201 {
		t.Errorf("answer = %+v, %v; want 2 created items", answer, err)
	}
	if code, _ := post(t, c.URL, []byte(`{"create":{}}`+"\n"+`not json`+"\n")); code != http.StatusBadRequest {
		t.Errorf("bad document: status %d, want 400", code)
	}
	got, _ := c.Counts()
	if got.Units != 2 || got.Distinct != 2 || got.Invalid != 1 {
		t.Errorf("counts = %+v, want 2 units, 2 distinct, 1 invalid", got)
	}
}

// A _bulk write must be index or create actions, each followed by a
// document (a JSON object): well-formed JSON that is not one is garbage
// the sink refuses, not a counted document.
func TestESBulkRefusesNonDocuments(t *testing.T) {
	c, err := Local("esbulk")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, body := range []string{
		`{"create":{}}` + "\nnull\n",
		`{"create":{}}` + "\n[1,2]\n",
		`{"create":{}}` + "\n\"text\"\n",
		`{"delete":{"_id":"1"}}` + "\n" + `{"@timestamp":"2026-11-27T00:00:00Z"}` + "\n",
		// a good document before the bad one is not counted either: the
		// request as a whole was refused
		`{"create":{}}` + "\n" + `{"a":1}` + "\n" + `{"create":{}}` + "\nnull\n",
	} {
		if code, _ := post(t, c.URL, []byte(body)); code != http.StatusBadRequest {
			t.Errorf("%q: status %d, want 400", body, code)
		}
	}
	if got, _ := c.Counts(); got.Units != 0 || got.Invalid != 5 {
		t.Errorf("counts = %+v, want 0 units, 5 invalid", got)
	}
}
