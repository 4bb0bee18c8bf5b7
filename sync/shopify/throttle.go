package shopify

import (
	"math"
	"net/http"
	"strconv"
	"time"
)

// queryCost is extensions.cost of a GraphQL answer:
// {"requestedQueryCost":752,"actualQueryCost":null,
// "throttleStatus":{"maximumAvailable":2000.0,"currentlyAvailable":42,"restoreRate":100.0}}.
type queryCost struct {
	Requested float64  `json:"requestedQueryCost"`
	Actual    *float64 `json:"actualQueryCost"`
	Throttle  struct {
		Maximum     float64 `json:"maximumAvailable"`
		Available   float64 `json:"currentlyAvailable"`
		RestoreRate float64 `json:"restoreRate"`
	} `json:"throttleStatus"`
}

// throttled reports a THROTTLED error: Shopify answers throttled GraphQL
// requests with HTTP 200 and errors[].extensions.code "THROTTLED".
func throttled(errs []gqlError) bool {
	for _, e := range errs {
		if e.Extensions.Code == "THROTTLED" {
			return true
		}
	}
	return false
}

// minThrottleWait is the wait when the numbers say none is needed: the
// bucket changed between Shopify's check and its answer.
const minThrottleWait = time.Second

// throttleWait is Shopify's documented wait before retrying a throttled
// query: ceil((requestedQueryCost - currentlyAvailable) / restoreRate)
// seconds, at least minThrottleWait.
func throttleWait(requested, available, restoreRate float64) time.Duration {
	if restoreRate <= 0 || requested <= available {
		return minThrottleWait
	}
	secs := math.Ceil((requested - available) / restoreRate)
	if secs > 24*3600 {
		secs = 24 * 3600
	}
	return max(time.Duration(secs)*time.Second, minThrottleWait)
}

// throttleError describes a THROTTLED answer. A query whose cost exceeds
// the bucket's maximum can never run: the Client gives up on it at once.
func (c *queryCost) throttleError(attempt int) *ThrottleError {
	te := &ThrottleError{Wait: minThrottleWait, Attempts: attempt}
	if c == nil {
		return te
	}
	te.RequestedCost, te.Available, te.RestoreRate = c.Requested, c.Throttle.Available, c.Throttle.RestoreRate
	te.max = c.Throttle.Maximum
	te.Wait = throttleWait(c.Requested, c.Throttle.Available, c.Throttle.RestoreRate)
	return te
}

// retryAfter reads Retry-After: seconds (Shopify's REST API sends "2.0")
// or an HTTP date; defaultRetryAfter when absent or unreadable.
func retryAfter(h http.Header, now time.Time) time.Duration {
	v := h.Get("Retry-After")
	if v == "" {
		return defaultRetryAfter
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil && secs >= 0 && !math.IsInf(secs, 0) {
		secs = min(secs, 24*3600)
		return max(time.Duration(math.Ceil(secs))*time.Second, minThrottleWait)
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now).Round(time.Second), minThrottleWait)
	}
	return defaultRetryAfter
}
