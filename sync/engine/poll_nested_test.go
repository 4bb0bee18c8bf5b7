package engine

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook/facebooktest"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// messageCalls counts the calls a conversation made of its own since the
// before-th request.
func messageCalls(f *fixture, before int, pageID, psid string) int {
	n := 0
	for _, r := range f.fb.Requests()[before:] {
		if strings.HasSuffix(r.Path, "/"+facebooktest.ConversationID(pageID, psid)+"/messages") {
			n++
		}
	}
	return n
}

// TestNestedPageThatDoesNotReachBackPagesOn: after a first sync, a
// customer writes more messages than the list call nests. The poll pages
// on from the nested page's next and stops at the first message older
// than the last poll: one call of its own, however long the history.
func TestNestedPageThatDoesNotReachBackPagesOn(t *testing.T) {
	f := newFixture(t)
	seedShop(t, f) // Jane: 35 messages two days ago
	if err := f.poll(t).Err(); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(time.Hour)
	for i := range 15 {
		f.fb.AddMessage("100", "9001", "", facebooktest.FakeMessage{ID: fmt.Sprintf("m_burst_%02d", i), Text: "and another thing", At: f.clock.Now().Add(time.Duration(i) * time.Second)})
	}
	before := len(f.fb.Requests())
	rep := f.poll(t, "100")
	if err := rep.Err(); err != nil {
		t.Fatal(err)
	}
	if got := messageCalls(f, before, "100", "9001"); got != 1 {
		t.Errorf("Jane's 15 new messages took %d calls of her own, want 1: 10 nested, 5 in the next page", got)
	}
	if got := len(f.messages(t, "100", "9001")); got != 50 {
		t.Errorf("Jane has %d messages stored, want 50", got)
	}
	if p := rep.Pages[0]; p.Conversations != 1 || p.Messages != 15 {
		t.Errorf("report %+v, want 1 conversation and its 15 new messages (the older ones not counted again)", p)
	}
}

// TestWebhookStoredNewestDoesNotCutHistory: the app was off while Jane
// wrote; a webhook stored only her newest message. The first sync still
// reads her whole history: it stops at the last poll's time, never at a
// message a webhook happened to store.
func TestWebhookStoredNewestDoesNotCutHistory(t *testing.T) {
	f := newFixture(t)
	seedShop(t, f)
	if _, err := f.st.Apply(t.Context(), store.Changes{Messages: []store.Message{{
		ID: "m_jane_34", PageID: "100", PSID: "9001", Direction: store.Incoming, CreatedAt: t0.Add(-48*time.Hour + 34*time.Minute), Text: "jane 34",
	}}}); err != nil {
		t.Fatal(err)
	}
	if err := f.poll(t).Err(); err != nil {
		t.Fatal(err)
	}
	if got := len(f.messages(t, "100", "9001")); got != 35 {
		t.Errorf("%d of Jane's messages stored, want all 35", got)
	}
	if got := len(ofKind(f.polled.take(), MessageStored)); got != 37 {
		t.Errorf("%d messages announced, want the 37 the webhook had not stored", got)
	}
}

// TestRetriedConversationReadsNested: a conversation read again on its own
// is read by its id with its messages nested, like the list reads it.
func TestRetriedConversationReadsNested(t *testing.T) {
	f := newFixture(t)
	psids := bigPage(t, f, 3)
	broken := facebooktest.ConversationID("100", psids[1])
	if err := f.st.PutSyncState(t.Context(), store.SyncState{PageID: "100", LastSuccess: t0.Add(-time.Hour),
		Checkpoint: &store.SyncCheckpoint{Walked: true, Retry: []store.SyncRetry{{ConversationID: broken}}}}); err != nil {
		t.Fatal(err)
	}
	if err := f.poll(t).Err(); err != nil {
		t.Fatal(err)
	}
	var read bool
	for _, r := range f.fb.Requests() {
		if strings.HasSuffix(r.Path, "/"+broken) {
			read = strings.Contains(r.Query.Get("fields"), "messages.limit(10)")
		}
	}
	if !read {
		t.Error("the retried conversation was not read by its id with nested messages")
	}
	if got := storedMIDs(t, f, "m_1_a", "m_1_b"); !got[0] || !got[1] {
		t.Errorf("the retried conversation's messages: %v, want both", got)
	}
	if got := messageCalls(f, 0, "100", psids[1]); got != 0 {
		t.Errorf("%d calls of its own, want none: the nested page held its two messages", got)
	}
}
