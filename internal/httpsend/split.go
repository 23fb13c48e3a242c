package httpsend

import (
	"context"
	"errors"
	"net/http"
)

// Outcome tallies what became of the items of one push: sent, to be
// retried, or rejected for good. Its methods are not safe for concurrent
// use; merge per-worker outcomes with Add.
type Outcome struct {
	Sent, Retry, Rejected int
	RetryErrs, RejectErrs []error
}

// AddRetry records n items that failed with a retryable error.
func (o *Outcome) AddRetry(n int, err error) {
	o.Retry += n
	o.RetryErrs = append(o.RetryErrs, err)
}

// AddRejected records n items refused for good.
func (o *Outcome) AddRejected(n int, err error) {
	o.Rejected += n
	o.RejectErrs = append(o.RejectErrs, err)
}

// Add merges another outcome into o.
func (o *Outcome) Add(p Outcome) {
	o.Sent += p.Sent
	o.Retry += p.Retry
	o.Rejected += p.Rejected
	o.RetryErrs = append(o.RetryErrs, p.RetryErrs...)
	o.RejectErrs = append(o.RejectErrs, p.RejectErrs...)
}

// Err folds the outcome into the error for exporterhelper:
//   - nothing failed: nil;
//   - some items to retry: subset(err) is called to narrow the request to
//     them (consumererror.NewLogs and its siblings); when every item is to
//     be retried, the plain error retries the request as it is;
//   - only rejections, and nothing arrived: a permanent error (once wrapped);
//   - rejections beside delivered items: nil, since what arrived must not
//     be sent again; the caller counts and logs the rejected items.
func (o *Outcome) Err(subset func(error) error) error {
	if o.Retry > 0 {
		err := errors.Join(o.RetryErrs...)
		if o.Sent == 0 && o.Rejected == 0 {
			return err
		}
		return subset(err)
	}
	if o.Rejected > 0 && o.Sent == 0 {
		return Permanent(errors.Join(o.RejectErrs...))
	}
	return nil
}

// SendFunc sends items [lo, hi) of a request as one HTTP request and
// returns how the items fared, or tooLarge when the server answered 413.
type SendFunc func(ctx context.Context, lo, hi int) (out Outcome, tooLarge bool)

// BoundaryFunc returns a split point in (lo, hi) near the middle, where a
// request may be cut (for instance between two data points), or lo when
// [lo, hi) cannot be cut.
type BoundaryFunc func(lo, hi int) int

// SendSplitting sends [lo, hi) with send. A part the server refuses with
// 413 (send reports it with TooLarge) is cut at boundary and each half is
// sent on its own, down to parts that cannot be cut, which are rejected.
// Each half is sent whatever became of the other, so a rejected half never
// drops the one beside it.
func SendSplitting(ctx context.Context, lo, hi int, send SendFunc, boundary BoundaryFunc) Outcome {
	out, tooLarge := send(ctx, lo, hi)
	if !tooLarge {
		return out
	}
	mid := boundary(lo, hi)
	if mid <= lo || mid >= hi {
		var o Outcome
		o.AddRejected(hi-lo, Permanent(&RejectedError{Code: http.StatusRequestEntityTooLarge,
			Reason: "one item is over the server's request size limit"}))
		return o
	}
	o := SendSplitting(ctx, lo, mid, send, boundary)
	o.Add(SendSplitting(ctx, mid, hi, send, boundary))
	return o
}

// Middle is a BoundaryFunc for requests that may be cut between any two
// items.
func Middle(lo, hi int) int { return lo + (hi-lo)/2 }
