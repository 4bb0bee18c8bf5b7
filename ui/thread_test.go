package ui_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
	"github.com/merchant-inbox/merchant-inbox/ui"
	"github.com/merchant-inbox/merchant-inbox/ui/uitest"
)

// A thread in words: day separators, bubbles by side with their times,
// postbacks and reactions in words, attachments as links, and the
// delivery state after the merchant's last message.
func TestThreadContent(t *testing.T) {
	f := uitest.New(64)
	f.AddPage(store.Page{ID: "p1", Name: "Boutique Lila"})
	day := func(d, h, m int) time.Time { return time.Date(2026, 12, d, h, m, 0, 0, now.Location()) }
	tap := message("p1", "zoe", "m2", store.Incoming, day(9, 9, 5), "Buy now")
	tap.Postback = "BUY_NOW_1"
	photo := message("p1", "zoe", "m3", store.Outgoing, day(9, 9, 30), "Here it is")
	photo.Attachments = []store.Attachment{{Type: "image", URL: "https://cdn.example.com/a.jpg"}}
	photo.Reaction = "❤"
	file := message("p1", "zoe", "m4", store.Incoming, day(10, 8, 0), "")
	file.Attachments = []store.Attachment{{Type: "file", URL: "https://cdn.example.com/i.pdf", Name: "invoice.pdf"}}
	f.AddMessage("Zoë Smith", message("p1", "zoe", "m1", store.Incoming, day(3, 14, 0), "Hello!"), false)
	f.AddMessage("", tap, false)
	f.AddMessage("", photo, false)
	f.AddMessage("", file, false)
	f.AddMessage("", message("p1", "zoe", "m5", store.Outgoing, day(10, 10, 0), "Thanks, received"), false)
	c, _ := f.Conversation(t.Context(), ui.ConversationRef{PageID: "p1", PSID: "zoe"})
	c.DeliveredAt, c.ReadAt = day(10, 10, 1), day(10, 10, 41)
	f.PutConversation(c)

	h := ui.NewHarness(t, f, ui.HarnessOptions{}).Start().Loaded()
	h.UI(func() { h.TapRow(0) })
	h.Eventually("the thread", func() bool { return len(h.ThreadMessages()) == 5 })
	want := strings.Join([]string{
		"-- This is the start of your conversation with Zoë Smith",
		"-- Thu 3 Dec",
		"< Hello! | 14:00",
		"-- Yesterday",
		"< Tapped “Buy now” | 09:05",
		"> Here it is | [Photo] | 09:30 | ❤ reacted",
		"-- Today",
		"< [File: invoice.pdf] | 08:00",
		"> Thanks, received | 10:00",
		"-- Seen 10:41",
	}, "\n") + "\n"
	h.UI(func() {
		if got := h.ThreadText(); got != want {
			t.Errorf("thread:\n%s\nwant:\n%s", got, want)
		}
		name, sub := h.ThreadHeader()
		if name != "Zoë Smith" || sub != "Boutique Lila · Messenger" {
			t.Errorf("header = %q / %q", name, sub)
		}
	})

	c.ReadAt = time.Time{}
	f.PutConversation(c)
	h.Eventually("delivered, not seen", func() bool { return strings.HasSuffix(h.ThreadText(), "-- Delivered\n") })
	c.DeliveredAt = time.Time{}
	f.PutConversation(c)
	h.Eventually("sent only", func() bool { return strings.HasSuffix(h.ThreadText(), "-- Sent\n") })
}

func longThread(f *uitest.Fake, psid string, n int) {
	for i := range n {
		dir := store.Incoming
		if i%4 == 3 {
			dir = store.Outgoing
		}
		text := fmt.Sprintf("message %d", i)
		if i%5 == 0 {
			text += " with a longer text that wraps over more than one line in a bubble of the thread, to give bubbles different heights"
		}
		f.AddMessage("Ana", message("p1", psid, fmt.Sprintf("%s-%03d", psid, i), dir, now.Add(-time.Duration(n-i)*time.Minute), text), false)
	}
}

// A thread opens on its latest 50 messages, at the bottom; scrolling to
// the top brings the 50 before, and the message that was at the top
// stays where it was on screen.
func TestThreadPagesOlderOnScrollTop(t *testing.T) {
	f := uitest.New(512)
	f.AddPage(store.Page{ID: "p1", Name: "Lila"})
	longThread(f, "ana", 120)
	h := ui.NewHarness(t, f, ui.HarnessOptions{}).Start().Loaded()
	h.UI(func() { h.TapRow(0) })
	h.Eventually("the latest 50", func() bool { return len(h.ThreadMessages()) == 50 })
	h.UI(func() {
		ids := h.ThreadMessages()
		if ids[0] != "ana-070" || ids[49] != "ana-119" {
			t.Errorf("shown %s..%s, want ana-070..ana-119", ids[0], ids[49])
		}
		off, content, view := h.ThreadOffset()
		if content <= view || off < content-view-1 {
			t.Errorf("offset %v of content %v in view %v: want the thread scrolled to its end", off, content, view)
		}
	})

	var before float32
	h.UI(func() {
		h.ScrollThreadTo(0)
		off, _, _ := h.ThreadOffset()
		before = h.ThreadMessageY("ana-070") - off
	})
	h.Eventually("50 older", func() bool { return len(h.ThreadMessages()) == 100 })
	h.UI(func() {
		ids := h.ThreadMessages()
		if ids[0] != "ana-020" || ids[99] != "ana-119" {
			t.Errorf("shown %s..%s, want ana-020..ana-119", ids[0], ids[99])
		}
		off, _, _ := h.ThreadOffset()
		if after := h.ThreadMessageY("ana-070") - off; after != before {
			t.Errorf("ana-070 moved on screen from %v to %v", before, after)
		}
	})

	h.UI(func() { h.ScrollThreadTo(0) })
	h.Eventually("the start", func() bool { return len(h.ThreadMessages()) == 120 })
	h.UI(func() {
		if text := h.ThreadText(); !strings.HasPrefix(text, "-- This is the start of your conversation with Ana") {
			t.Errorf("thread begins %q", text[:min(80, len(text))])
		}
	})
	if n := f.Reads("Messages"); n != 4 {
		t.Errorf("Messages read %d times, want 4 (open, again once marked read, and two scrolls to the top)", n)
	}
}

// A new message in the open thread is added at the end; a merchant at
// the end sees it, and the older messages loaded stay.
func TestThreadLiveMessage(t *testing.T) {
	f := uitest.New(512)
	f.AddPage(store.Page{ID: "p1", Name: "Lila"})
	longThread(f, "ana", 80)
	h := ui.NewHarness(t, f, ui.HarnessOptions{}).Start().Loaded()
	h.UI(func() { h.TapRow(0) })
	h.Eventually("the latest 50", func() bool { return len(h.ThreadMessages()) == 50 })
	h.UI(func() { h.ScrollThreadTo(0) })
	h.Eventually("all 80", func() bool { return len(h.ThreadMessages()) == 80 })
	h.UI(func() { h.ScrollThreadTo(1e6) })

	f.AddMessage("", message("p1", "ana", "live", store.Incoming, now, "Still there?"), true)
	h.Eventually("the new message", func() bool {
		ids := h.ThreadMessages()
		return len(ids) == 81 && ids[80] == "live"
	})
	h.UI(func() {
		off, content, view := h.ThreadOffset()
		if off < content-view-1 {
			t.Errorf("offset %v of %v (view %v): the end is not in view", off, content, view)
		}
	})
}

// Opening a conversation marks it read; a message arriving in the open
// conversation is marked read only while the merchant is looking.
func TestOpeningMarksRead(t *testing.T) {
	f := uitest.New(64)
	f.AddPage(store.Page{ID: "p1", Name: "Lila"})
	f.AddMessage("Ana", message("p1", "ana", "m1", store.Incoming, now.Add(-time.Minute), "hi"), true)
	f.AddMessage("Bea", message("p1", "bea", "m2", store.Incoming, now.Add(-time.Hour), "hey"), true)
	h := ui.NewHarness(t, f, ui.HarnessOptions{Tray: true}).Start().Loaded()
	ana := ui.ConversationRef{PageID: "p1", PSID: "ana"}
	h.UI(func() {
		if rows := h.Rows(); rows[0].Unread != 1 || rows[1].Unread != 1 {
			t.Fatalf("rows %v, want both unread", rows)
		}
		h.TapRow(0)
		if rows := h.Rows(); rows[0].Unread != 0 || !rows[0].Selected {
			t.Errorf("tapped row %v: want it shown read at once", rows[0])
		}
	})
	h.Eventually("Ana marked read", func() bool { return fmt.Sprint(f.Marked()) == fmt.Sprint([]ui.ConversationRef{ana}) })
	h.Eventually("Ana read in the store's list", func() bool {
		rows := h.Rows()
		return rows[0].Name == "Ana" && rows[0].Unread == 0 && rows[1].Unread == 1
	})

	h.UI(func() { h.CloseWindow() }) // to the tray
	f.AddMessage("", message("p1", "ana", "m3", store.Incoming, now, "are you there?"), true)
	h.Eventually("the new message shown", func() bool { return len(h.ThreadMessages()) == 2 })
	if c, _ := f.Conversation(t.Context(), ana); c.UnreadCount != 1 {
		t.Errorf("message arriving while hidden: unread %d, want 1", c.UnreadCount)
	}

	h.App.ShowWindow() // from another goroutine, as a second launch asks
	f.AddMessage("", message("p1", "ana", "m4", store.Incoming, now.Add(time.Second), "hello?"), true)
	h.Eventually("marked read while looking", func() bool {
		c, _ := f.Conversation(t.Context(), ana)
		return len(h.ThreadMessages()) == 3 && c.UnreadCount == 0
	})
}
