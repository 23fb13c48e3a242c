// Package httpsend holds what the HTTP exporters share about sending a
// request and reading its answer: the classification of an answer into
// success, retryable, throttled, too large or rejected; Retry-After; the
// 413 split of a request into parts; and the folding of the parts'
// outcomes into the one error exporterhelper expects.
package httpsend

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
)

// ErrTooLarge marks a 413 answer, which the caller handles by splitting.
var ErrTooLarge = errors.New("request entity too large (413)")

// RejectedError is a request the server refused for good.
type RejectedError struct {
	Code   int
	Reason string
}

func (e *RejectedError) Error() string {
	return fmt.Sprintf("server rejected the request with %d: %s", e.Code, e.Reason)
}

// Classify maps an answer to the error exporterhelper acts on:
//   - 2xx: nil
//   - 413: ErrTooLarge, so the caller can split the request
//   - 408, 429, 5xx: retryable; with Retry-After, a throttle error that
//     makes exporterhelper wait at least that long
//   - other codes: permanent, a *RejectedError with the server's reason
func Classify(code int, retryAfter string, reason []byte) error {
	switch {
	case code >= 200 && code < 300:
		return nil
	case code == http.StatusRequestEntityTooLarge:
		return ErrTooLarge
	case Retryable(code):
		err := fmt.Errorf("server answered %d: %s", code, reason)
		if d, ok := ParseRetryAfter(retryAfter, time.Now()); ok {
			return exporterhelper.NewThrottleRetry(err, d)
		}
		return err
	default:
		return consumererror.NewPermanent(&RejectedError{Code: code, Reason: string(reason)})
	}
}

// Retryable reports whether a status code (of a request or of one item of
// a bulk answer) is worth sending again.
func Retryable(code int) bool {
	return code == http.StatusTooManyRequests || code == http.StatusRequestTimeout || code >= 500
}

// ParseRetryAfter reads a Retry-After header: seconds or an HTTP date.
func ParseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// Permanent wraps err as permanent unless it already is: a permanent error
// wrapped twice prints "Permanent error: Permanent error: ...".
func Permanent(err error) error {
	if err == nil || consumererror.IsPermanent(err) {
		return err
	}
	return consumererror.NewPermanent(err)
}

// StatusCode is the HTTP status of a *RejectedError inside err, or 0.
func StatusCode(err error) int {
	var re *RejectedError
	if errors.As(err, &re) {
		return re.Code
	}
	return 0
}

// Post sends one body and classifies the answer with Classify. Transport
// errors are retryable. At most maxReason bytes of the answer are kept
// as the reason; the rest is drained so the connection is reused.
func Post(ctx context.Context, client *http.Client, url string, body []byte, header http.Header) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return consumererror.NewPermanent(err)
	}
	req.Header = header
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("post %s: %w", url, err)
	}
	return ClassifyResponse(resp)
}

const maxReason = 512

// ClassifyResponse reads, drains and closes resp's body and classifies it.
func ClassifyResponse(resp *http.Response) error {
	defer resp.Body.Close()
	reason, _ := io.ReadAll(io.LimitReader(resp.Body, maxReason))
	Drain(resp.Body)
	return Classify(resp.StatusCode, resp.Header.Get("Retry-After"), bytes.TrimSpace(reason))
}

// Drain reads what is left of a body (up to 1 MiB) so the connection can
// be reused.
func Drain(r io.Reader) {
	_, _ = io.Copy(io.Discard, io.LimitReader(r, 1<<20))
}
