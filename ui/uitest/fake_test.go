package uitest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
	"github.com/merchant-inbox/merchant-inbox/ui"
)

var t0 = time.Date(2026, 12, 10, 12, 0, 0, 0, time.UTC)

func incoming(page, psid string, i int, at time.Time) store.Message {
	return store.Message{ID: fmt.Sprintf("m_%s_%d", psid, i), PageID: page, PSID: psid, Direction: store.Incoming, CreatedAt: at, Text: fmt.Sprintf("text %d", i)}
}

// A batch after a cursor continues where the last one ended even when a
// conversation became the newest in between, as a keyset cursor does.
func TestConversationsCursorIsAKeyset(t *testing.T) {
	ctx := context.Background()
	f := New(16)
	for i := range 5 {
		f.AddMessage(fmt.Sprint("C", i), incoming("p", fmt.Sprint("c", i), i, t0.Add(time.Duration(i)*time.Minute)), false)
	}
	first, next, err := f.Conversations(ctx, ui.ConversationQuery{Limit: 2})
	if err != nil || len(first) != 2 || next == "" {
		t.Fatalf("first batch = %d rows, next %q, err %v", len(first), next, err)
	}
	if first[0].PSID != "c4" || first[1].PSID != "c3" {
		t.Fatalf("first batch = %s, %s; want newest first (c4, c3)", first[0].PSID, first[1].PSID)
	}
	f.AddMessage("", incoming("p", "c0", 9, t0.Add(time.Hour)), false) // c0 jumps to the top
	rest, next, err := f.Conversations(ctx, ui.ConversationQuery{After: next, Limit: 10})
	if err != nil || next != "" {
		t.Fatalf("rest: next %q, err %v", next, err)
	}
	var got []string
	for _, c := range rest {
		got = append(got, c.PSID)
	}
	if fmt.Sprint(got) != "[c2 c1]" {
		t.Errorf("second batch = %v, want [c2 c1] (c0 moved above the cursor)", got)
	}
}

func TestMessagesPageBackwards(t *testing.T) {
	ctx := context.Background()
	f := New(256)
	ref := ui.ConversationRef{PageID: "p", PSID: "a"}
	for i := range 120 {
		f.AddMessage("A", incoming("p", "a", i, t0.Add(time.Duration(i)*time.Minute)), false)
	}
	latest, older, err := f.Messages(ctx, ref, "", 50)
	if err != nil || len(latest) != 50 || older == "" {
		t.Fatalf("latest = %d, older %q, err %v", len(latest), older, err)
	}
	if latest[0].ID != "m_a_70" || latest[49].ID != "m_a_119" {
		t.Errorf("latest = %s..%s, want m_a_70..m_a_119 oldest first", latest[0].ID, latest[49].ID)
	}
	mid, older, _ := f.Messages(ctx, ref, older, 50)
	last, end, _ := f.Messages(ctx, ref, older, 50)
	if mid[0].ID != "m_a_20" || len(last) != 20 || last[0].ID != "m_a_0" || end != "" {
		t.Errorf("paging: mid starts %s, last has %d from %s, end cursor %q", mid[0].ID, len(last), last[0].ID, end)
	}
	if _, _, err := f.Messages(ctx, ui.ConversationRef{PageID: "p", PSID: "nobody"}, "", 50); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown conversation: err %v, want ErrNotFound", err)
	}
}

func TestSearchNewestFirstWithPaging(t *testing.T) {
	ctx := context.Background()
	f := New(64)
	f.AddMessage("Ana", store.Message{ID: "1", PageID: "p", PSID: "a", Direction: store.Incoming, CreatedAt: t0, Text: "Linen dress?"}, false)
	f.AddMessage("Bea", store.Message{ID: "2", PageID: "q", PSID: "b", Direction: store.Incoming, CreatedAt: t0.Add(time.Minute), Text: "the LINEN one"}, false)
	f.AddMessage("Linnea", store.Message{ID: "3", PageID: "p", PSID: "l", Direction: store.Incoming, CreatedAt: t0.Add(2 * time.Minute), Text: "hi"}, false)

	hits, next, err := f.Search(ctx, ui.SearchQuery{Text: "lin", Limit: 2})
	if err != nil || len(hits) != 2 || next == "" {
		t.Fatalf("hits %d, next %q, err %v", len(hits), next, err)
	}
	if hits[0].Conversation.PSID != "l" || hits[0].Message != nil {
		t.Errorf("first hit = %+v, want Linnea by name", hits[0])
	}
	if hits[1].Message == nil || hits[1].Message.ID != "2" {
		t.Errorf("second hit = %+v, want message 2", hits[1])
	}
	more, next, _ := f.Search(ctx, ui.SearchQuery{Text: "lin", After: next, Limit: 2})
	if len(more) != 1 || more[0].Message.ID != "1" || next != "" {
		t.Errorf("second batch = %+v, next %q", more, next)
	}
	onP, _, _ := f.Search(ctx, ui.SearchQuery{Text: "linen", PageID: "q"})
	if len(onP) != 1 || onP[0].Conversation.PSID != "b" {
		t.Errorf("page filter: %+v", onP)
	}
}

// A reader that falls behind gets one Resync instead of the events it
// missed, and the fake never blocks the writer.
func TestEventsOverflowToOneResync(t *testing.T) {
	f := New(2)
	for i := range 10 {
		f.AddMessage("A", incoming("p", "a", i, t0.Add(time.Duration(i))), true)
	}
	var kinds []ui.EventKind
	for len(f.Events()) > 0 {
		kinds = append(kinds, (<-f.Events()).Kind)
	}
	if fmt.Sprint(kinds) != fmt.Sprint([]ui.EventKind{ui.MessageArrived, ui.MessageArrived, ui.Resync}) {
		t.Errorf("events = %v, want two messages then one resync", kinds)
	}
}

func TestMarkRead(t *testing.T) {
	ctx := context.Background()
	f := New(16)
	ref := ui.ConversationRef{PageID: "p", PSID: "a"}
	f.AddMessage("A", incoming("p", "a", 1, t0), true)
	f.AddMessage("A", incoming("p", "a", 2, t0.Add(time.Second)), true)
	f.DrainEvents()
	if c, _ := f.Conversation(ctx, ref); c.UnreadCount != 2 {
		t.Fatalf("unread = %d, want 2", c.UnreadCount)
	}
	if err := f.MarkRead(ctx, ref); err != nil {
		t.Fatal(err)
	}
	if c, _ := f.Conversation(ctx, ref); c.UnreadCount != 0 {
		t.Errorf("unread after MarkRead = %d", c.UnreadCount)
	}
	if ev := <-f.Events(); ev.Kind != ui.ConversationChanged || ev.Ref != ref {
		t.Errorf("event = %+v, want conversation-changed for %v", ev, ref)
	}
}
