package engine

import (
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
	"github.com/merchant-inbox/merchant-inbox/sync/facebook/facebooktest"
	"github.com/merchant-inbox/merchant-inbox/sync/fix"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// TestPollPublishesItsCourse: a poll of two pages says it started (with
// the number of pages), where it is (page n of m, named, with running
// counts) and that it finished (with the totals), and announces each
// message it stored for the first time, once, as coming from a poll.
func TestPollPublishesItsCourse(t *testing.T) {
	f := newFixture(t)
	seedShop(t, f)
	// A webhook stored Omar's message before the poll: not news again.
	if _, err := f.st.Apply(t.Context(), store.Changes{Messages: []store.Message{{
		ID: "m_omar_1", PageID: "100", PSID: "9002", Direction: store.Incoming, CreatedAt: t0.Add(-30 * time.Hour), Text: "is the blue one in stock?",
	}}}); err != nil {
		t.Fatal(err)
	}

	if err := f.poll(t).Err(); err != nil {
		t.Fatal(err)
	}
	evs := f.polled.take()
	if evs[0].Kind != PollStarted || evs[0].Progress.Pages != 2 {
		t.Fatalf("first event %+v, want PollStarted with 2 pages", evs[0])
	}
	last := evs[len(evs)-1]
	if last.Kind != PollFinished || last.Err != nil {
		t.Fatalf("last event %+v, want PollFinished without error", last)
	}
	if p := last.Progress; p.Conversations != 4 || p.Messages != 38 || p.Page != 2 || p.Pages != 2 {
		t.Errorf("PollFinished progress %+v, want page 2 of 2, 4 conversations, 38 messages", p)
	}

	progress := ofKind(evs, PollProgress)
	seen := map[int]string{}
	for _, e := range progress {
		if e.Progress.Pages != 2 || e.Progress.Page < 1 || e.Progress.Page > 2 {
			t.Errorf("progress %+v: want page 1 or 2 of 2", e.Progress)
		}
		seen[e.Progress.Page] = e.Progress.PageName
	}
	if seen[1] != "Shop One" || seen[2] != "Shop Two" {
		t.Errorf("progress named pages %v, want Shop One then Shop Two", seen)
	}
	if p := progress[len(progress)-1].Progress; p.Conversations != 4 || p.Messages != 38 {
		t.Errorf("last progress %+v, want the totals", p)
	}

	stored := ofKind(evs, MessageStored)
	mids := map[string]bool{}
	for _, e := range stored {
		if e.Source != FromPoll || e.PageID == "" || e.PSID == "" || e.Created.IsZero() {
			t.Errorf("MessageStored %+v: want page, psid, created time and Source poll", e)
		}
		if mids[e.MessageID] {
			t.Errorf("%s announced twice", e.MessageID)
		}
		mids[e.MessageID] = true
	}
	if len(stored) != 37 || mids["m_omar_1"] {
		t.Errorf("%d messages announced (m_omar_1: %v), want the 37 the webhook had not stored", len(stored), mids["m_omar_1"])
	}
	if e := stored[0]; e.MessageID == "m_jane_01" && e.Direction != store.Outgoing {
		t.Errorf("the page's reply announced as %q", e.Direction)
	}

	// A second poll stores nothing new and announces nothing.
	f.clock.Advance(time.Hour)
	f.poll(t)
	if got := ofKind(f.polled.take(), MessageStored); len(got) != 0 {
		t.Errorf("second poll announced %d messages, want 0", len(got))
	}
}

// TestPollProgressIsThrottled: within a page, PollProgress comes at most
// every progressEvery of the poll's clock, however many conversations
// complete in between; page starts and ends always report.
func TestPollProgressIsThrottled(t *testing.T) {
	f := newFixture(t)
	f.addPage(t, "100", "Shop One")
	for i := range 40 {
		f.fb.AddMessage("100", fmt.Sprint(7000+i), "", facebooktest.FakeMessage{Text: "hi", At: t0.Add(-time.Duration(i+1) * time.Minute)})
	}
	// Every reading of the clock moves it 30 ms: conversations complete
	// far more often than progressEvery.
	var reads atomic.Int64
	f.poller.o.Now = func() time.Time { return t0.Add(time.Duration(reads.Add(1)) * 30 * time.Millisecond) }
	if err := f.poll(t).Err(); err != nil {
		t.Fatal(err)
	}
	progress := ofKind(f.polled.take(), PollProgress)
	mid := progress[1 : len(progress)-1] // without the page's start and end
	if len(mid) == 0 || len(mid) >= 40 {
		t.Fatalf("%d progress events within the page for 40 conversations, want some, throttled", len(mid))
	}
	for i := 1; i < len(mid); i++ {
		if gap := mid[i].At.Sub(mid[i-1].At); gap < progressEvery {
			t.Errorf("progress events %v apart, want at least %v", gap, progressEvery)
		}
	}
	for i := 1; i < len(progress); i++ {
		if progress[i].Progress.Conversations < progress[i-1].Progress.Conversations {
			t.Errorf("progress went backwards: %+v after %+v", progress[i].Progress, progress[i-1].Progress)
		}
	}
	if p := progress[len(progress)-1].Progress; p.Conversations != 40 || p.Messages != 40 {
		t.Errorf("page end %+v, want 40 conversations and messages", p)
	}
}

// TestPollThreeThrottledAnswersCostSeconds: a page whose calls Meta
// refuses three times in a row while saying the block is over
// (estimated_time_to_regain_access 0) must not keep a sync of three small
// pages busy for minutes: the poll retries after 2, 4 and 8 seconds, not
// the 5-minute default, announces each wait at once, and the other pages
// wait for nothing.
func TestPollThreeThrottledAnswersCostSeconds(t *testing.T) {
	f := newFixture(t)
	f.fb.SetClock(f.clock.Now)
	for _, id := range []string{"100", "200", "300"} {
		f.addPage(t, id, "Shop "+id)
		f.fb.AddMessage(id, "c"+id, "Customer", facebooktest.FakeMessage{ID: "m_" + id, Text: "hi", At: t0.Add(-time.Hour)})
	}
	f.fb.ThrottleCalls("100", 80001, 3)

	if err := f.poll(t).Err(); err != nil {
		t.Fatalf("poll: %v", err)
	}
	if got := storedMIDs(t, f, "m_100", "m_200", "m_300"); !got[0] || !got[1] || !got[2] {
		t.Errorf("stored %v, want every page's message", got)
	}
	var slept time.Duration
	for _, s := range f.clock.Sleeps() {
		slept += s
	}
	if want := 14 * time.Second; slept != want {
		t.Errorf("slept %v in all (%v), want %v: 2 s, 4 s and 8 s", slept, f.clock.Sleeps(), want)
	}
	waits := ofKind(f.polled.take(), RateLimitWait)
	if len(waits) != 3 {
		t.Fatalf("%d RateLimitWait events, want one per throttled answer: %+v", len(waits), waits)
	}
	for _, w := range waits {
		if w.Scope != "100" || w.PageID != "100" || w.Err != nil || !w.Until.After(w.At) || w.Until.Sub(w.At) > 8*time.Second {
			t.Errorf("RateLimitWait %+v, want page 100 waiting at most 8 s", w)
		}
	}
	if got := requestsAbout(f, "200", "c200") + requestsAbout(f, "300", "c300"); got != 4 {
		t.Errorf("%d requests for the other pages, want 2 each (page, list): none was throttled", got)
	}
}

// TestPollRateLimitWaitNamesTheScope: an app-level throttle (code 4) is
// announced as the app's, a page's as the page's; a block longer than the
// poll sits out is announced with the error that fails the page, whose
// text says until what local time.
func TestPollRateLimitWaitNamesTheScope(t *testing.T) {
	t.Run("app", func(t *testing.T) {
		f := newFixture(t)
		seedThrottle(t, f)
		f.fb.FailNext("/100", 0, 4, 0, nil)
		if err := f.poll(t, "100").Err(); err != nil {
			t.Fatal(err)
		}
		waits := ofKind(f.polled.take(), RateLimitWait)
		if len(waits) != 1 || waits[0].Scope != AppScope || !waits[0].Until.Equal(t0.Add(facebook.DefaultRetryAfter)) {
			t.Fatalf("waits %+v, want one for the app until the 5-minute default", waits)
		}
	})
	t.Run("too long", func(t *testing.T) {
		f := newFixture(t)
		seedThrottle(t, f)
		f.fb.Throttle("100", 80001, time.Hour)
		end := f.fb.ThrottledUntil("100")
		rep := f.poll(t, "100", "200")
		pages := reportsByPage(rep)
		terr, ok := errors.AsType[*ThrottledError](pages["100"].Err)
		if !ok || terr.Scope != "100" || !terr.Until.Equal(end) {
			t.Fatalf("page 100: %v, want a ThrottledError until %v", pages["100"].Err, end)
		}
		if msg := terr.Error(); !strings.Contains(msg, end.Local().Format("15:04:05")) {
			t.Errorf("%q does not say until what local time", msg)
		}
		if pages["200"].Err != nil {
			t.Errorf("page 200: %v", pages["200"].Err)
		}
		evs := f.polled.take()
		waits := ofKind(evs, RateLimitWait)
		if len(waits) != 1 || waits[0].Scope != "100" || !waits[0].Until.Equal(end) || !errors.Is(waits[0].Err, terr) {
			t.Fatalf("waits %+v, want one for page 100 carrying the page's error", waits)
		}
		fin := ofKind(evs, PollFinished)
		if len(fin) != 1 || !errors.Is(fin[0].Err, facebook.ErrRateLimited) {
			t.Errorf("PollFinished %+v, want the page's failure in Err", fin)
		}
	})
}

// TestPollTokenDeathIsAnnounced: a token Meta reports dead is announced
// as PageNeedsLogin, with the reason, as well as PageChanged.
func TestPollTokenDeathIsAnnounced(t *testing.T) {
	f := newFixture(t)
	seedShop(t, f)
	f.fb.KillToken("token-100", 460)
	f.poll(t)
	evs := f.polled.take()
	dead := ofKind(evs, PageNeedsLogin)
	if len(dead) != 1 || dead[0].PageID != "100" || !errors.Is(dead[0].Err, ErrNeedsLogin) || !errors.Is(dead[0].Err, facebook.ErrTokenInvalid) {
		t.Fatalf("PageNeedsLogin events %+v, want one for page 100", dead)
	}
	fin := ofKind(evs, PollFinished)
	if len(fin) != 1 || !errors.Is(fin[0].Err, ErrNeedsLogin) {
		t.Errorf("PollFinished %+v, want ErrNeedsLogin in Err", fin)
	}
}

func TestNeedsLoginCarriesItsFix(t *testing.T) {
	err := fmt.Errorf("page 100: %w", ErrNeedsLogin)
	if !errors.Is(err, ErrNeedsLogin) {
		t.Fatal("errors.Is does not find ErrNeedsLogin through a wrap")
	}
	f, ok := fix.Of(err)
	if !ok || f.Action != fix.SignInFacebook {
		t.Errorf("fix.Of = %+v, %v; want sign in to Facebook", f, ok)
	}
	if msg := err.(interface{ Unwrap() error }).Unwrap().(interface{ UserMessage() string }).UserMessage(); strings.Contains(msg, "merchant-inbox") {
		t.Errorf("the sentence names a command: %q", msg)
	}
}
