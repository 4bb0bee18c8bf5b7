package facebooktest

import (
	"strings"
	"time"
)

// throttle is a rate limit on one Page, set with Throttle (for a time)
// or ThrottleCalls (for a number of answers).
type throttle struct {
	code  int
	d     time.Duration // the window every call during the block restarts
	until time.Time     // the block ends when the fake's clock reaches it
	calls int           // ThrottleCalls: answers still to throttle; 0 for Throttle
}

// Throttle rate-limits a Page for d, as Meta does once a quota is used up,
// so tests can check that a client stops calling instead of merely counting
// its requests. From now until the fake's clock (SetClock) reaches the
// block's end, every Graph call concerning the Page fails with the
// throttling code and its usage header:
//
//   - 80001 (page, page token) and 80006 (Messenger):
//     X-Business-Use-Case-Usage keyed by the Page id, type "pages" or
//     "messenger", call_count 100 and estimated_time_to_regain_access the
//     minutes left, rounded up so that a client that waits that long is
//     never early;
//   - 32 (page, user token): X-Page-Usage with call_count 100;
//   - 4 (app): X-App-Usage with call_count 100;
//   - 17 (user) and 613 (custom): the error alone, as Meta documents no
//     header for them.
//
// A call concerns the Page when its path is the Page's node or one of its
// edges (/{page-id}, /{page-id}/conversations, ...), one of its
// conversations or their messages (/{conversation-id}/messages), or /me
// with the Page's token. Other Pages are not affected, which is what Meta's
// per-Page quotas do for 32, 80001 and 80006; the fake applies the same
// scope to 4, 17 and 613 so that one helper covers every code.
//
// "Stop calling: more calls extend the block" (the API notes) does not say
// by how much. The fake reads Meta's quotas as rolling windows: a call
// made during the block counts in the window again, so each one restarts
// the block, which then ends d after the latest call, not at the first
// end plus d per call. A client that keeps calling is never released; one
// that waits out estimated_time_to_regain_access is released at once.
//
// Throttling is checked after FailNext failures and before token checks.
// Calling Throttle again replaces the Page's block; code must be one of 4,
// 17, 32, 613, 80001, 80006 and d positive, else the test fails. Call it
// from the test goroutine.
func (s *Server) Throttle(pageID string, code int, d time.Duration) {
	s.tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.checkThrottleCode(code)
	if d <= 0 {
		s.tb.Fatalf("facebooktest: Throttle: duration %v is not positive", d)
	}
	s.setThrottle(pageID, &throttle{code: code, d: d, until: s.login.clock().Add(d)})
}

// ThrottleCalls throttles the next n calls concerning a Page, as Meta does
// while a used-up window drains: it answers the throttling code but says
// the block is over, estimated_time_to_regain_access 0 in the
// X-Business-Use-Case-Usage of codes 80001 and 80006 (the other codes send
// what Throttle sends, which carries no estimate). The n+1th call goes
// through, however soon it comes. Calling it again, or Throttle, replaces
// the Page's block; code is checked as for Throttle, and n must be
// positive. Call it from the test goroutine.
func (s *Server) ThrottleCalls(pageID string, code, n int) {
	s.tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.checkThrottleCode(code)
	if n <= 0 {
		s.tb.Fatalf("facebooktest: ThrottleCalls: %d calls is not positive", n)
	}
	s.setThrottle(pageID, &throttle{code: code, calls: n})
}

func (s *Server) checkThrottleCode(code int) {
	switch code {
	case 4, 17, 32, 613, 80001, 80006:
	default:
		s.tb.Fatalf("facebooktest: Throttle: %d is not a throttling code (4, 17, 32, 613, 80001, 80006)", code)
	}
}

func (s *Server) setThrottle(pageID string, th *throttle) {
	if s.throttles == nil {
		s.throttles = map[string]*throttle{}
	}
	s.throttles[pageID] = th
}

// Unthrottle lifts a Page's block at once, as if Meta's window had drained,
// for tests that do not drive the clock.
func (s *Server) Unthrottle(pageID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.throttles, pageID)
}

// ThrottledUntil returns when the Page's block ends, extensions included;
// the zero time when it is not throttled (or the block is over, or it was
// set with ThrottleCalls). Tests read it to tell a client that stayed
// silent from one that extended the block.
func (s *Server) ThrottledUntil(pageID string) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	if th := s.activeThrottle(pageID); th != nil {
		return th.until
	}
	return time.Time{}
}

// activeThrottle returns the Page's block if it still lasts, dropping an
// expired one so that a later call is never extended by a stale block.
func (s *Server) activeThrottle(pageID string) *throttle {
	th := s.throttles[pageID]
	if th == nil {
		return nil
	}
	if th.calls == 0 && !s.login.clock().Before(th.until) {
		delete(s.throttles, pageID)
		return nil
	}
	return th
}

// throttled answers a call concerning a throttled Page with its error and
// restarts the block (or counts the answer down); nil when the call goes
// through.
func (s *Server) throttled(path, token string) *graphError {
	if len(s.throttles) == 0 {
		return nil
	}
	pageID := s.pageOfPath(path, token)
	th := s.activeThrottle(pageID)
	if th == nil {
		return nil
	}
	var left time.Duration
	if th.calls > 0 {
		if th.calls--; th.calls == 0 {
			delete(s.throttles, pageID)
		}
	} else {
		now := s.login.clock()
		th.until = now.Add(th.d)
		left = th.until.Sub(now)
	}
	var h map[string]string
	switch th.code {
	case 80001, 80006:
		typ := "pages"
		if th.code == 80006 {
			typ = "messenger"
		}
		minutes := (left + time.Minute - 1) / time.Minute
		h = map[string]string{"X-Business-Use-Case-Usage": BusinessUsage{
			BusinessID: pageID, Type: typ, Usage: Usage{CallCount: 100}, RegainAccess: minutes * time.Minute,
		}.JSON()}
	case 32:
		h = map[string]string{"X-Page-Usage": Usage{CallCount: 100}.JSON()}
	case 4:
		h = map[string]string{"X-App-Usage": Usage{CallCount: 100}.JSON()}
	}
	return &graphError{code: th.code, headers: h}
}

// pageOfPath names the Page a normalized Graph path concerns: the Page
// itself, the Page owning a conversation, the token's Page for /me and
// for its customers' profiles. Any other id (an app, a user, /oauth) is
// returned as is: no Page of that id is throttled, so the call goes
// through.
func (s *Server) pageOfPath(path, token string) string {
	id, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	if id == "me" {
		return s.tokens[token]
	}
	if c := s.convs[id]; c != nil {
		return c.pageID
	}
	if pageID := s.tokens[token]; s.customerOf(pageID, id) != nil {
		return pageID
	}
	return id
}
