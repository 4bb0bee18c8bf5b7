package facebook_test

import (
	"errors"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
	"github.com/merchant-inbox/merchant-inbox/sync/facebook/facebooktest"
)

func bucHeader(regain time.Duration, calls int) map[string]string {
	b := facebooktest.BusinessUsage{BusinessID: pageID, Type: "messenger", Usage: facebooktest.Usage{CallCount: calls}, RegainAccess: regain}
	return map[string]string{"X-Business-Use-Case-Usage": b.JSON()}
}

func TestRateLimitRetryAfter(t *testing.T) {
	tests := []struct {
		name    string
		code    int
		headers map[string]string
		want    time.Duration
	}{
		{"BUC estimate", 80006, bucHeader(7*time.Minute, 100), 7 * time.Minute},
		{"BUC estimate on app code", 4, bucHeader(12*time.Minute, 40), 12 * time.Minute},
		{"no estimate", 4, nil, facebook.DefaultRetryAfter},
		{"BUC without estimate", 80001, map[string]string{"X-Business-Use-Case-Usage": facebooktest.BusinessUsage{
			BusinessID: pageID, Type: "pages", Usage: facebooktest.Usage{CallCount: 100}, NoEstimate: true,
		}.JSON()}, facebook.DefaultRetryAfter},
		// 0 is Meta's "the block is over": a short pause, not the default.
		{"BUC estimate 0", 80001, bucHeader(0, 100), 2 * time.Second},
		{"Retry-After", 613, map[string]string{"Retry-After": "90"}, 90 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, c, clk := setup(t, 1)
			fake.FailNext("/"+pageID+"/conversations", 0, tt.code, 0, tt.headers)
			_, err := collect(t, c.Conversations(t.Context(), pageID, pageToken, 0))
			rl, ok := errors.AsType[*facebook.RateLimitError](err)
			if !ok || !errors.Is(err, facebook.ErrRateLimited) {
				t.Fatalf("err = %v, want *RateLimitError", err)
			}
			if rl.RetryAfter != tt.want {
				t.Errorf("RetryAfter = %v, want %v", rl.RetryAfter, tt.want)
			}
			if ge, ok := errors.AsType[*facebook.Error](err); !ok || ge.Code != tt.code {
				t.Errorf("cause = %v, want Graph code %d", rl.Err, tt.code)
			}
			if got, want := c.BlockedUntil(pageToken), clk.Now().Add(tt.want); !got.Equal(want) {
				t.Errorf("BlockedUntil = %v, want %v", got, want)
			}
			if want := clk.Now().Add(tt.want); !rl.Until.Equal(want) || rl.App != (tt.code == 4 || tt.code == 613) {
				t.Errorf("Until %v App %v, want %v and App for codes 4 and 613 only", rl.Until, rl.App, want)
			}
		})
	}
}

// TestZeroEstimateBacksOffShortAndDoubles: answers that say the block is
// over (estimated_time_to_regain_access 0) are retried after 2 s, 4 s,
// 8 s, ... at most a minute, and a call that goes through starts the run
// again from 2 s.
func TestZeroEstimateBacksOffShortAndDoubles(t *testing.T) {
	fake, c, clk := setup(t, 1)
	want := []time.Duration{2, 4, 8, 16, 32, 60, 60}
	for i, w := range want {
		fake.FailNext("/"+pageID, 0, 80001, 0, bucHeader(0, 100))
		_, err := c.Page(t.Context(), pageID, pageToken)
		rl, ok := errors.AsType[*facebook.RateLimitError](err)
		if !ok || rl.RetryAfter != w*time.Second {
			t.Fatalf("answer %d: err %v, want a pause of %v", i+1, err, w*time.Second)
		}
		clk.Advance(rl.RetryAfter)
	}
	if _, err := c.Page(t.Context(), pageID, pageToken); err != nil {
		t.Fatalf("after the pauses: %v", err)
	}
	fake.FailNext("/"+pageID, 0, 80001, 0, bucHeader(0, 100))
	_, err := c.Page(t.Context(), pageID, pageToken)
	if rl, ok := errors.AsType[*facebook.RateLimitError](err); !ok || rl.RetryAfter != 2*time.Second {
		t.Errorf("after a success: err %v, want the run to start again at 2s", err)
	}
}

func TestBlockedClientSendsNoRequest(t *testing.T) {
	fake, c, clk := setup(t, 3)
	fake.FailNext("/"+pageID, 0, 80006, 0, bucHeader(7*time.Minute, 100))
	if _, err := c.Page(t.Context(), pageID, pageToken); !errors.Is(err, facebook.ErrRateLimited) {
		t.Fatalf("err = %v", err)
	}
	sent := len(fake.Requests())

	clk.Advance(3 * time.Minute)
	calls := map[string]func() error{
		"Page": func() error { _, err := c.Page(t.Context(), pageID, pageToken); return err },
		"Conversations": func() error {
			_, err := collect(t, c.Conversations(t.Context(), pageID, pageToken, 1))
			return err
		},
		"Messages": func() error {
			_, err := collect(t, c.Messages(t.Context(), facebooktest.ConversationID(pageID, "psid0"), pageToken, 1))
			return err
		},
		"SubscribePage": func() error { return c.SubscribePage(t.Context(), pageID, pageToken, []string{"messages"}) },
	}
	for name, call := range calls {
		err := call()
		rl, ok := errors.AsType[*facebook.RateLimitError](err)
		if !ok || !errors.Is(err, facebook.ErrRateLimited) {
			t.Errorf("%s while blocked: err = %v", name, err)
			continue
		}
		if rl.RetryAfter != 4*time.Minute {
			t.Errorf("%s: RetryAfter = %v, want the 4m left", name, rl.RetryAfter)
		}
	}
	if got := len(fake.Requests()); got != sent {
		t.Fatalf("%d requests sent while blocked", got-sent)
	}
	if !c.BlockedUntil(pageToken).Equal(t0.Add(time.Hour + 7*time.Minute)) {
		t.Errorf("fast-failed calls moved BlockedUntil to %v", c.BlockedUntil(pageToken))
	}

	clk.Advance(4 * time.Minute)
	if _, err := c.Page(t.Context(), pageID, pageToken); err != nil {
		t.Fatalf("after the block: %v", err)
	}
	if got := len(fake.Requests()); got != sent+1 {
		t.Errorf("%d requests after the block, want 1", got-sent)
	}
}

func TestUsageHeaderAt100BlocksAfterSuccess(t *testing.T) {
	tests := []struct {
		name, header, value string
		want                time.Duration
	}{
		{"app calls", "X-App-Usage", facebooktest.Usage{CallCount: 100}.JSON(), facebook.DefaultRetryAfter},
		{"app cpu", "X-App-Usage", facebooktest.Usage{TotalCPUTime: 101}.JSON(), facebook.DefaultRetryAfter},
		{"page time", "X-Page-Usage", facebooktest.Usage{TotalTime: 100}.JSON(), facebook.DefaultRetryAfter},
		{"BUC", "X-Business-Use-Case-Usage", bucHeader(9*time.Minute, 100)["X-Business-Use-Case-Usage"], 9 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, c, clk := setup(t, 1)
			fake.SetHeader(tt.header, tt.value)
			if _, err := c.Page(t.Context(), pageID, pageToken); err != nil {
				t.Fatalf("the call itself succeeded on Graph: %v", err)
			}
			if got, want := c.BlockedUntil(pageToken), clk.Now().Add(tt.want); !got.Equal(want) {
				t.Errorf("BlockedUntil = %v, want %v", got, want)
			}
			_, err := c.Page(t.Context(), pageID, pageToken)
			if rl, ok := errors.AsType[*facebook.RateLimitError](err); !ok || rl.RetryAfter != tt.want {
				t.Errorf("next call: err = %v", err)
			}
			if n := len(fake.Requests()); n != 1 {
				t.Errorf("%d requests, want 1", n)
			}
		})
	}
}

func TestUsageBelow100DoesNotBlock(t *testing.T) {
	fake, c, _ := setup(t, 1)
	fake.SetHeader("X-App-Usage", facebooktest.Usage{CallCount: 99, TotalCPUTime: 50, TotalTime: 50}.JSON())
	fake.SetHeader("X-Business-Use-Case-Usage", bucHeader(0, 99)["X-Business-Use-Case-Usage"])
	for range 2 {
		if _, err := c.Page(t.Context(), pageID, pageToken); err != nil {
			t.Fatal(err)
		}
	}
	if !c.BlockedUntil(pageToken).IsZero() {
		t.Errorf("blocked until %v at 99%%", c.BlockedUntil(pageToken))
	}
}

func TestMalformedUsageHeaderIsIgnored(t *testing.T) {
	fake, c, _ := setup(t, 1)
	fake.SetHeader("X-App-Usage", "{not json")
	if _, err := c.Page(t.Context(), pageID, pageToken); err != nil || !c.BlockedUntil(pageToken).IsZero() {
		t.Errorf("err = %v, blocked until %v", err, c.BlockedUntil(pageToken))
	}
}

func TestRateLimitMidPagingStopsTheWalk(t *testing.T) {
	fake, c, _ := setup(t, 5)
	n := 0
	var last error
	for _, err := range c.Conversations(t.Context(), pageID, pageToken, 2) {
		if err != nil {
			last = err
			continue // the sequence must end by itself after an error
		}
		if n++; n == 2 {
			// Page 1 is consumed: throttle the request for page 2.
			fake.FailNext("/"+pageID+"/conversations", 0, 80001, 0, nil)
		}
	}
	if !errors.Is(last, facebook.ErrRateLimited) || n != 2 || len(fake.Requests()) != 2 {
		t.Errorf("%d items, %d requests, err %v; want 2 items, then a rate limit on request 2", n, len(fake.Requests()), last)
	}
}

// TestRateLimitScope: the app's quota holds back every call; a page's (or
// a user's) holds back only the calls made with that token, so one
// throttled page does not stop the others.
func TestRateLimitScope(t *testing.T) {
	const otherToken = "EAAG-another-page"
	tests := []struct {
		name      string
		code      int               // a throttling answer, or 0 for a success with headers
		headers   map[string]string // on that answer
		blocksAll bool
	}{
		{"code 4, app", 4, nil, true},
		{"code 613, custom", 613, nil, true},
		{"code 17, user", 17, nil, false},
		{"code 32, page", 32, nil, false},
		{"code 80001, page token", 80001, nil, false},
		{"code 80006, Messenger", 80006, bucHeader(7*time.Minute, 100), false},
		{"X-App-Usage at 100", 0, map[string]string{"X-App-Usage": facebooktest.Usage{CallCount: 100}.JSON()}, true},
		{"X-Page-Usage at 100", 0, map[string]string{"X-Page-Usage": facebooktest.Usage{TotalTime: 100}.JSON()}, false},
		{"BUC at 100", 0, bucHeader(9*time.Minute, 100), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, c, _ := setup(t, 1)
			if tt.code != 0 {
				fake.FailNext("/"+pageID, 0, tt.code, 0, tt.headers)
			} else {
				for k, v := range tt.headers {
					fake.SetHeader(k, v)
				}
			}
			_, _ = c.Page(t.Context(), pageID, pageToken)
			if c.BlockedUntil(pageToken).IsZero() {
				t.Fatal("the throttled token is not blocked")
			}
			if other := !c.BlockedUntil(otherToken).IsZero(); other != tt.blocksAll {
				t.Errorf("another page's token blocked = %v, want %v", other, tt.blocksAll)
			}
		})
	}
}
