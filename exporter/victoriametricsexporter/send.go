package victoriametricsexporter

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

// errTooLarge marks a 413 answer, which the sender handles by splitting.
var errTooLarge = errors.New("request entity too large (413)")

// post sends one body and classifies the answer:
//   - 2xx: nil
//   - 413: errTooLarge, so the caller can split the request
//   - 429, 5xx: retryable; with Retry-After, a throttle error that makes
//     exporterhelper wait at least that long
//   - other 4xx: permanent, with the server's reason
//   - transport errors: retryable
func post(ctx context.Context, client *http.Client, url string, body []byte, header http.Header) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return consumererror.NewPermanent(err)
	}
	req.Header = header
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("post %s: %w", url, err)
	}
	defer resp.Body.Close()
	reason, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20)) // let the connection be reused
	return classify(resp.StatusCode, resp.Header.Get("Retry-After"), bytes.TrimSpace(reason))
}

func classify(code int, retryAfter string, reason []byte) error {
	switch {
	case code >= 200 && code < 300:
		return nil
	case code == http.StatusRequestEntityTooLarge:
		return errTooLarge
	case code == http.StatusTooManyRequests || code >= 500:
		err := fmt.Errorf("server answered %d: %s", code, reason)
		if d, ok := parseRetryAfter(retryAfter, time.Now()); ok {
			return exporterhelper.NewThrottleRetry(err, d)
		}
		return err
	default:
		return consumererror.NewPermanent(&rejectedError{code: code, reason: string(reason)})
	}
}

// rejectedError is a request the server refused for good.
type rejectedError struct {
	code   int
	reason string
}

func (e *rejectedError) Error() string {
	return fmt.Sprintf("server rejected the request with %d: %s", e.code, e.reason)
}

// parseRetryAfter reads a Retry-After header: seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
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
