package ui_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
	"github.com/merchant-inbox/merchant-inbox/ui"
	"github.com/merchant-inbox/merchant-inbox/ui/uitest"
)

// notifyHarness runs the app in the tray with its window hidden, where
// live messages notify. The loop has no timers of its own (no pauses), so
// the fake clock's waiters are the minute tick and the notifier.
func notifyHarness(t *testing.T) (*ui.Harness, *uitest.Fake) {
	f := uitest.New(4096)
	f.AddPage(store.Page{ID: "p1", Name: "Lila"})
	h := ui.NewHarness(t, f, ui.HarnessOptions{Tray: true, StartHidden: true}).Start().Loaded()
	return h, f
}

// notifierWaits blocks until the notifier sleeps on the fake clock.
func notifierWaits(t *testing.T, h *ui.Harness) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := h.Clock.BlockUntilContext(ctx, 2); err != nil {
		t.Fatal("the notifier never waited:", err)
	}
}

// pending waits until the notifier holds n messages: the loop has passed
// them on. (A row showing a message is not enough: the loop may have
// read the store before it read the message's event.)
func pending(h *ui.Harness, n int) {
	h.T.Helper()
	h.Eventually(fmt.Sprint(n, " messages waiting to notify"), func() bool { return h.NotesPending() == n })
}

// noted waits until the loop has seen a message (its row shows it).
func noted(h *ui.Harness, snippet string) {
	h.T.Helper()
	h.Eventually("the row of "+snippet, func() bool {
		for _, r := range h.Rows() {
			if strings.HasSuffix(r.Snippet, snippet) {
				return true
			}
		}
		return false
	})
}

func TestNotifyOneMessage(t *testing.T) {
	h, f := notifyHarness(t)
	long := "Hello! I would like to know whether the linen dress in the window comes in sage green, and if so, in which sizes please"
	f.AddMessage("Ana Souza", message("p1", "ana", "m1", store.Incoming, now, long), true)
	pending(h, 1)
	notifierWaits(t, h)
	if n := len(h.Notes()); n != 0 {
		t.Fatalf("%d notifications before the gather pause ended", n)
	}
	h.Clock.Advance(2 * time.Second)
	h.Eventually("a notification", func() bool { return len(h.Notes()) == 1 })
	n := h.Notes()[0]
	if n.Title != "Ana Souza" {
		t.Errorf("title = %q, want the customer's name", n.Title)
	}
	if !strings.HasSuffix(n.Content, "…") || len([]rune(n.Content)) > 101 || !strings.HasPrefix(long, strings.TrimSuffix(n.Content, "…")) {
		t.Errorf("content = %q, want the text cut to about 100 characters", n.Content)
	}
}

// Several messages within the pause are one notification; what comes in
// the quiet gap after it is summed up in the next.
func TestNotifyCoalesces(t *testing.T) {
	h, f := notifyHarness(t)
	f.AddMessage("Ana", message("p1", "ana", "m1", store.Incoming, now, "one"), true)
	f.AddMessage("Bea", message("p1", "bea", "m2", store.Incoming, now.Add(time.Second), "two"), true)
	f.AddMessage("", message("p1", "ana", "m3", store.Incoming, now.Add(2*time.Second), "three"), true)
	pending(h, 3)
	notifierWaits(t, h)
	h.Clock.Advance(2 * time.Second)
	h.Eventually("one notification", func() bool { return len(h.Notes()) == 1 })
	if n := h.Notes()[0]; n.Title != "Merchant Inbox" || n.Content != "3 new messages from 2 customers" {
		t.Errorf("notification = %q: %q", n.Title, n.Content)
	}

	f.AddMessage("", message("p1", "ana", "m4", store.Incoming, now.Add(3*time.Second), "four"), true)
	f.AddMessage("", message("p1", "ana", "m5", store.Incoming, now.Add(4*time.Second), "five"), true)
	pending(h, 2)
	notifierWaits(t, h) // in the gap
	h.Clock.Advance(4 * time.Second)
	if n := len(h.Notes()); n != 1 {
		t.Fatalf("%d notifications inside the gap, want still 1", n)
	}
	h.Clock.Advance(time.Second)
	h.Eventually("the summary", func() bool { return len(h.Notes()) == 2 })
	if n := h.Notes()[1]; n.Title != "Ana" || n.Content != "2 new messages: five" {
		t.Errorf("summary = %q: %q", n.Title, n.Content)
	}
}

// A burst of a thousand messages is a notification or two, not a
// thousand.
func TestNotifyBurst(t *testing.T) {
	h, f := notifyHarness(t)
	for i := range 1000 {
		f.AddMessage(fmt.Sprint("C", i%7), message("p1", fmt.Sprint("c", i%7), fmt.Sprint("m", i), store.Incoming, now.Add(time.Duration(i)*time.Millisecond), fmt.Sprint("burst ", i)), true)
	}
	pending(h, 1000)
	notifierWaits(t, h)
	h.Clock.Advance(2 * time.Second)
	h.Eventually("one notification", func() bool { return len(h.Notes()) == 1 })
	if n := h.Notes()[0]; n.Content != "1000 new messages from 7 customers" {
		t.Errorf("notification = %q", n.Content)
	}
}

// No notification for the merchant's own messages and echoes, for a
// poll importing history, or while the merchant looks at the window.
func TestNotifySkips(t *testing.T) {
	h, f := notifyHarness(t)
	f.AddMessage("Ana", message("p1", "ana", "m1", store.Outgoing, now, "our reply"), true)
	f.AddMessage("Bea", message("p1", "bea", "m2", store.Incoming, now, "old, from a poll"), false)
	f.AddMessage("Cy", message("p1", "cy", "m0", store.Incoming, now, "news"), true)
	pending(h, 1) // the loop has read all three events, in order
	notifierWaits(t, h)
	h.Clock.Advance(2 * time.Second)
	h.Eventually("a notification", func() bool { return len(h.Notes()) == 1 })
	if n := h.Notes()[0]; n.Title != "Cy" || n.Content != "news" {
		t.Errorf("notification = %q: %q, want Cy's news alone", n.Title, n.Content)
	}
	notifierWaits(t, h) // in the gap
	h.Clock.Advance(5 * time.Second)

	h.App.ShowWindow()
	h.Eventually("the window shown", h.Visible)
	f.AddMessage("", message("p1", "bea", "m3", store.Incoming, now, "while you look"), true)
	noted(h, "while you look")
	if n := h.NotesPending(); n != 0 {
		t.Errorf("%d messages queued while the window has the focus, want none", n)
	}

	// Shown but another app has the focus: that is not looking.
	h.UI(func() { h.SetForeground(false) })
	f.AddMessage("", message("p1", "bea", "m4", store.Incoming, now, "while away"), true)
	pending(h, 1)
	notifierWaits(t, h)
	h.Clock.Advance(2 * time.Second)
	h.Eventually("a second notification", func() bool { return len(h.Notes()) == 2 })
	if n := h.Notes()[1]; n.Title != "Bea" || n.Content != "while away" {
		t.Errorf("notification = %q: %q", n.Title, n.Content)
	}
}

// The setting turns notifications off, and a message the merchant saw
// before the pause ended is not announced.
func TestNotifyDropped(t *testing.T) {
	h, f := notifyHarness(t)
	f.SetSettings(ui.Settings{Notifications: false})
	f.AddMessage("Ana", message("p1", "ana", "m1", store.Incoming, now, "hello"), true)
	noted(h, "hello")
	notifierWaits(t, h)
	h.Clock.Advance(2 * time.Second)
	notifierWaits(t, h) // flushed, now in the gap
	if n := len(h.Notes()); n != 0 {
		t.Errorf("notifications off: %d sent", n)
	}

	// Turned on again; a message waits out the gap, and the merchant
	// opens the window before it ends.
	f.SetSettings(ui.Settings{Notifications: true})
	f.AddMessage("", message("p1", "ana", "m2", store.Incoming, now, "again"), true)
	pending(h, 1)
	h.App.ShowWindow()
	h.Eventually("the window shown", h.Visible)
	h.Clock.Advance(5 * time.Second)
	notifierWaits(t, h) // flushed, and in the next gap
	if n := len(h.Notes()); n != 0 {
		t.Errorf("seen before the pause ended: %d sent", n)
	}
}
