package httpsend

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumererror"
)

func TestClassify(t *testing.T) {
	assert.NoError(t, Classify(204, "", nil))
	assert.ErrorIs(t, Classify(413, "", nil), ErrTooLarge)

	err := Classify(429, "3", []byte("slow down"))
	assert.False(t, consumererror.IsPermanent(err))
	assert.Contains(t, err.Error(), "Throttle (3s)")

	for _, code := range []int{408, 500, 502, 503} {
		err = Classify(code, "", nil)
		assert.False(t, consumererror.IsPermanent(err), code)
		assert.NotContains(t, err.Error(), "Throttle")
	}

	err = Classify(400, "", []byte("cannot parse"))
	assert.True(t, consumererror.IsPermanent(err))
	assert.Equal(t, 400, StatusCode(err))
	assert.Contains(t, err.Error(), "cannot parse")
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	d, ok := ParseRetryAfter("7", now)
	assert.True(t, ok)
	assert.Equal(t, 7*time.Second, d)
	d, ok = ParseRetryAfter(now.Add(90*time.Second).Format(http.TimeFormat), now)
	assert.True(t, ok)
	assert.Equal(t, 90*time.Second, d)
	d, ok = ParseRetryAfter(now.Add(-time.Hour).Format(http.TimeFormat), now)
	assert.True(t, ok)
	assert.Zero(t, d)
	_, ok = ParseRetryAfter("soon", now)
	assert.False(t, ok)
	_, ok = ParseRetryAfter("-3", now)
	assert.False(t, ok)
}

func TestPermanentWrapsOnce(t *testing.T) {
	err := Permanent(Permanent(errors.New("bad")))
	assert.True(t, consumererror.IsPermanent(err))
	assert.Equal(t, 1, strings.Count(err.Error(), "Permanent"), err.Error())
	assert.NoError(t, Permanent(nil))
}

// A server that takes at most 2 items per request and rejects item 0 for
// good: the split sends every other item, the rejection of the first
// quarter does not drop the rest.
func TestSendSplittingKeepsTheOtherHalf(t *testing.T) {
	var sent []int
	send := func(_ context.Context, lo, hi int) (Outcome, bool) {
		if hi-lo > 2 {
			return Outcome{}, true
		}
		var o Outcome
		for i := lo; i < hi; i++ {
			if i == 0 {
				o.AddRejected(1, Permanent(errors.New("mapping error")))
				continue
			}
			sent = append(sent, i)
			o.Sent++
		}
		return o, false
	}
	o := SendSplitting(context.Background(), 0, 7, send, Middle)
	assert.Equal(t, []int{1, 2, 3, 4, 5, 6}, sent)
	assert.Equal(t, 6, o.Sent)
	assert.Equal(t, 1, o.Rejected)
	assert.NoError(t, o.Err(nil), "some arrived: nothing to retry, the reject is counted")
}

// A single item over the limit cannot be cut: it is rejected, the others
// arrive.
func TestSendSplittingRejectsAnUncuttableItem(t *testing.T) {
	size := []int{1, 9, 1, 1}
	send := func(_ context.Context, lo, hi int) (Outcome, bool) {
		n := 0
		for i := lo; i < hi; i++ {
			n += size[i]
		}
		if n > 4 {
			return Outcome{}, true
		}
		return Outcome{Sent: hi - lo}, false
	}
	o := SendSplitting(context.Background(), 0, 4, send, Middle)
	assert.Equal(t, 3, o.Sent)
	assert.Equal(t, 1, o.Rejected)
	assert.Equal(t, 413, StatusCode(o.RejectErrs[0]))
}

func TestOutcomeErr(t *testing.T) {
	retry := errors.New("503")
	subsetCalled := false
	subset := func(err error) error { subsetCalled = true; return err }

	o := Outcome{Sent: 3}
	assert.NoError(t, o.Err(subset))

	o = Outcome{}
	o.AddRetry(3, retry)
	require.ErrorIs(t, o.Err(subset), retry)
	assert.False(t, subsetCalled, "all failed: the request is retried as it is")

	o = Outcome{Sent: 2}
	o.AddRetry(1, retry)
	require.ErrorIs(t, o.Err(subset), retry)
	assert.True(t, subsetCalled, "part arrived: only the rest is retried")

	subsetCalled = false
	o = Outcome{}
	o.AddRejected(1, Permanent(errors.New("bad")))
	o.AddRetry(1, retry)
	assert.False(t, consumererror.IsPermanent(o.Err(subset)))
	assert.True(t, subsetCalled, "the rejected part is not retried")

	o = Outcome{}
	o.AddRejected(2, Permanent(errors.New("bad")))
	err := o.Err(subset)
	assert.True(t, consumererror.IsPermanent(err))
	assert.Equal(t, 1, strings.Count(err.Error(), "Permanent"), err.Error())
}
