package facebook

import (
	"crypto/sha256"
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

// Meta's estimated_time_to_regain_access is in whole minutes, and 0 means
// the block is over: the next call may go through, or may be throttled
// again while the window drains. Such answers are retried after a short
// pause that doubles with each one in a row (2 s, 4 s, ... at most a
// minute) instead of DefaultRetryAfter, which is for answers that carry no
// estimate at all. A successful call ends the run.
const (
	zeroEstimateBackoff    = 2 * time.Second
	maxZeroEstimateBackoff = time.Minute
)

// RateLimitError reports that Meta throttled a call, or that the Client
// refused to send one because an earlier answer blocked it. It matches
// ErrRateLimited with errors.Is; read RetryAfter with errors.As.
type RateLimitError struct {
	// RetryAfter is how long to wait before calling again, counted from
	// when the error was returned.
	RetryAfter time.Duration
	// Until is when the block ends, by the Client's clock: Now at the
	// error plus RetryAfter.
	Until time.Time
	// App is true when the app's own quota is used up, which holds back
	// every call the Client makes; false when only the calls made with
	// this token (one page's) wait.
	App bool
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
	Type          string   `json:"type"`
	RegainMinutes *float64 `json:"estimated_time_to_regain_access"` // nil: absent
}

// estimate is what the usage headers say about when access returns.
type estimate struct {
	given  bool          // some entry carried estimated_time_to_regain_access
	regain time.Duration // the longest one; 0 with given: the block is over
}

// readUsage reads the usage headers: whether the app's quota is used up
// (X-App-Usage), whether the quota of the page or business object the
// call was about is (X-Page-Usage, X-Business-Use-Case-Usage), and the
// longest estimated_time_to_regain_access. A malformed header is ignored:
// it must never fail a call that otherwise succeeded.
func readUsage(h http.Header) (app, page bool, est estimate) {
	exhausted := func(name string) bool {
		var u usage
		v := h.Get(name)
		return v != "" && json.Unmarshal([]byte(v), &u) == nil && u.exhausted()
	}
	app, page = exhausted("X-App-Usage"), exhausted("X-Page-Usage")
	var buc map[string][]bucUsage
	if v := h.Get("X-Business-Use-Case-Usage"); v != "" && json.Unmarshal([]byte(v), &buc) == nil {
		for _, entries := range buc {
			for _, e := range entries {
				var regain time.Duration
				if e.RegainMinutes != nil {
					est.given = true
					regain = time.Duration(max(*e.RegainMinutes, 0) * float64(time.Minute))
				}
				if e.exhausted() || regain > 0 {
					page = true
				}
				est.regain = max(est.regain, regain)
			}
		}
	}
	return app, page, est
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

// blockScope names what a rate-limit block holds back: every call (the
// app's quota: codes 4 and 613, X-App-Usage) or only the calls made with
// one access token (codes 17, 32, 80001 and 80006, X-Page-Usage and the
// business use case header count against one user or one page, and each
// page has its own token), so that one throttled page does not stop the
// others. Tokens are kept as hashes: the Client holds no copy of one.
type blockScope struct {
	token [sha256.Size]byte
	app   bool
}

func appScope() blockScope { return blockScope{app: true} }

func tokenScope(token string) blockScope {
	if token == "" {
		return appScope()
	}
	return blockScope{token: sha256.Sum256([]byte(token))}
}

// codeScope is what a throttling code holds back.
func codeScope(code int, token string) blockScope {
	switch code {
	case 4, 613:
		return appScope()
	}
	return tokenScope(token)
}

type block struct {
	until time.Time
	cause error
}

// rateLimited blocks after a throttling answer to a call made with token
// and describes it.
func (c *Client) rateLimited(h http.Header, cause *Error, token string) *RateLimitError {
	scope := codeScope(cause.Code, token)
	_, _, est := readUsage(h)
	var d time.Duration
	switch {
	case est.regain > 0:
		d = est.regain
	case est.given:
		d = c.zeroEstimate(scope)
	default:
		if d = retryAfterHeader(h); d <= 0 {
			d = DefaultRetryAfter
		}
	}
	until := c.block(scope, d, cause)
	return &RateLimitError{RetryAfter: until.Sub(c.now()), Until: until, App: scope.app, Err: cause}
}

// zeroEstimate is the pause after an answer whose estimate says the block
// is over: zeroEstimateBackoff, doubled for each such answer in a row on
// the scope, at most maxZeroEstimateBackoff.
func (c *Client) zeroEstimate(scope blockScope) time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.strikes == nil {
		c.strikes = map[blockScope]int{}
	}
	n := c.strikes[scope]
	c.strikes[scope] = n + 1
	d := zeroEstimateBackoff << min(n, 16)
	return min(d, maxZeroEstimateBackoff)
}

// observeUsage blocks when an answer's usage headers say the next call
// would be throttled, and otherwise ends the scopes' runs of zero
// estimates: the call went through.
func (c *Client) observeUsage(h http.Header, token string) {
	app, page, est := readUsage(h)
	d := est.regain
	if d <= 0 && est.given {
		d = zeroEstimateBackoff
	}
	if d <= 0 {
		d = DefaultRetryAfter
	}
	if app {
		c.block(appScope(), d, errUsageExhausted)
	}
	if page {
		c.block(tokenScope(token), d, errUsageExhausted)
	}
	if !app && !page {
		c.mu.Lock()
		delete(c.strikes, appScope())
		delete(c.strikes, tokenScope(token))
		c.mu.Unlock()
	}
}

// block extends the scope's block to at least now+d and returns when it
// ends. A shorter new estimate never shortens an existing block.
func (c *Client) block(scope blockScope, d time.Duration, cause error) time.Time {
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.blocks == nil {
		c.blocks = map[blockScope]block{}
	}
	for s, b := range c.blocks {
		if !now.Before(b.until) {
			delete(c.blocks, s) // ended: keep the map as small as the live blocks
		}
	}
	b := c.blocks[scope]
	if until := now.Add(d); until.After(b.until) {
		b = block{until: until, cause: cause}
		c.blocks[scope] = b
	}
	return b.until
}

// blockFor is the block that holds back a call made with token: the
// app-wide one or the token's own, whichever ends later; app says which.
func (c *Client) blockFor(token string) (b block, app bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	b, app = c.blocks[appScope()], true
	if t, ok := c.blocks[tokenScope(token)]; ok && t.until.After(b.until) {
		b, app = t, token == ""
	}
	return b, app
}

// checkBlocked fails fast while a block on a call made with token lasts:
// Meta counts calls made while throttled and extends the block, so none
// may be sent.
func (c *Client) checkBlocked(token string) error {
	now := c.now()
	b, app := c.blockFor(token)
	if !now.Before(b.until) {
		return nil
	}
	return &RateLimitError{
		RetryAfter: b.until.Sub(now),
		Until:      b.until,
		App:        app,
		Err:        fmt.Errorf("no request sent, blocked until %s: %w", b.until.UTC().Format(time.RFC3339), b.cause),
	}
}

// BlockedUntil returns the time before which the Client refuses to send
// calls made with token because of a rate limit; the zero time, or a past
// one, means none.
func (c *Client) BlockedUntil(token string) time.Time {
	b, _ := c.blockFor(token)
	return b.until
}
