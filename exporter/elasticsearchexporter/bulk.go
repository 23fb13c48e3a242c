package elasticsearchexporter

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/elastic/go-elasticsearch/v8/typedapi/core/bulk"
	"github.com/elastic/go-elasticsearch/v8/typedapi/types"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.uber.org/zap"

	"github.com/otelhub/otelhub/internal/httpsend"
)

var answers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// bulk sends documents [lo, hi) of w's batch as one bulk request and
// reads the answer item by item. It reports a 413 as tooLarge, for the
// caller to split.
func (e *esExporter) bulk(ctx context.Context, w *work, lo, hi int) (out httpsend.Outcome, tooLarge bool) {
	b := &w.batch
	body := b.Buf[b.Docs[lo].Start:b.Docs[hi-1].End]
	if e.cfg.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, e.cfg.Timeout)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "/_bulk", bytes.NewReader(body))
	if err != nil {
		return e.rejectAll(ctx, w, lo, hi, httpsend.Permanent(err), "request"), false
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	resp, err := e.tp.Perform(req)
	if err != nil {
		return e.retryAll(ctx, w, lo, hi, fmt.Errorf("bulk request: %w", err), 0), false
	}
	if resp.StatusCode != http.StatusOK {
		err := httpsend.ClassifyResponse(resp)
		switch {
		case err == nil:
			err = fmt.Errorf("bulk answered %d instead of 200", resp.StatusCode)
			return e.retryAll(ctx, w, lo, hi, err, resp.StatusCode), false
		case errors.Is(err, httpsend.ErrTooLarge):
			return out, true
		case consumererror.IsPermanent(err):
			return e.rejectAll(ctx, w, lo, hi, err, "http_"+strconv.Itoa(resp.StatusCode)), false
		}
		return e.retryAll(ctx, w, lo, hi, err, resp.StatusCode), false
	}
	buf := answers.Get().(*bytes.Buffer)
	defer answers.Put(buf)
	buf.Reset()
	_, err = buf.ReadFrom(resp.Body)
	resp.Body.Close()
	if err != nil {
		return e.retryAll(ctx, w, lo, hi, fmt.Errorf("reading the bulk answer: %w", err), 0), false
	}
	e.tel.bytes.Add(ctx, int64(len(body)), e.tel.idOpt)
	return e.items(ctx, w, lo, hi, buf.Bytes()), false
}

func (e *esExporter) retryAll(ctx context.Context, w *work, lo, hi int, err error, code int) httpsend.Outcome {
	for i := lo; i < hi; i++ {
		w.state[i] = stRetry
	}
	e.tel.retried.Add(ctx, int64(hi-lo), e.tel.withCode(code))
	var o httpsend.Outcome
	o.AddRetry(hi-lo, err)
	return o
}

func (e *esExporter) rejectAll(ctx context.Context, w *work, lo, hi int, err error, reason string) httpsend.Outcome {
	for i := lo; i < hi; i++ {
		w.state[i] = stRejected
	}
	e.tel.rejected.Add(ctx, int64(hi-lo), e.tel.withReason("reason", reason))
	e.set.Logger.Warn("elasticsearch refused a bulk request; its documents are dropped", zap.Int("documents", hi-lo), zap.Error(err))
	var o httpsend.Outcome
	o.AddRejected(hi-lo, err)
	return o
}

// items reads the answer of a bulk request of documents [lo, hi). The
// common case, no errors, is read without the items.
func (e *esExporter) items(ctx context.Context, w *work, lo, hi int, raw []byte) httpsend.Outcome {
	var head struct {
		Errors bool `json:"errors"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return e.retryAll(ctx, w, lo, hi, fmt.Errorf("unreadable bulk answer: %w", err), 0)
	}
	if !head.Errors {
		for i := lo; i < hi; i++ {
			w.state[i] = stSent
		}
		e.tel.sent.Add(ctx, int64(hi-lo), e.tel.idOpt)
		return httpsend.Outcome{Sent: hi - lo}
	}
	var r bulk.Response
	if err := json.Unmarshal(raw, &r); err != nil {
		return e.retryAll(ctx, w, lo, hi, fmt.Errorf("unreadable bulk answer: %w", err), 0)
	}
	if len(r.Items) != hi-lo {
		return e.retryAll(ctx, w, lo, hi, fmt.Errorf("bulk answer has %d items for %d documents", len(r.Items), hi-lo), 0)
	}
	var t tally
	for i, m := range r.Items {
		for _, it := range m { // one operation per item
			e.item(ctx, w, lo+i, &it, &t)
		}
	}
	return e.fold(ctx, w, &t)
}

// tally sums the items of one answer.
type tally struct {
	out             httpsend.Outcome
	retry, rejected int
	firstRetry      string
	firstReject     string
	dead            []deadLetter
}

func (e *esExporter) item(ctx context.Context, w *work, i int, it *types.ResponseItem, t *tally) {
	code := it.Status
	switch {
	case code >= 200 && code < 300:
		w.state[i] = stSent
		t.out.Sent++
	case code == http.StatusConflict:
		// create of an _id that exists: an earlier attempt wrote it. The
		// _id is ours (document_id_attribute) or, without one, a TSDB
		// data stream's, derived from time and dimensions: automatic ids
		// do not clash otherwise.
		w.state[i] = stSent
		t.out.Sent++
		e.tel.conflicts.Add(ctx, 1, e.tel.idOpt)
		e.set.Logger.Debug("document already written (409 on create)", zap.String("index", it.Index_))
	case code == http.StatusTooManyRequests || code >= 500:
		// Not httpsend.Retryable: a 408 is retried for a whole request,
		// but an item's 408 is one more 4xx, refused for good.
		w.state[i] = stRetry
		t.retry++
		e.tel.retried.Add(ctx, 1, e.tel.withCode(code))
		if t.firstRetry == "" {
			t.firstRetry = describe(it)
		}
	default:
		w.state[i] = stRejected
		t.rejected++
		reason := "http_" + strconv.Itoa(code)
		if it.Error != nil && it.Error.Type != "" {
			reason = it.Error.Type
		}
		e.tel.rejected.Add(ctx, 1, e.tel.withReason("reason", reason))
		if t.firstReject == "" {
			t.firstReject = describe(it)
		}
		if e.cfg.DeadLetterIndex != "" {
			t.dead = append(t.dead, deadLetter{doc: i, item: it})
		}
	}
}

func (e *esExporter) fold(ctx context.Context, w *work, t *tally) httpsend.Outcome {
	e.tel.sent.Add(ctx, int64(t.out.Sent), e.tel.idOpt)
	if t.retry > 0 {
		t.out.AddRetry(t.retry, fmt.Errorf("%d documents answered 429 or 5xx, first: %s", t.retry, t.firstRetry))
	}
	if t.rejected > 0 {
		err := fmt.Errorf("%d documents refused, first: %s", t.rejected, t.firstReject)
		e.set.Logger.Warn("elasticsearch refused documents; they are dropped", zap.Error(err))
		t.out.AddRejected(t.rejected, consumererror.NewPermanent(err))
	}
	if len(t.dead) > 0 {
		e.deadLetter(ctx, w, t.dead)
	}
	return t.out
}

func describe(it *types.ResponseItem) string {
	if it.Error == nil {
		return strconv.Itoa(it.Status)
	}
	reason := ""
	if it.Error.Reason != nil {
		reason = *it.Error.Reason
	}
	return fmt.Sprintf("%d %s: %s", it.Status, it.Error.Type, reason)
}

// deadLetter is a refused document and Elasticsearch's answer for it.
type deadLetter struct {
	doc  int
	item *types.ResponseItem
}

// deadLetterDoc is the document written to the dead-letter index.
type deadLetterDoc struct {
	Timestamp string            `json:"@timestamp"`
	Index     string            `json:"original_index"`
	Status    int               `json:"status"`
	Error     *types.ErrorCause `json:"error,omitempty"`
	Document  string            `json:"document"`
}

// deadLetter writes refused documents, with the error, to the dead-letter
// index, once: its outcome is counted, not retried.
func (e *esExporter) deadLetter(ctx context.Context, w *work, dead []deadLetter) {
	var body bytes.Buffer
	ts := time.Now().UTC().Format(time.RFC3339Nano)
	action, _ := json.Marshal(map[string]map[string]string{"create": {"_index": e.cfg.DeadLetterIndex}})
	for _, d := range dead {
		doc, err := json.Marshal(deadLetterDoc{Timestamp: ts, Index: d.item.Index_, Status: d.item.Status,
			Error: d.item.Error, Document: string(w.batch.Source(d.doc))})
		if err != nil {
			continue
		}
		body.Write(action)
		body.WriteByte('\n')
		body.Write(doc)
		body.WriteByte('\n')
	}
	ok := e.postDeadLetters(ctx, body.Bytes())
	outcome := "failed"
	if ok {
		outcome = "ok"
	}
	e.tel.deadLetter.Add(ctx, int64(len(dead)), e.tel.withReason("outcome", outcome))
}

func (e *esExporter) postDeadLetters(ctx context.Context, body []byte) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "/_bulk", bytes.NewReader(body))
	if err != nil {
		return false
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	resp, err := e.tp.Perform(req)
	if err != nil {
		e.set.Logger.Warn("dead-letter request failed", zap.Error(err))
		return false
	}
	defer resp.Body.Close()
	var head struct {
		Errors bool `json:"errors"`
	}
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&head) != nil || head.Errors {
		e.set.Logger.Warn("dead-letter index refused documents", zap.Int("status", resp.StatusCode))
		return false
	}
	return true
}
