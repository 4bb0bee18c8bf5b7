package engine

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
	"github.com/merchant-inbox/merchant-inbox/sync/facebook/facebooktest"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// These tests hold a Page throttled in the fake (facebooktest.Throttle)
// rather than failing one request, so that a client which kept calling
// would be caught by the fake itself: every call during the block restarts
// it, and the test would then see the block's end move or the page never
// come back.

// seedThrottle gives page A ("100") two messages and page B ("200") one,
// and drives the fake's clock from the fixture's, so that moving the
// fixture's clock ends the fake's blocks.
func seedThrottle(t *testing.T, f *fixture) {
	t.Helper()
	f.fb.SetClock(f.clock.Now)
	f.addPage(t, "100", "Shop A")
	f.addPage(t, "200", "Shop B")
	f.fb.AddMessage("100", "9001", "Jane", facebooktest.FakeMessage{ID: "m_a_1", Text: "is the blue one in stock?", At: t0.Add(-2 * time.Hour)})
	f.fb.AddMessage("100", "9001", "Jane", facebooktest.FakeMessage{ID: "m_a_2", Text: "yes, size M", At: t0.Add(-time.Hour), FromPage: true})
	f.fb.AddMessage("200", "9101", "Ana", facebooktest.FakeMessage{ID: "m_b_1", Text: "hello", At: t0.Add(-3 * time.Hour)})
}

func reportsByPage(rep Report) map[string]PageReport {
	m := map[string]PageReport{}
	for _, p := range rep.Pages {
		m[p.PageID] = p
	}
	return m
}

// stored reports which of the message ids are in the store.
func storedMIDs(t *testing.T, f *fixture, mids ...string) []bool {
	t.Helper()
	out := make([]bool, len(mids))
	for i, mid := range mids {
		_, err := f.st.Message(t.Context(), mid)
		switch {
		case err == nil:
			out[i] = true
		case !errors.Is(err, store.ErrNotFound):
			t.Fatalf("message %s: %v", mid, err)
		}
	}
	return out
}

// TestPollLongThrottleFailsThePageUntilTheBlockEnds: page A throttled for
// longer than the poller's MaxRateLimitWait fails the poll with a
// rate-limit error, no call is made for it while the block lasts (the
// fake's block end never moves), and once the clock passes the block the
// next poll stores A's messages. Page B, polled after A with the same
// client, is not held back: codes 32, 80001 and 80006 throttle one Page,
// and the client blocks only the calls made with that Page's token.
func TestPollLongThrottleFailsThePageUntilTheBlockEnds(t *testing.T) {
	f := newFixture(t)
	seedThrottle(t, f)
	maxWait := f.poller.o.MaxRateLimitWait
	block := maxWait + 35*time.Minute
	f.fb.Throttle("100", 80001, block)
	end := f.fb.ThrottledUntil("100")

	// Poll A first, then B: the order in which A's block reaches B.
	rep := f.poll(t, "100", "200")
	pages := reportsByPage(rep)
	var rl *facebook.RateLimitError
	if a := pages["100"]; !errors.Is(a.Err, facebook.ErrRateLimited) || !errors.As(a.Err, &rl) {
		t.Fatalf("page A: %v, want a RateLimitError", a.Err)
	}
	if rl.RetryAfter <= maxWait {
		t.Errorf("page A RetryAfter %v, want the fake's %v (beyond MaxRateLimitWait %v)", rl.RetryAfter, block, maxWait)
	}
	if s := f.clock.Sleeps(); len(s) != 0 {
		t.Errorf("slept %v for a block longer than MaxRateLimitWait", s)
	}
	if got := storedMIDs(t, f, "m_a_1", "m_a_2"); got[0] || got[1] {
		t.Errorf("A's messages stored during the block: %v", got)
	}
	if st, err := f.st.SyncState(t.Context(), "100"); err != nil || !st.LastSuccess.IsZero() || st.LastError == "" {
		t.Errorf("A's sync state %+v, %v: want the failure recorded and no success", st, err)
	}
	// One throttled call for A (its node), none after it.
	if got := requestsAbout(f, "100", "9001"); got != 1 || f.requests("/100") != 1 {
		t.Errorf("%d requests about A (%d for its node), want exactly the first, throttled, one", got, f.requests("/100"))
	}
	// B is not A: it is polled and stored.
	if b := pages["200"]; b.Err != nil {
		t.Errorf("page B: %v; A's throttle must not hold it back", b.Err)
	}
	if got := storedMIDs(t, f, "m_b_1"); !got[0] {
		t.Error("B's message not stored while only A was throttled")
	}

	// A poll while the block lasts makes no call about A, so the fake's
	// block has not been extended.
	f.clock.Advance(block / 2)
	before := requestsAbout(f, "100", "9001")
	rep = f.poll(t)
	if a := reportsByPage(rep)["100"]; !errors.Is(a.Err, facebook.ErrRateLimited) {
		t.Errorf("page A during the block: %v, want ErrRateLimited", a.Err)
	}
	if b := reportsByPage(rep)["200"]; b.Err != nil {
		t.Errorf("page B during A's block: %v", b.Err)
	}
	if got := requestsAbout(f, "100", "9001") - before; got != 0 {
		t.Errorf("%d requests about A during the block, want 0", got)
	}
	if got := f.fb.ThrottledUntil("100"); !got.Equal(end) {
		t.Errorf("fake's block ends %v, want %v: the client called during it", got, end)
	}

	// Past the block, the next poll succeeds and stores everything.
	f.clock.Advance(end.Sub(f.clock.Now()) + time.Second)
	rep = f.poll(t)
	if err := rep.Err(); err != nil {
		t.Fatalf("poll after the block: %v", err)
	}
	if got := storedMIDs(t, f, "m_a_1", "m_a_2", "m_b_1"); !got[0] || !got[1] || !got[2] {
		t.Errorf("stored %v after the block, want all of m_a_1 m_a_2 m_b_1", got)
	}
	if a := reportsByPage(rep)["100"]; a.Messages != 2 || a.Conversations != 1 {
		t.Errorf("page A report %+v, want 1 conversation, 2 messages", a)
	}
	if msgs := f.messages(t, "100", "9001"); len(msgs) != 2 || msgs[1].Direction != store.Outgoing {
		t.Errorf("A's conversation %+v, want m_a_1 then the page's reply", msgs)
	}
	if st, err := f.st.SyncState(t.Context(), "100"); err != nil || st.LastSuccess.IsZero() || st.LastError != "" {
		t.Errorf("A's sync state %+v, %v: want a success", st, err)
	}
}

// requestsAbout counts the requests the fake received about a page: its
// node, its edges and its conversations' messages.
func requestsAbout(f *fixture, pageID string, psids ...string) int {
	n := 0
	for _, r := range f.fb.Requests() {
		about := strings.HasSuffix(r.Path, "/"+pageID) || strings.Contains(r.Path, "/"+pageID+"/")
		for _, psid := range psids {
			about = about || strings.Contains(r.Path, facebooktest.ConversationID(pageID, psid))
		}
		if about {
			n++
		}
	}
	return n
}

// TestPollShortThrottleIsSatOut: a block shorter than MaxRateLimitWait is
// waited out once, for the fake's own estimate, and the retry lands
// exactly when the block ends, so the throttled call is the only one made
// during it and the page is stored in the same poll.
func TestPollShortThrottleIsSatOut(t *testing.T) {
	f := newFixture(t)
	seedThrottle(t, f)
	block := 3 * time.Minute
	f.fb.Throttle("100", 80006, block)
	end := f.fb.ThrottledUntil("100")

	rep := f.poll(t, "100")
	if err := rep.Err(); err != nil {
		t.Fatalf("poll: %v", err)
	}
	if got := storedMIDs(t, f, "m_a_1", "m_a_2"); !got[0] || !got[1] {
		t.Errorf("stored %v, want both of A's messages", got)
	}
	if s := f.clock.Sleeps(); len(s) != 1 || s[0] != block {
		t.Errorf("slept %v, want one pause of %v", s, block)
	}
	if got := f.requests("/100"); got != 2 {
		t.Errorf("%d requests for A's node, want 2: the throttled one and the retry", got)
	}
	if !f.clock.Now().Before(end.Add(time.Second)) {
		t.Errorf("poll ended at %v, long after the block's end %v", f.clock.Now(), end)
	}
}
