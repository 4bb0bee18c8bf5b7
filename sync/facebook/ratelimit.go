package facebook

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// DefaultRetryAfter is how long the Client stays blocked after a rate limit
// when Meta gives no estimate (no estimated_time_to_regain_access in
// X-Business-Use-Case-Usage and no Retry-After). App and page limits are
// rolling one-hour windows with no published reset time; five minutes lets
// the window drain a little without stalling a sync for an hour. Callers
// that hit the limit again should back off further.
const DefaultRetryAfter = 5 * time.Minute

// RateLimitError reports that Meta throttled a call, or that the Client
// refused to send one because an earlier answer blocked it. It matches
// ErrRateLimited with errors.Is; read RetryAfter with errors.As.
type RateLimitError struct {
	// RetryAfter is how long to wait before calling again, counted from
	// when the error was returned.
	RetryAfter time.Duration
	// Err is the cause: the Graph *Error, or why the Client was blocked.
	Err error
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("rate limited, retry after %s: %v", e.RetryAfter, e.Err)
}

func (e *RateLimitError) Unwrap() error { return e.Err }

// Is makes every RateLimitError match ErrRateLimited, including the
// fast-fail ones whose cause is a usage header rather than a Graph code.
func (e *RateLimitError) Is(target error) bool { return target == ErrRateLimited }

// errUsageExhausted is the cause recorded when a successful answer's usage
// headers say a quota is used up: the next call would be throttled.
var errUsageExhausted = errors.New("a Graph usage header reported a quota at 100%")

// usage is the percentage triple of X-App-Usage, X-Page-Usage and each
// X-Business-Use-Case-Usage entry. Floats, because nothing promises integers.
type usage struct {
	CallCount    float64 `json:"call_count"`
	TotalCPUTime float64 `json:"total_cputime"`
	TotalTime    float64 `json:"total_time"`
}

func (u usage) exhausted() bool { return max(u.CallCount, u.TotalCPUTime, u.TotalTime) >= 100 }

// bucUsage is one entry of X-Business-Use-Case-Usage, whose JSON maps a
// business object id to a list of these.
type bucUsage struct {
	usage
	Type          string  `json:"type"`
	RegainMinutes float64 `json:"estimated_time_to_regain_access"`
}

// readUsage reports whether the usage headers say a quota is used up and the
// longest estimated_time_to_regain_access. A malformed header is ignored: it
// must never fail a call that otherwise succeeded.
func readUsage(h http.Header) (exhausted bool, regain time.Duration) {
	for _, name := range []string{"X-App-Usage", "X-Page-Usage"} {
		var u usage
		if v := h.Get(name); v != "" && json.Unmarshal([]byte(v), &u) == nil && u.exhausted() {
			exhausted = true
		}
	}
	var buc map[string][]bucUsage
	if v := h.Get("X-Business-Use-Case-Usage"); v != "" && json.Unmarshal([]byte(v), &buc) == nil {
		for _, entries := range buc {
			for _, e := range entries {
				if e.exhausted() || e.RegainMinutes > 0 {
					exhausted = true
				}
				regain = max(regain, time.Duration(e.RegainMinutes*float64(time.Minute)))
			}
		}
	}
	return exhausted, regain
}

// retryAfterHeader reads a Retry-After in seconds; Graph rarely sends one,
// but a proxy in front of it may.
func retryAfterHeader(h http.Header) time.Duration {
	s, err := strconv.Atoi(h.Get("Retry-After"))
	if err != nil || s <= 0 {
		return 0
	}
	return time.Duration(s) * time.Second
}

// rateLimited blocks the Client after a throttling answer and describes it.
func (c *Client) rateLimited(h http.Header, cause *Error) *RateLimitError {
	_, d := readUsage(h)
	if d <= 0 {
		d = retryAfterHeader(h)
	}
	if d <= 0 {
		d = DefaultRetryAfter
	}
	return &RateLimitError{RetryAfter: c.block(d, cause), Err: cause}
}

// observeUsage blocks the Client when an answer's usage headers say the
// next call would be throttled.
func (c *Client) observeUsage(h http.Header) {
	exhausted, d := readUsage(h)
	if !exhausted {
		return
	}
	if d <= 0 {
		d = DefaultRetryAfter
	}
	c.block(d, errUsageExhausted)
}

// block extends the block to at least now+d and returns how long the block
// still lasts. A shorter new estimate never shortens an existing block.
func (c *Client) block(d time.Duration, cause error) time.Duration {
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if until := now.Add(d); until.After(c.blockedUntil) {
		c.blockedUntil, c.blockCause = until, cause
	}
	return c.blockedUntil.Sub(now)
}

// checkBlocked fails fast while a block lasts: Meta counts calls made while
// throttled and extends the block, so none may be sent.
func (c *Client) checkBlocked() error {
	now := c.now()
	c.mu.Lock()
	until, cause := c.blockedUntil, c.blockCause
	c.mu.Unlock()
	if !now.Before(until) {
		return nil
	}
	return &RateLimitError{
		RetryAfter: until.Sub(now),
		Err:        fmt.Errorf("no request sent, client blocked until %s: %w", until.UTC().Format(time.RFC3339), cause),
	}
}

// BlockedUntil returns the time before which the Client refuses to send
// calls because of a rate limit; the zero time, or a past one, means none.
func (c *Client) BlockedUntil() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.blockedUntil
}
