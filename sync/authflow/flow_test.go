package authflow

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestHappyPath(t *testing.T) {
	tests := []struct {
		name        string
		outcome     Outcome
		wantTitle   string
		wantMessage string // as HTML
	}{
		{
			name:        "outcome shown escaped",
			outcome:     Outcome{Title: "Connected", Message: "Merchant Inbox is now connected to Shop One & <Shop Two>."},
			wantTitle:   "Connected",
			wantMessage: "Merchant Inbox is now connected to Shop One &amp; &lt;Shop Two&gt;.",
		},
		{
			name:        "empty outcome gets defaults",
			wantTitle:   "Connected",
			wantMessage: "Merchant Inbox is now connected.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, logs := listen(t, Options{})
			rec := &recorder{outcome: tt.outcome}
			state := newState(t)
			p := s.Expect(callbackPath, state, rec.callback)

			query := url.Values{"code": {"AQD-secret-code-123"}, "state": {state}}
			r := get(t, s.URL(callbackPath), query)

			if r.status != http.StatusOK || r.title() != tt.wantTitle || r.message() != tt.wantMessage {
				t.Errorf("page = %d %q %q, want 200 %q %q", r.status, r.title(), r.message(), tt.wantTitle, tt.wantMessage)
			}
			if !strings.Contains(r.body, "You can close this tab and return to Merchant Inbox.") {
				t.Error("page lacks the close-this-tab hint")
			}
			calls := rec.calls()
			if len(calls) != 1 || !maps.EqualFunc(calls[0], query, slices.Equal) {
				t.Errorf("callback got %v, want one call with %v", calls, query)
			}
			out, err := waitFor(t, p)
			if err != nil || out.Title != tt.wantTitle {
				t.Errorf("Wait = %+v, %v; want title %q", out, err, tt.wantTitle)
			}
			for _, secret := range []string{state, "AQD-secret-code-123"} {
				if strings.Contains(logs.String(), secret) {
					t.Errorf("log contains %q", secret)
				}
			}
		})
	}
}

func TestWrongStateDoesNotEndFlow(t *testing.T) {
	s, logs := listen(t, Options{})
	rec := &recorder{outcome: Outcome{Title: "Connected"}}
	state := newState(t)
	p := s.Expect(callbackPath, state, rec.callback)

	forged := []struct {
		name  string
		query url.Values
	}{
		{"no state", url.Values{"code": {"attacker-code-1"}}},
		{"empty state", url.Values{"code": {"attacker-code-1"}, "state": {""}}},
		{"other state", url.Values{"code": {"attacker-code-1"}, "state": {newState(t)}}},
		{"state prefix", url.Values{"code": {"attacker-code-1"}, "state": {state[:len(state)-1]}}},
		{"forged denial", url.Values{"error": {"access_denied"}, "state": {newState(t)}}},
	}
	for _, f := range forged {
		t.Run(f.name, func(t *testing.T) {
			r := get(t, s.URL(callbackPath), f.query)
			if r.status != http.StatusBadRequest || r.title() != titleFailed || r.message() != msgStateMismatch {
				t.Errorf("page = %d %q %q, want 400 %q", r.status, r.title(), r.message(), msgStateMismatch)
			}
			if isDone(p) {
				t.Fatal("a request with the wrong state ended the flow")
			}
		})
	}
	if n := len(rec.calls()); n != 0 {
		t.Fatalf("callback ran %d times for forged requests", n)
	}
	if got := strings.Count(logs.String(), "callback refused"); got != len(forged) {
		t.Errorf("logged %d refusals, want %d", got, len(forged))
	}

	r := get(t, s.URL(callbackPath), url.Values{"code": {"real-code-1"}, "state": {state}})
	if r.status != http.StatusOK {
		t.Fatalf("right state after forgeries: status %d, %q", r.status, r.message())
	}
	if out, err := waitFor(t, p); err != nil || out.Title != "Connected" {
		t.Errorf("Wait = %+v, %v", out, err)
	}
}

func TestReplay(t *testing.T) {
	tests := []struct {
		name string
		rec  *recorder
	}{
		{"after success", &recorder{}},
		{"after failure", &recorder{err: errors.New("exchange failed")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := listen(t, Options{})
			state := newState(t)
			p := s.Expect(callbackPath, state, tt.rec.callback)
			query := url.Values{"code": {"code-12345"}, "state": {state}}

			if r := get(t, s.URL(callbackPath), query); r.status != http.StatusOK {
				t.Fatalf("first use: status %d", r.status)
			}
			r := get(t, s.URL(callbackPath), query)
			if r.status != http.StatusConflict || r.message() != msgAlreadyUsed {
				t.Errorf("replay page = %d %q, want 409 %q", r.status, r.message(), msgAlreadyUsed)
			}
			if n := len(tt.rec.calls()); n != 1 {
				t.Errorf("callback ran %d times, want 1", n)
			}
			waitFor(t, p)
		})
	}
}

func TestCallbackRunsOnceUnderConcurrentRequests(t *testing.T) {
	s, _ := listen(t, Options{})
	state := newState(t)
	var calls atomic.Int32
	started, release := make(chan struct{}), make(chan struct{})
	p := s.Expect(callbackPath, state, func(context.Context, url.Values) (Outcome, error) {
		if calls.Add(1) == 1 {
			close(started)
		}
		<-release
		return Outcome{}, nil
	})
	target := s.URL(callbackPath) + "?" + url.Values{"code": {"c"}, "state": {state}}.Encode()

	first := make(chan response, 1)
	go func() {
		r, err := fetch(t.Context(), http.MethodGet, target)
		if err != nil {
			t.Error(err)
		}
		first <- r
	}()
	<-started

	// While the callback runs, every other request with the same state is a
	// replay.
	const n = 8
	statuses := make(chan int, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			r, err := fetch(t.Context(), http.MethodGet, target)
			if err != nil {
				t.Error(err)
			}
			statuses <- r.status
		})
	}
	wg.Wait()
	close(statuses)
	close(release)

	for st := range statuses {
		if st != http.StatusConflict {
			t.Errorf("concurrent replay: status %d, want 409", st)
		}
	}
	if r := <-first; r.status != http.StatusOK {
		t.Errorf("first request: status %d, want 200", r.status)
	}
	if got := calls.Load(); got != 1 {
		t.Errorf("callback ran %d times, want 1", got)
	}
	waitFor(t, p)
}

func TestProviderError(t *testing.T) {
	tests := []struct {
		name        string
		query       url.Values
		wantDenied  bool
		wantMessage string
	}{
		{
			name: "facebook denial",
			query: url.Values{"error": {"access_denied"}, "error_reason": {"user_denied"},
				"error_description": {"Permissions error."}},
			wantDenied:  true,
			wantMessage: msgDenied,
		},
		{
			name:        "other provider error",
			query:       url.Values{"error": {"server_error"}, "error_description": {"The service is unavailable"}},
			wantMessage: "The sign-in page refused the request: The service is unavailable.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := listen(t, Options{})
			rec := &recorder{}
			state := newState(t)
			p := s.Expect(callbackPath, state, rec.callback)
			tt.query.Set("state", state)

			r := get(t, s.URL(callbackPath), tt.query)
			if r.status != http.StatusOK || r.title() != titleFailed || r.message() != tt.wantMessage {
				t.Errorf("page = %d %q %q, want 200 %q %q", r.status, r.title(), r.message(), titleFailed, tt.wantMessage)
			}
			_, err := waitFor(t, p)
			if errors.Is(err, ErrDenied) != tt.wantDenied {
				t.Errorf("Wait error %v: errors.Is(ErrDenied) = %t, want %t", err, !tt.wantDenied, tt.wantDenied)
			}
			var pe *ProviderError
			if !errors.As(err, &pe) || pe.Code != tt.query.Get("error") || pe.Reason != tt.query.Get("error_reason") {
				t.Errorf("Wait error %#v, want *ProviderError for %v", err, tt.query)
			}
			if n := len(rec.calls()); n != 0 {
				t.Errorf("callback ran %d times on a provider error", n)
			}
		})
	}
}

// explained is an error from another package that knows its sentence.
type explained struct{}

func (explained) Error() string { return "shopify: granted scope lacks read_orders" }

func (explained) UserMessage() string {
	return "Shopify did not grant access to orders. Approve all requested access."
}

func TestCallbackError(t *testing.T) {
	tests := []struct {
		name        string
		err         error
		wantMessage string
		mustNotShow []string
	}{
		{
			name:        "error that explains itself",
			err:         fmt.Errorf("shopify: connect: %w", explained{}),
			wantMessage: "Shopify did not grant access to orders. Approve all requested access.",
		},
		{
			name:        "raw error with a JSON body",
			err:         errors.New(`shopify: exchange code: token endpoint answered 400: {"error":"invalid_grant","error_description":"code already used"}`),
			wantMessage: "Something went wrong while connecting: token endpoint answered 400.",
			mustNotShow: []string{"{", "invalid_grant", "&#34;", "shopify:"},
		},
		{
			name: "wrapped transport error quoting a secret URL",
			err: fmt.Errorf("facebook: exchange code: %w", &url.Error{Op: "Get",
				URL: "https://graph.facebook.com/v25.0/oauth/access_token?client_secret=s3cr3t-value",
				Err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}}),
			wantMessage: "Something went wrong while connecting: connection refused.",
			mustNotShow: []string{"s3cr3t", "graph.facebook.com", "facebook:"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := listen(t, Options{})
			state := newState(t)
			p := s.Expect(callbackPath, state, (&recorder{err: tt.err}).callback)

			r := get(t, s.URL(callbackPath), url.Values{"code": {"code-12345"}, "state": {state}})
			if r.status != http.StatusOK || r.title() != titleFailed || r.message() != tt.wantMessage {
				t.Errorf("page = %d %q %q, want 200 %q %q", r.status, r.title(), r.message(), titleFailed, tt.wantMessage)
			}
			for _, bad := range tt.mustNotShow {
				if strings.Contains(r.message(), bad) {
					t.Errorf("message %q contains %q", r.message(), bad)
				}
			}
			if _, err := waitFor(t, p); !errors.Is(err, tt.err) {
				t.Errorf("Wait error = %v, want %v", err, tt.err)
			}
		})
	}
}

func TestCallbackPanicEndsFlow(t *testing.T) {
	s, _ := listen(t, Options{})
	state := newState(t)
	p := s.Expect(callbackPath, state, func(context.Context, url.Values) (Outcome, error) { panic("boom") })

	target := s.URL(callbackPath) + "?state=" + state
	if resp, err := http.Get(target); err == nil { // net/http drops the connection on a panic
		resp.Body.Close()
		t.Errorf("GET after panic: status %d, want a dropped connection", resp.StatusCode)
	}
	if _, err := waitFor(t, p); err == nil || !strings.Contains(err.Error(), "panicked: boom") {
		t.Errorf("Wait error = %v, want the panic", err)
	}
}

func TestExpiry(t *testing.T) {
	s, _ := listen(t, Options{Timeout: 50 * time.Millisecond})
	rec := &recorder{}
	state := newState(t)
	p := s.Expect(callbackPath, state, rec.callback)

	start := time.Now()
	if _, err := waitFor(t, p); !errors.Is(err, ErrExpired) {
		t.Fatalf("Wait error = %v, want ErrExpired", err)
	}
	if elapsed := time.Since(start); elapsed < 40*time.Millisecond {
		t.Errorf("expired after %v, before the 50ms timeout", elapsed)
	}
	r := get(t, s.URL(callbackPath), url.Values{"code": {"late-code-1"}, "state": {state}})
	if r.status != http.StatusGone || r.message() != msgExpired {
		t.Errorf("late callback page = %d %q, want 410 %q", r.status, r.message(), msgExpired)
	}
	if n := len(rec.calls()); n != 0 {
		t.Errorf("callback ran %d times after expiry", n)
	}
}

func TestWaitContextAbandonsFlow(t *testing.T) {
	s, _ := listen(t, Options{})
	rec := &recorder{}
	state := newState(t)
	p := s.Expect(callbackPath, state, rec.callback)

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := p.Wait(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait error = %v, want context.Canceled", err)
	}
	r := get(t, s.URL(callbackPath), url.Values{"code": {"late-code-1"}, "state": {state}})
	if r.status != http.StatusGone || r.message() != msgAbandoned {
		t.Errorf("late callback page = %d %q, want 410 %q", r.status, r.message(), msgAbandoned)
	}
	if n := len(rec.calls()); n != 0 {
		t.Errorf("callback ran %d times after Wait gave up", n)
	}
}

func TestWaitGivingUpCancelsRunningCallback(t *testing.T) {
	s, _ := listen(t, Options{})
	state := newState(t)
	started := make(chan struct{})
	p := s.Expect(callbackPath, state, func(ctx context.Context, _ url.Values) (Outcome, error) {
		close(started)
		<-ctx.Done()
		return Outcome{}, ctx.Err()
	})

	page := make(chan response, 1)
	go func() {
		r, err := fetch(t.Context(), http.MethodGet, s.URL(callbackPath)+"?state="+state)
		if err != nil {
			t.Error(err)
		}
		page <- r
	}()
	<-started
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := p.Wait(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Wait error = %v, want context.Canceled", err)
	}
	if r := <-page; r.status != http.StatusGone || r.message() != msgAbandoned {
		t.Errorf("page = %d %q, want 410 %q", r.status, r.message(), msgAbandoned)
	}
}

func TestConcurrentFlows(t *testing.T) {
	s, _ := listen(t, Options{})
	paths := []string{"/facebook/callback", "/shopify/callback"}
	states := []string{newState(t), newState(t)}
	recs := []*recorder{{outcome: Outcome{Message: "Facebook"}}, {outcome: Outcome{Message: "Shopify"}}}
	flows := []*Pending{
		s.Expect(paths[0], states[0], recs[0].callback),
		s.Expect(paths[1], states[1], recs[1].callback),
	}

	// One flow's state is not valid on the other's path.
	if r := get(t, s.URL(paths[0]), url.Values{"state": {states[1]}}); r.status != http.StatusBadRequest {
		t.Errorf("state of the other flow: status %d, want 400", r.status)
	}
	for _, i := range []int{1, 0} { // complete out of order
		r := get(t, s.URL(paths[i]), url.Values{"code": {"code-12345"}, "state": {states[i]}})
		if r.status != http.StatusOK || r.message() != recs[i].outcome.Message {
			t.Errorf("%s: page = %d %q", paths[i], r.status, r.message())
		}
		out, err := waitFor(t, flows[i])
		if err != nil || out.Message != recs[i].outcome.Message {
			t.Errorf("%s: Wait = %+v, %v", paths[i], out, err)
		}
		if n := len(recs[i].calls()); n != 1 {
			t.Errorf("%s: callback ran %d times", paths[i], n)
		}
	}
}

func TestSamePathTwoAttempts(t *testing.T) {
	s, _ := listen(t, Options{})
	first, second := newState(t), newState(t)
	p1 := s.Expect(callbackPath, first, (&recorder{outcome: Outcome{Message: "one"}}).callback)
	p2 := s.Expect(callbackPath, second, (&recorder{outcome: Outcome{Message: "two"}}).callback)

	if r := get(t, s.URL(callbackPath), url.Values{"state": {second}}); r.message() != "two" {
		t.Errorf("second attempt's page: %q", r.message())
	}
	if out, err := waitFor(t, p2); err != nil || out.Message != "two" {
		t.Errorf("second Wait = %+v, %v", out, err)
	}
	if isDone(p1) {
		t.Error("completing one attempt ended the other")
	}
}
