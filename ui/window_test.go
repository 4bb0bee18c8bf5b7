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

// Empty panes say what to do.
func TestEmptyStates(t *testing.T) {
	f := uitest.New(64)
	h := ui.NewHarness(t, f, ui.HarnessOptions{}).Start().Loaded()
	h.Eventually("the welcome screen", func() bool {
		title, cmd := h.Welcome()
		return title == "Connect a Facebook page to see your conversations here" && cmd == "merchant-inbox connect facebook"
	})

	f.AddPage(store.Page{ID: "p1", Name: "Lila"})
	h.Eventually("no conversations yet", func() bool {
		title, _ := h.Welcome()
		return title == "" && h.ListNote() == "No conversations yet"
	})
	h.UI(func() {
		if got := h.ThreadNote(); got != "No conversation selected" {
			t.Errorf("thread pane says %q", got)
		}
	})

	f.SetStatus(ui.Status{Pages: 1, Sync: ui.SyncStatus{Running: true}})
	h.Eventually("syncing", func() bool { return h.ListNote() == "Syncing your conversations…" })

	f.AddMessage("Ana", message("p1", "ana", "m1", store.Incoming, now, "hi"), true)
	h.Eventually("the note gone", func() bool { return h.ListNote() == "" && len(h.Rows()) == 1 })
}

// Long names and words, emoji and right-to-left text stay inside their
// row, every row is one height, and bubbles wrap inside the thread.
func TestLongTextKeepsTheLayout(t *testing.T) {
	f := uitest.New(64)
	f.AddPage(store.Page{ID: "p1", Name: "Boutique Lila et Compagnie, Maison de Couture"})
	f.AddPage(store.Page{ID: "p2", Name: "Café"})
	long := strings.Repeat("Supercalifragilistic", 12)
	f.AddMessage("Priya Ramanathan-Venkataraghavan Subramaniam Iyer", message("p1", "priya", "m1", store.Incoming, now.Add(-time.Minute), long), true)
	f.AddMessage("محمد العلي", message("p2", "mo", "m2", store.Incoming, now.Add(-2*time.Minute), "مرحبا، هل يمكنني طلب القهوة بالجملة؟ نحتاج عشرين كيلو شهريا"), true)
	f.AddMessage("Zoë 🌸🌸🌸🌸🌸🌸🌸🌸🌸🌸🌸🌸🌸🌸🌸🌸🌸🌸🌸", message("p2", "zoe", "m3", store.Incoming, now.Add(-3*time.Minute), "😀😃😄😁😆😅🤣😂🙂🙃😉😊😇🥰😍🤩😘😗😚😙🥲😋😛😜🤪😝🤑🤗🤭"), true)
	f.AddMessage("Bo", message("p2", "bo", "m4", store.Incoming, now.Add(-4*time.Minute), "ok"), false)
	h := ui.NewHarness(t, f, ui.HarnessOptions{}).Start().Loaded()
	h.Eventually("four painted rows", func() bool { return len(h.RowGeometries()) == 4 })
	h.UI(func() {
		geo := h.RowGeometries()
		for i, g := range geo {
			if g.Height != geo[0].Height {
				t.Errorf("row %d is %v high, row 0 %v: rows must be one height", i, g.Height, geo[0].Height)
			}
			if g.NameRight > g.WhenLeft {
				t.Errorf("row %d: name runs to %v, over the time at %v", i, g.NameRight, g.WhenLeft)
			}
			end := g.Width
			if g.HasBadge {
				end = g.BadgeLeft
			}
			if g.SnippetRight > end {
				t.Errorf("row %d: snippet runs to %v, past %v", i, g.SnippetRight, end)
			}
		}
		if !geo[0].NameTruncated {
			t.Error("the long name was not cut")
		}
		h.TapRow(0)
	})
	h.Eventually("Priya's thread", func() bool { return len(h.ThreadMessages()) == 1 })
	for _, width := range []float32{1100, 700} {
		h.UI(func() { h.ResizeWindow(width, 720) })
		h.UI(func() { h.TapRow(1) })
		h.Eventually("Mohammed's thread", func() bool { return len(h.ThreadMessages()) == 1 })
		h.UI(func() { h.TapRow(0) })
		h.Eventually("Priya's thread", func() bool { return len(h.ThreadMessages()) == 1 })
		h.UI(func() {
			bw, tw, height := h.BubbleGeometry("m1")
			if bw > tw*0.75+1 {
				t.Errorf("at %v wide: bubble %v wide in a thread of %v, want at most three quarters", width, bw, tw)
			}
			if height < 60 {
				t.Errorf("at %v wide: a %d-character word in a bubble %v high: not wrapped", width, len(long), height)
			}
		})
		h.Screenshot(fmt.Sprint("long-", width))
	}
}

// Relative times move on with the clock: the list's "4 min" becomes
// "5 min", and after midnight the thread's "Today" is "Yesterday".
func TestTimesMoveOn(t *testing.T) {
	f := uitest.New(64)
	f.AddPage(store.Page{ID: "p1", Name: "Lila"})
	f.AddMessage("Ana", message("p1", "ana", "m1", store.Incoming, now.Add(-4*time.Minute), "hi"), false)
	h := ui.NewHarness(t, f, ui.HarnessOptions{}).Start().Loaded()
	h.UI(func() { h.TapRow(0) })
	h.Eventually("the thread", func() bool { return strings.Contains(h.ThreadText(), "-- Today\n") })
	h.UI(func() {
		if r := h.PaintedRows(); len(r) != 1 || r[0].When != "4 min" {
			t.Fatalf("rows %v, want one at 4 min", r)
		}
	})
	h.Clock.Advance(time.Minute)
	h.Eventually("5 min", func() bool { r := h.PaintedRows(); return len(r) == 1 && r[0].When == "5 min" })
	h.Clock.Advance(9 * time.Hour)
	h.Eventually("yesterday", func() bool {
		r := h.PaintedRows()
		return len(r) == 1 && r[0].When == "Yesterday" && strings.Contains(h.ThreadText(), "-- Yesterday\n")
	})
}
