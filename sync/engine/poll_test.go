package engine

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
	"github.com/merchant-inbox/merchant-inbox/sync/facebook/facebooktest"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// seedShop gives page 100 three customers (one with 35 messages, so its
// messages span four Graph pages of 10) and page 200 one customer.
func seedShop(t *testing.T, f *fixture) {
	f.addPage(t, "100", "Shop One")
	f.addPage(t, "200", "Shop Two")
	for i := range 35 {
		f.fb.AddMessage("100", "9001", "Jane", facebooktest.FakeMessage{
			ID: fmt.Sprintf("m_jane_%02d", i), Text: fmt.Sprintf("jane %d", i),
			At: t0.Add(-48*time.Hour + time.Duration(i)*time.Minute), FromPage: i%2 == 1,
		})
	}
	f.fb.AddMessage("100", "9002", "Omar", facebooktest.FakeMessage{ID: "m_omar_1", Text: "is the blue one in stock?", At: t0.Add(-30 * time.Hour)})
	f.fb.AddMessage("100", "9003", "Li", facebooktest.FakeMessage{ID: "m_li_1", Text: "photo", At: t0.Add(-20 * time.Hour),
		Attachments: []facebooktest.FakeAttachment{{MimeType: "image/jpeg", Name: "shirt.jpg", URL: "https://cdn.example/shirt.jpg"}}})
	f.fb.AddMessage("200", "9101", "Ana", facebooktest.FakeMessage{ID: "m_ana_1", Text: "hello", At: t0.Add(-10 * time.Hour)})
}

func TestPollFullSync(t *testing.T) {
	f := newFixture(t)
	seedShop(t, f)

	rep := f.poll(t)
	if err := rep.Err(); err != nil {
		t.Fatalf("poll failed: %v", err)
	}
	if got, want := f.stats(t), (store.Stats{Pages: 2, Conversations: 4, Messages: 38}); got != want {
		t.Fatalf("stats %+v, want %+v", got, want)
	}

	jane := f.messages(t, "100", "9001")
	if len(jane) != 35 {
		t.Fatalf("%d of Jane's messages stored, want 35", len(jane))
	}
	for i, m := range jane {
		if want := fmt.Sprintf("m_jane_%02d", i); m.ID != want {
			t.Fatalf("message %d is %s, want %s (oldest first)", i, m.ID, want)
		}
		want := store.Incoming
		if i%2 == 1 {
			want = store.Outgoing
		}
		if m.Direction != want {
			t.Errorf("%s direction %q, want %q", m.ID, m.Direction, want)
		}
	}
	// The newest 10 came nested in the list; the other 25 take three
	// pages of their own.
	if got := f.requests(facebooktest.ConversationID("100", "9001") + "/messages"); got != 3 {
		t.Errorf("Jane's messages took %d requests of their own, want 3 pages of 10", got)
	}
	for _, id := range []string{"9002", "9003"} {
		if got := f.requests(facebooktest.ConversationID("100", id) + "/messages"); got != 0 {
			t.Errorf("a one-message conversation took %d requests of its own, want 0", got)
		}
	}

	li := f.messages(t, "100", "9003")
	if len(li) != 1 || len(li[0].Attachments) != 1 || li[0].Attachments[0].URL != "https://cdn.example/shirt.jpg" {
		t.Errorf("Li's attachment not stored: %+v", li)
	}
	conv, err := f.st.Conversation(t.Context(), "100", "9002")
	if err != nil {
		t.Fatal(err)
	}
	if conv.CustomerName != "Omar" || conv.ID != facebooktest.ConversationID("100", "9002") {
		t.Errorf("conversation %+v: want customer Omar and its Graph id", conv)
	}
	pg, err := f.st.Page(t.Context(), "200")
	if err != nil || pg.Name != "Shop Two" {
		t.Errorf("page 200 = %+v, %v; want its name from Graph", pg, err)
	}
	ss, err := f.st.SyncState(t.Context(), "100")
	if err != nil || !ss.LastSuccess.Equal(t0) || ss.LastError != "" {
		t.Errorf("sync state %+v, %v; want last success at the poll's start", ss, err)
	}
	last, err := f.st.LastFullPoll(t.Context())
	if err != nil || !last.Equal(t0) {
		t.Errorf("last full poll %v, %v; want %v", last, err, t0)
	}
}

func TestPollIncrementalFetchesOnlyWhatChanged(t *testing.T) {
	f := newFixture(t)
	f.addPage(t, "100", "Shop One")
	// 25 conversations, one a day: three Graph pages of 10.
	for i := range 25 {
		psid := fmt.Sprint(5000 + i)
		f.fb.AddMessage("100", psid, "c"+psid, facebooktest.FakeMessage{Text: "hi", At: t0.Add(-time.Duration(i+1) * 24 * time.Hour)})
	}
	f.poll(t)
	if got := f.requests("/100/conversations"); got != 3 {
		t.Fatalf("first poll read %d pages of conversations, want all 3", got)
	}
	before := len(f.fb.Requests())

	f.clock.Advance(6 * time.Hour)
	f.fb.AddMessage("100", "5007", "", facebooktest.FakeMessage{ID: "m_new", Text: "still there?", At: t0.Add(2 * time.Hour)})
	rep := f.poll(t)
	if err := rep.Err(); err != nil {
		t.Fatal(err)
	}

	var convReqs, msgReqs []string
	for _, r := range f.fb.Requests()[before:] {
		switch {
		case strings.HasSuffix(r.Path, "/conversations"):
			convReqs = append(convReqs, r.Path)
		case strings.HasSuffix(r.Path, "/messages"):
			msgReqs = append(msgReqs, r.Path)
		}
	}
	if len(convReqs) != 1 {
		t.Errorf("incremental poll read %d pages of conversations, want 1 (stop at the first unchanged)", len(convReqs))
	}
	// The new message came nested in the list page: no call of its own.
	if len(msgReqs) != 0 {
		t.Errorf("incremental poll read messages of %v, want none: the list page carried the new one", msgReqs)
	}
	if rep.Pages[0].Conversations != 1 || rep.Pages[0].Messages != 1 {
		t.Errorf("report %+v: want 1 conversation, 1 message", rep.Pages[0])
	}
	if _, err := f.st.Message(t.Context(), "m_new"); err != nil {
		t.Errorf("new message not stored: %v", err)
	}

	// Nothing new: the page's details and one list call.
	f.clock.Advance(6 * time.Hour)
	before = len(f.fb.Requests())
	if err := f.poll(t).Err(); err != nil {
		t.Fatal(err)
	}
	if got := len(f.fb.Requests()) - before; got != 2 {
		t.Errorf("a poll that finds nothing new made %d calls, want 2: the page and one list page", got)
	}
}

func TestPollDeadTokenMarksPageAndStopsCalling(t *testing.T) {
	f := newFixture(t)
	seedShop(t, f)
	f.fb.KillToken("token-100", 463)

	rep := f.poll(t)
	byPage := map[string]PageReport{}
	for _, p := range rep.Pages {
		byPage[p.PageID] = p
	}
	if !errors.Is(byPage["100"].Err, ErrNeedsLogin) {
		t.Fatalf("page 100 error %v, want ErrNeedsLogin", byPage["100"].Err)
	}
	if byPage["200"].Err != nil {
		t.Fatalf("page 200 failed too: %v", byPage["200"].Err)
	}
	if msgs := f.messages(t, "200", "9101"); len(msgs) != 1 {
		t.Errorf("page 200 not synced: %d messages", len(msgs))
	}
	pg, err := f.st.Page(t.Context(), "100")
	if err != nil || !pg.NeedsLogin {
		t.Fatalf("page 100 = %+v, %v; want NeedsLogin", pg, err)
	}
	if last, _ := f.st.LastFullPoll(t.Context()); !last.IsZero() {
		t.Errorf("a poll with a failed page recorded a full poll at %v", last)
	}

	before := f.requests("/100")
	rep = f.poll(t)
	if got := f.requests("/100") - before; got != 0 {
		t.Errorf("second poll sent %d requests for the dead page, want 0", got)
	}
	if !errors.Is(rep.Pages[0].Err, ErrNeedsLogin) {
		t.Errorf("second poll: page 100 error %v, want ErrNeedsLogin", rep.Pages[0].Err)
	}
	for _, p := range rep.Pages {
		if p.Err != nil && strings.Contains(p.Err.Error(), "token-100") {
			t.Errorf("error text leaks the token: %v", p.Err)
		}
	}
}

func TestPollMissingTokenFailsOnlyThatPage(t *testing.T) {
	f := newFixture(t)
	seedShop(t, f)
	if _, err := f.st.AddPage(t.Context(), "300"); err != nil {
		t.Fatal(err)
	}
	rep := f.poll(t)
	for _, p := range rep.Pages {
		switch {
		case p.PageID == "300" && !errors.Is(p.Err, ErrNoToken):
			t.Errorf("page 300: %v, want ErrNoToken", p.Err)
		case p.PageID != "300" && p.Err != nil:
			t.Errorf("page %s: %v", p.PageID, p.Err)
		}
	}
}

func TestPollRateLimitBacksOff(t *testing.T) {
	tests := []struct {
		name     string
		code     int
		headers  map[string]string
		wantWait time.Duration
		wantFail bool
	}{
		{
			name: "messenger limit with regain estimate",
			code: 80006,
			headers: map[string]string{"X-Business-Use-Case-Usage": facebooktest.BusinessUsage{
				BusinessID: "100", Type: "messenger", Usage: facebooktest.Usage{CallCount: 100}, RegainAccess: 3 * time.Minute,
			}.JSON()},
			wantWait: 3 * time.Minute,
		},
		{name: "app limit without estimate", code: 4, wantWait: facebook.DefaultRetryAfter},
		{
			name: "page limit beyond the longest wait",
			code: 32,
			headers: map[string]string{"X-Business-Use-Case-Usage": facebooktest.BusinessUsage{
				BusinessID: "100", Type: "pages", Usage: facebooktest.Usage{TotalTime: 100}, RegainAccess: 45 * time.Minute,
			}.JSON()},
			wantFail: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.addPage(t, "100", "Shop One")
			f.fb.AddMessage("100", "9001", "Jane", facebooktest.FakeMessage{ID: "m_1", Text: "hi", At: t0.Add(-time.Hour)})
			f.fb.FailNext("/100/conversations", 0, tt.code, 0, tt.headers)

			rep := f.poll(t)
			err := rep.Err()
			if tt.wantFail {
				if !errors.Is(err, facebook.ErrRateLimited) {
					t.Fatalf("poll error %v, want ErrRateLimited", err)
				}
				if s := f.clock.Sleeps(); len(s) != 0 {
					t.Errorf("slept %v for a pause longer than the limit", s)
				}
				if got := f.requests("/100/conversations"); got != 1 {
					t.Errorf("%d conversation requests, want 1: no retry while blocked", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("poll failed: %v", err)
			}
			sleeps := f.clock.Sleeps()
			if len(sleeps) != 1 || sleeps[0] < tt.wantWait {
				t.Errorf("slept %v, want one pause of at least %v", sleeps, tt.wantWait)
			}
			if got := f.requests("/100/conversations"); got != 2 {
				t.Errorf("%d conversation requests, want 2 (the limited one and one retry)", got)
			}
			if _, err := f.st.Message(t.Context(), "m_1"); err != nil {
				t.Errorf("message not stored after the backoff: %v", err)
			}
		})
	}
}

func TestPollRejectsConcurrentPoll(t *testing.T) {
	f := newFixture(t)
	f.poller.running.Lock()
	_, err := f.poller.Poll(t.Context())
	f.poller.running.Unlock()
	if !errors.Is(err, ErrPollRunning) {
		t.Fatalf("second poll: %v, want ErrPollRunning", err)
	}
}

func TestRefreshPageAfterChange(t *testing.T) {
	f := newFixture(t)
	f.addPage(t, "100", "Shop One")
	f.fb.AddPage("100", "Shop One Renamed", "Clothing", "")
	if err := f.poller.RefreshPage(t.Context(), "100"); err != nil {
		t.Fatal(err)
	}
	pg, err := f.st.Page(t.Context(), "100")
	if err != nil || pg.Name != "Shop One Renamed" || pg.Category != "Clothing" {
		t.Fatalf("page %+v, %v; want the new name and category", pg, err)
	}
}
