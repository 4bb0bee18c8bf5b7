package app

import (
	"strings"
	"testing"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
	"github.com/merchant-inbox/merchant-inbox/ui"
)

// newReplyBridge is the window's bridge over the engine of a harness
// seeded with seedReply: 9003 wrote an hour ago, 9001 and 9002 two days
// ago.
func newReplyBridge(t *testing.T) (*harness, *bridge) {
	t.Helper()
	h := newHarness(t)
	h.seedReply()
	_, st, eng := engineFor(t, h, nil)
	return h, &bridge{eng: eng, st: st}
}

func TestBridgeSendsThroughTheEngine(t *testing.T) {
	h, b := newReplyBridge(t)
	ctx := t.Context()
	lea := ui.ConversationRef{PageID: "100", PSID: "9003"}

	m, err := b.Send(ctx, ui.SendRequest{Ref: lea, Text: "Yes, back since Monday"})
	if err != nil {
		t.Fatal(err)
	}
	sent := h.fb.Sent()
	if len(sent) != 1 || sent[0].MessageID != m.ID || m.Direction != store.Outgoing {
		t.Fatalf("sent %+v, returned %+v", sent, m)
	}
	if got, err := b.st.Message(ctx, m.ID); err != nil || got.Text != "Yes, back since Monday" {
		t.Errorf("stored %+v, %v: want the reply stored under Meta's id before Send returns", got, err)
	}

	// Two days after Omar wrote, a plain reply is refused before any
	// call, in a sentence that says how to send it anyway.
	omar := ui.ConversationRef{PageID: "100", PSID: "9002"}
	_, err = b.Send(ctx, ui.SendRequest{Ref: omar, Text: "Sorry for the wait"})
	if err == nil || !strings.Contains(err.Error(), "human-agent reply is still possible") ||
		!strings.Contains(err.Error(), "Reply as human agent") {
		t.Errorf("outside the 24 hours: %v", err)
	}
	if n := len(h.fb.Sent()); n != 1 {
		t.Errorf("%d sends reached Meta, want 1", n)
	}
	if _, err := b.Send(ctx, ui.SendRequest{Ref: omar, Text: "Sorry for the wait", HumanAgent: true}); err != nil {
		t.Errorf("human-agent reply: %v", err)
	}
	if s := h.fb.Sent(); len(s) != 2 || s[1].Tag != "HUMAN_AGENT" {
		t.Errorf("sent %+v, want the second tagged HUMAN_AGENT", s)
	}
}

// The window's draft, failed cards included, is what the store keeps,
// and a card kept in the draft is sent as it was made.
func TestBridgeDraftsKeepFailedCards(t *testing.T) {
	h, b := newReplyBridge(t)
	ctx := t.Context()
	lea := ui.ConversationRef{PageID: "100", PSID: "9003"}
	card := &store.Card{Title: "Blue mug", Subtitle: "12.00 EUR", URL: "https://shop.example/products/blue-mug", Button: "View"}
	d := ui.Draft{Text: "half typed", Failed: []ui.FailedSend{{
		ID: "local_1", Reason: "Messenger is limiting this page's messages until 10:42; try again then",
		Request: ui.SendRequest{Ref: lea, Card: card},
	}}}
	if err := b.SaveDraft(ctx, lea, d); err != nil {
		t.Fatal(err)
	}
	got, err := b.Draft(ctx, lea)
	if err != nil {
		t.Fatal(err)
	}
	if got.Text != "half typed" || len(got.Failed) != 1 || got.Failed[0].ID != "local_1" ||
		got.Failed[0].Request.Card == nil || *got.Failed[0].Request.Card != *card || got.Failed[0].Request.Ref != lea {
		t.Fatalf("draft read back %+v", got)
	}
	if _, err := b.Send(ctx, got.Failed[0].Request); err != nil {
		t.Fatal(err)
	}
	if s := h.fb.Sent(); len(s) != 1 || !strings.Contains(string(s[0].Template), `"title":"Blue mug"`) {
		t.Errorf("sent %+v, want the kept card", s)
	}
	if err := b.SaveDraft(ctx, lea, ui.Draft{}); err != nil {
		t.Fatal(err)
	}
	if got, _ := b.Draft(ctx, lea); !got.IsZero() {
		t.Errorf("a zero draft saved left %+v", got)
	}
}

func TestBridgeShopWithoutAConnection(t *testing.T) {
	_, b := newReplyBridge(t)
	sh, err := b.Shop(t.Context())
	if err != nil || sh != (store.Shop{}) {
		t.Errorf("no shop connected: %+v, %v; want a zero shop", sh, err)
	}
	ps, err := b.Products(t.Context(), ui.ProductQuery{Text: "mug", Limit: 10})
	if err != nil || len(ps) != 0 {
		t.Errorf("products without a shop: %v, %v", ps, err)
	}
}

// A failed send is kept under the window's id for it, the entry the
// window saves too, and a retry under that id that goes through drops it:
// the draft never holds the same failure twice.
func TestBridgeFailuresUnderTheWindowsID(t *testing.T) {
	_, b := newReplyBridge(t)
	ctx := t.Context()
	omar := ui.ConversationRef{PageID: "100", PSID: "9002"} // wrote two days ago
	req := ui.SendRequest{ID: "local-abc-1", Ref: omar, Text: "Sorry for the wait"}
	_, err := b.Send(ctx, req)
	if err == nil {
		t.Fatal("a plain reply two days late was sent")
	}
	d, err := b.Draft(ctx, omar)
	if err != nil || len(d.Failed) != 1 || d.Failed[0].ID != "local-abc-1" {
		t.Fatalf("draft after the failure: %+v, %v; want it kept under the window's id", d, err)
	}
	// The window saves the same failure: still one.
	if err := b.SaveDraft(ctx, omar, ui.Draft{Failed: []ui.FailedSend{{ID: req.ID, Request: req, Reason: "x"}}}); err != nil {
		t.Fatal(err)
	}
	if d, _ := b.Draft(ctx, omar); len(d.Failed) != 1 {
		t.Fatalf("draft after the window saved it: %+v", d)
	}
	req.HumanAgent = true
	if _, err := b.Send(ctx, req); err != nil {
		t.Fatal(err)
	}
	if d, _ := b.Draft(ctx, omar); len(d.Failed) != 0 {
		t.Errorf("draft after the retry went through: %+v", d)
	}
}
