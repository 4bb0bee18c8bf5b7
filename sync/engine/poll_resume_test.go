package engine

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
	"github.com/merchant-inbox/merchant-inbox/sync/facebook/facebooktest"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// bigPage gives page 100 n conversations, the i-th updated i minutes
// before the oldest of a day ago, each with two messages (the second from
// the page); it returns the customers' PSIDs, newest conversation first.
func bigPage(t *testing.T, f *fixture, n int) []string {
	t.Helper()
	f.fb.SetClock(f.clock.Now)
	f.addPage(t, "100", "Big Shop")
	psids := make([]string, n)
	for i := range n {
		psids[i] = fmt.Sprint(500000 + i)
		at := t0.Add(-24*time.Hour - time.Duration(i)*time.Minute)
		f.fb.AddMessage("100", psids[i], "Customer "+psids[i], facebooktest.FakeMessage{ID: fmt.Sprintf("m_%d_a", i), Text: "hi", At: at.Add(-time.Second)})
		f.fb.AddMessage("100", psids[i], "", facebooktest.FakeMessage{ID: fmt.Sprintf("m_%d_b", i), Text: "hello", At: at, FromPage: true})
	}
	return psids
}

// listRequests counts the conversation-list requests since before, read
// in full and skimmed (ids and times only).
func listRequests(f *fixture, before int) (full, skimmed int) {
	for _, r := range f.fb.Requests()[before:] {
		if !strings.HasSuffix(r.Path, "/conversations") {
			continue
		}
		if r.Query.Get("fields") == "id,updated_time" {
			skimmed++
		} else {
			full++
		}
	}
	return full, skimmed
}

// TestFirstSyncResumesWhereItStopped: a first sync of a page of 600
// conversations is cut short halfway, by a rate limit longer than the
// poll sits out or by a shutdown. The app restarts (a new Poller over the
// same store file) and polls again: it passes over what the first poll
// stored by skimming the list, stores the rest and the conversations
// that got messages in between, and finishes. Each case also plays a
// process that was killed: the checkpoint saved while the walk ran,
// not the one written at its end, is what the restart finds.
func TestFirstSyncResumesWhereItStopped(t *testing.T) {
	const n, half = 600, 300
	for _, tt := range []struct {
		name   string
		killed bool // the checkpoint written at the end is lost
		stop   func(f *fixture, cancel context.CancelFunc)
	}{
		{"rate limit", false, func(f *fixture, _ context.CancelFunc) { f.fb.Throttle("100", 80001, 2*time.Hour) }},
		{"shutdown", false, func(_ *fixture, cancel context.CancelFunc) { cancel() }},
		{"killed", true, func(_ *fixture, cancel context.CancelFunc) { cancel() }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			psids := bigPage(t, f, n)
			f.poller.checkpointEvery = 50

			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			var (
				once     sync.Once
				done     atomic.Int64
				midState store.SyncState // as a crash at the interruption would leave it
			)
			f.poller.o.Notify = func(e Event) {
				if e.Kind == ConversationChanged && done.Add(1) >= half {
					once.Do(func() {
						var err error
						if midState, err = f.st.SyncState(context.Background(), "100"); err != nil {
							t.Error(err)
						}
						tt.stop(f, cancel)
					})
				}
			}
			rep, _ := f.poller.Poll(ctx, "100")
			first := rep.Pages[0]
			if first.Err == nil || first.Conversations < half || first.Conversations >= n {
				t.Fatalf("first poll %+v: want it cut short after %d of %d conversations", first, half, n)
			}
			if midState.Checkpoint == nil || midState.Checkpoint.Walked {
				t.Fatalf("no checkpoint saved while the walk ran: %+v", midState)
			}
			st, err := f.st.SyncState(t.Context(), "100")
			if err != nil || st.Checkpoint == nil || !st.LastSuccess.IsZero() {
				t.Fatalf("sync state after the first poll %+v, %v: want a checkpoint and no success", st, err)
			}
			if tt.killed {
				if err := f.st.PutSyncState(t.Context(), midState); err != nil {
					t.Fatal(err)
				}
			}
			storedFirst := f.stats(t).Conversations

			// While the app is down: a customer deep in the part not yet
			// read writes again, and so does one already stored.
			f.clock.Advance(3 * time.Hour)
			f.fb.AddMessage("100", psids[n-10], "", facebooktest.FakeMessage{ID: "m_late_bottom", Text: "still there?", At: f.clock.Now()})
			f.fb.AddMessage("100", psids[5], "", facebooktest.FakeMessage{ID: "m_late_top", Text: "one more thing", At: f.clock.Now()})

			f.restart(t, func(o *PollerOptions) { o.SkimPageSize = 50 })
			before := len(f.fb.Requests())
			rep = f.poll(t, "100")
			if err := rep.Err(); err != nil {
				t.Fatalf("resumed poll: %v", err)
			}
			if got := f.stats(t); got.Conversations != n || got.Messages != 2*n+2 {
				t.Errorf("stored %+v after the resumed poll, want %d conversations and %d messages", got, n, 2*n+2)
			}
			if got := storedMIDs(t, f, "m_late_bottom", "m_late_top", fmt.Sprintf("m_%d_a", n-1)); !got[0] || !got[1] || !got[2] {
				t.Errorf("stored %v of the late messages and the oldest one, want all", got)
			}
			st, err = f.st.SyncState(t.Context(), "100")
			if err != nil || st.Checkpoint != nil || st.LastSuccess.IsZero() {
				t.Errorf("sync state after the resumed poll %+v, %v: want a success and no checkpoint", st, err)
			}

			// What was stored is passed over: read again are only the
			// conversations the checkpoint had not caught up with when the
			// walk stopped (a list page's worth per worker and the one read
			// ahead; after a kill, those since the last save too), plus the
			// two that moved.
			o := f.poller.o
			slack := 2 + (o.Concurrency+1)*o.PageSize
			if tt.killed {
				slack += f.poller.checkpointEvery
			}
			if again := rep.Pages[0].Conversations - (n - storedFirst); again < 2 || again > slack {
				t.Errorf("resumed poll read %d conversations, %d of them stored before; want 2 to %d", rep.Pages[0].Conversations, again, slack)
			}
			full, skimmed := listRequests(f, before)
			t.Logf("first poll stored %d; resumed read %d, %d full and %d skimmed list pages", storedFirst, rep.Pages[0].Conversations, full, skimmed)
			if maxSkim := storedFirst/50 + 2; skimmed == 0 || skimmed > maxSkim {
				t.Errorf("%d skimmed list pages, want 1 to %d for the %d stored conversations", skimmed, maxSkim, storedFirst)
			}
			// Full pages: the first, those of the conversations to read,
			// and the skimmed page where reading starts, read again in full
			// (up to SkimPageSize/PageSize pages).
			if maxFull := 2 + (n-storedFirst+slack)/o.PageSize + o.SkimPageSize/o.PageSize; full > maxFull {
				t.Errorf("%d full list pages, want at most %d", full, maxFull)
			}
		})
	}
}

// TestFailedConversationIsRetriedOnItsOwn: a conversation Graph fails on
// its own does not fail the walk: the others are stored, the poll counts
// as done (its time recorded), the failure is reported and kept, and the
// next poll reads that conversation again by itself.
func TestFailedConversationIsRetriedOnItsOwn(t *testing.T) {
	f := newFixture(t)
	psids := bigPage(t, f, 30)
	// Longer than the nested page: it takes calls of its own, and the
	// first of them fails.
	for i := range 15 {
		f.fb.AddMessage("100", psids[12], "", facebooktest.FakeMessage{ID: fmt.Sprintf("m_12_old%d", i), Text: "earlier", At: t0.Add(-48 * time.Hour).Add(time.Duration(i) * time.Minute)})
	}
	broken := facebooktest.ConversationID("100", psids[12])
	f.fb.FailNext("/"+broken+"/messages", 0, 2, 0, nil)

	rep := f.poll(t)
	if err := rep.Pages[0].Err; err == nil || !strings.Contains(err.Error(), broken) || !strings.Contains(err.Error(), "read again at the next sync") {
		t.Errorf("page error %v, want it to name the failed conversation", err)
	}
	if got := f.stats(t).Conversations; got != 29 {
		t.Errorf("%d conversations stored, want the 29 others", got)
	}
	st, err := f.st.SyncState(t.Context(), "100")
	if err != nil || !st.LastSuccess.Equal(t0) || st.Checkpoint == nil || !st.Checkpoint.Walked ||
		len(st.Checkpoint.Retry) != 1 || st.Checkpoint.Retry[0].ConversationID != broken {
		t.Fatalf("sync state %+v (%+v), %v: want the walk done and the conversation kept for a retry", st, st.Checkpoint, err)
	}
	if last, _ := f.st.LastFullPoll(t.Context()); !last.IsZero() {
		t.Errorf("a poll that left a conversation behind recorded a full poll at %v", last)
	}

	f.clock.Advance(time.Hour)
	before := len(f.fb.Requests())
	rep = f.poll(t)
	if err := rep.Err(); err != nil {
		t.Fatalf("second poll: %v", err)
	}
	if got := storedMIDs(t, f, "m_12_a", "m_12_b", "m_12_old0"); !got[0] || !got[1] || !got[2] {
		t.Errorf("the retried conversation's messages stored: %v", got)
	}
	var node bool
	for _, r := range f.fb.Requests()[before:] {
		node = node || strings.HasSuffix(r.Path, "/"+broken)
	}
	if !node {
		t.Error("the second poll did not read the failed conversation by its id")
	}
	if st, _ := f.st.SyncState(t.Context(), "100"); st.Checkpoint != nil {
		t.Errorf("checkpoint %+v after the retry succeeded, want none", st.Checkpoint)
	}
	if last, _ := f.st.LastFullPoll(t.Context()); last.IsZero() {
		t.Error("no full poll recorded once nothing was left behind")
	}
}

// TestSkippedPagesDoNotHoldBackTheFullPoll: a page that needs sign-in and
// one without a token are skipped on purpose; the poll of the others
// still counts as a full poll, so a reload does not run a needless
// catch-up. A page that fails does hold it back.
func TestSkippedPagesDoNotHoldBackTheFullPoll(t *testing.T) {
	f := newFixture(t)
	seedShop(t, f)
	if err := f.st.SetNeedsLogin(t.Context(), "200", true); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.AddPage(t.Context(), "300"); err != nil {
		t.Fatal(err)
	}
	rep := f.poll(t)
	pages := reportsByPage(rep)
	if p := pages["200"]; !p.Skipped || !errors.Is(p.Err, ErrNeedsLogin) {
		t.Errorf("page 200 %+v, want skipped: needs sign-in", p)
	}
	if p := pages["300"]; !p.Skipped || !errors.Is(p.Err, ErrNoToken) {
		t.Errorf("page 300 %+v, want skipped: no token", p)
	}
	if p := pages["100"]; p.Skipped || p.Err != nil {
		t.Errorf("page 100 %+v, want polled", p)
	}
	if last, err := f.st.LastFullPoll(t.Context()); err != nil || !last.Equal(t0) {
		t.Errorf("last full poll %v, %v; want %v", last, err, t0)
	}

	f.clock.Advance(time.Hour)
	f.fb.FailNext("/100", 0, 2, 0, nil)
	f.poll(t)
	if last, _ := f.st.LastFullPoll(t.Context()); !last.Equal(t0) {
		t.Errorf("last full poll moved to %v though page 100 failed", last)
	}
}

// TestThrottleDuringWalkResumesTheSamePage: a rate limit on the list in
// the middle of a walk, short enough to sit out, is waited for once, and
// the walk goes on from the same list page rather than from the newest.
func TestThrottleDuringWalkResumesTheSamePage(t *testing.T) {
	f := newFixture(t)
	bigPage(t, f, 45)
	// The third list call is answered with a throttle.
	throttle := func(r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/conversations") && r.URL.Query().Has("after") && f.requests("/100/conversations") == 2 {
			f.fb.FailNext("/100/conversations", 0, 80001, 0, map[string]string{"X-Business-Use-Case-Usage": facebooktest.BusinessUsage{
				BusinessID: "100", Type: "pages", Usage: facebooktest.Usage{CallCount: 100}, RegainAccess: 2 * time.Minute,
			}.JSON()})
		}
	}
	f.poller = f.newPoller(func(o *PollerOptions) {
		o.Graph = facebook.NewClient(facebook.Options{BaseURL: f.fb.URL, AppSecret: testAppSecret, Now: f.clock.Now,
			HTTPClient: &http.Client{Transport: beforeSend{throttle, f.fb.Client().Transport}}})
	})
	rep := f.poll(t, "100")
	if err := rep.Err(); err != nil {
		t.Fatal(err)
	}
	if s := f.clock.Sleeps(); len(s) != 1 || s[0] != 2*time.Minute {
		t.Errorf("slept %v, want one pause of 2m", s)
	}
	var afters []string
	for _, r := range f.fb.Requests() {
		if strings.HasSuffix(r.Path, "/conversations") {
			afters = append(afters, r.Query.Get("after"))
		}
	}
	if len(afters) != 6 || afters[2] == "" || afters[3] != afters[2] {
		t.Errorf("list calls after %q, want five pages and the third asked twice", afters)
	}
	if got := f.stats(t).Conversations; got != 45 {
		t.Errorf("%d conversations stored, want 45", got)
	}
}

// beforeSend calls hook with each request before sending it.
type beforeSend struct {
	hook func(*http.Request)
	next http.RoundTripper
}

func (b beforeSend) RoundTrip(r *http.Request) (*http.Response, error) {
	b.hook(r)
	return b.next.RoundTrip(r)
}
