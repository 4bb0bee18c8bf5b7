package ui_test

import (
	"context"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
	"github.com/merchant-inbox/merchant-inbox/ui"
	"github.com/merchant-inbox/merchant-inbox/ui/uitest"
)

func searchInbox() *uitest.Fake {
	f := uitest.New(64)
	f.AddPage(store.Page{ID: "p1", Name: "Lila"})
	f.AddMessage("Ana", message("p1", "ana", "a1", store.Incoming, now.Add(-3*time.Hour), "Is the linen dress in stock?"), false)
	f.AddMessage("", message("p1", "ana", "a2", store.Outgoing, now.Add(-2*time.Hour), "Yes! The linen one comes in three colours"), false)
	f.AddMessage("Bea", message("p1", "bea", "b1", store.Incoming, now.Add(-time.Hour), "Do you ship to Porto?"), false)
	f.AddMessage("Linnea", message("p1", "lin", "l1", store.Incoming, now.Add(-10*time.Minute), "hi"), false)
	return f
}

// Typing is searched once it pauses, not on every key; hits come newest
// first, each with the message that matched.
func TestSearchIsDebounced(t *testing.T) {
	f := searchInbox()
	h := ui.NewHarness(t, f, ui.HarnessOptions{Pauses: true}).Start().Loaded()
	h.UI(func() { h.TypeSearch("linen") })

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	h.Clock.BlockUntilContext(ctx, 2) // the minute tick, and the loop waiting for the pause
	if n := f.Reads("Search"); n != 0 {
		t.Fatalf("searched %d times while typing, want none yet", n)
	}
	h.Clock.Advance(300 * time.Millisecond)
	h.Eventually("hits", func() bool { return len(h.Rows()) == 2 })
	h.UI(func() {
		rows := h.Rows()
		if rows[0].Name != "Ana" || rows[0].Snippet != "You: Yes! The linen one comes in three colours" || rows[0].When != "13:30" {
			t.Errorf("first hit = %+v, want Ana's reply of 13:30", rows[0])
		}
		if rows[1].Name != "Ana" || rows[1].Snippet != "Is the linen dress in stock?" {
			t.Errorf("second hit = %+v, want Ana's question", rows[1])
		}
	})
	if n := f.Reads("Search"); n != 1 {
		t.Errorf("searched %d times for one pause, want 1", n)
	}
}

func TestSearchNoHitsAndBack(t *testing.T) {
	f := searchInbox()
	h := ui.NewHarness(t, f, ui.HarnessOptions{}).Start().Loaded()
	h.UI(func() { h.Search("zebra") })
	h.Eventually("no hits", func() bool { return h.ListNote() == "No conversations match “zebra”" })
	h.UI(func() { h.Search("") })
	h.Eventually("the inbox again", func() bool { return len(h.Rows()) == 3 && h.ListNote() == "" })
}

// What is typed in the search box survives live updates.
func TestSearchTextSurvivesLiveUpdates(t *testing.T) {
	f := searchInbox()
	h := ui.NewHarness(t, f, ui.HarnessOptions{}).Start().Loaded()
	h.UI(func() { h.TypeSearch("lin") })
	h.Eventually("hits for lin", func() bool { return len(h.Rows()) == 3 })
	applied := h.Applied()
	f.AddMessage("", message("p1", "bea", "b2", store.Incoming, now, "and linen napkins?"), true)
	h.Eventually("the new hit", func() bool { return h.Applied() > applied && len(h.Rows()) == 4 })
	h.UI(func() {
		if got := h.SearchText(); got != "lin" {
			t.Errorf("search box holds %q after an update, want %q", got, "lin")
		}
		if rows := h.Rows(); rows[0].Name != "Bea" {
			t.Errorf("newest hit = %+v, want Bea's new message", rows[0])
		}
	})
}
