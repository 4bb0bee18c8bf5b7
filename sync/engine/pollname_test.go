package engine

import (
	"errors"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
	"github.com/merchant-inbox/merchant-inbox/sync/facebook/facebooktest"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// webhookConversation stores what a webhook would for psid: a message and
// a conversation without a name.
func webhookConversation(t *testing.T, f *fixture, psid string) {
	t.Helper()
	at := t0.Add(-time.Minute)
	if _, err := f.st.Apply(t.Context(), store.Changes{Messages: []store.Message{{
		ID: "m_wh_" + psid, PageID: "100", PSID: psid, Direction: store.Incoming, CreatedAt: at, Text: "do you have it in red?",
	}}}); err != nil {
		t.Fatal(err)
	}
	f.fb.AddMessage("100", psid, map[string]string{"9001": "Jane Doe", "9002": "Hidden Person"}[psid], facebooktest.FakeMessage{ID: "m_wh_" + psid, Text: "do you have it in red?", At: at})
}

func TestNameCustomer(t *testing.T) {
	f := newFixture(t)
	f.addPage(t, "100", "Shop One")
	webhookConversation(t, f, "9001")
	before, err := f.st.Conversation(t.Context(), "100", "9001")
	if err != nil || before.CustomerName != "" {
		t.Fatalf("conversation before %+v, %v: want one without a name", before, err)
	}

	if err := f.poller.NameCustomer(t.Context(), "100", "9001"); err != nil {
		t.Fatal(err)
	}
	after, err := f.st.Conversation(t.Context(), "100", "9001")
	if err != nil || after.CustomerName != "Jane Doe" {
		t.Fatalf("conversation after %+v, %v: want Jane Doe", after, err)
	}
	if after.Snippet != before.Snippet || !after.UpdatedAt.Equal(before.UpdatedAt) {
		t.Errorf("naming changed the conversation: %+v, was %+v", after, before)
	}
	if evs := f.polled.take(); len(evs) != 1 || evs[0].Kind != ConversationChanged || evs[0].PSID != "9001" {
		t.Errorf("events %+v, want one ConversationChanged", evs)
	}

	// Named already: no call.
	calls := len(f.fb.Requests())
	if err := f.poller.NameCustomer(t.Context(), "100", "9001"); err != nil || len(f.fb.Requests()) != calls {
		t.Errorf("naming a named conversation: %v, %d calls", err, len(f.fb.Requests())-calls)
	}
	if err := f.poller.NameCustomer(t.Context(), "100", "nobody"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown conversation: %v, want ErrNotFound", err)
	}
}

func TestNameCustomerFailures(t *testing.T) {
	t.Run("hidden profile", func(t *testing.T) {
		f := newFixture(t)
		f.addPage(t, "100", "Shop One")
		webhookConversation(t, f, "9002")
		f.fb.HideProfile("100", "9002")
		err := f.poller.NameCustomer(t.Context(), "100", "9002")
		if ge, ok := errors.AsType[*facebook.Error](err); !ok || ge.Code != 100 {
			t.Errorf("err %v, want Graph's refusal", err)
		}
		if c, _ := f.st.Conversation(t.Context(), "100", "9002"); c.CustomerName != "" {
			t.Errorf("name %q stored", c.CustomerName)
		}
		if evs := f.polled.take(); len(evs) != 0 {
			t.Errorf("events %+v, want none", evs)
		}
	})
	t.Run("throttled", func(t *testing.T) {
		f := newFixture(t)
		f.fb.SetClock(f.clock.Now)
		f.addPage(t, "100", "Shop One")
		webhookConversation(t, f, "9001")
		f.fb.Throttle("100", 80001, 3*time.Minute)
		if err := f.poller.NameCustomer(t.Context(), "100", "9001"); !errors.Is(err, facebook.ErrRateLimited) {
			t.Errorf("err %v, want ErrRateLimited", err)
		}
		if s := f.clock.Sleeps(); len(s) != 0 {
			t.Errorf("slept %v: naming must not wait out a throttle", s)
		}
	})
	t.Run("dead token", func(t *testing.T) {
		f := newFixture(t)
		f.addPage(t, "100", "Shop One")
		webhookConversation(t, f, "9001")
		f.fb.KillToken("token-100", 460)
		if err := f.poller.NameCustomer(t.Context(), "100", "9001"); !errors.Is(err, ErrNeedsLogin) {
			t.Errorf("err %v, want ErrNeedsLogin", err)
		}
		if pg, _ := f.st.Page(t.Context(), "100"); !pg.NeedsLogin {
			t.Error("page not marked as needing sign-in")
		}
		if got := ofKind(f.polled.take(), PageNeedsLogin); len(got) != 1 {
			t.Errorf("PageNeedsLogin events %+v, want one", got)
		}
		calls := len(f.fb.Requests())
		if err := f.poller.NameCustomer(t.Context(), "100", "9001"); !errors.Is(err, ErrNeedsLogin) || len(f.fb.Requests()) != calls {
			t.Errorf("again: %v after %d calls, want ErrNeedsLogin and none", err, len(f.fb.Requests())-calls)
		}
	})
}
