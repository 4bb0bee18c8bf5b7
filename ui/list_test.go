package ui_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
	"github.com/merchant-inbox/merchant-inbox/ui"
	"github.com/merchant-inbox/merchant-inbox/ui/uitest"
)

var now = ui.TestNow

func message(page, psid, id string, dir store.Direction, at time.Time, text string) store.Message {
	return store.Message{ID: id, PageID: page, PSID: psid, Direction: dir, CreatedAt: at, Text: text}
}

// The list shows names, snippets ("You: " for the merchant's own),
// unread marks and relative times, newest first, as painted.
func TestListRows(t *testing.T) {
	f := uitest.New(64)
	f.AddPage(store.Page{ID: "p1", Name: "Boutique Lila"})
	f.AddMessage("Ana Souza", message("p1", "ana", "m1", store.Incoming, now.Add(-3*time.Hour), "Is the dress in stock?"), false)
	f.AddMessage("", message("p1", "ana", "m2", store.Outgoing, now.Add(-2*time.Hour), "Yes, size M"), false)
	f.AddMessage("Jürgen", message("p1", "jj", "m3", store.Incoming, now.Add(-5*time.Minute), "Hallo\nwo ist mein Paket?"), true)
	f.AddMessage("Old Friend", message("p1", "old", "m4", store.Incoming, now.AddDate(0, 0, -2), "hi"), false)
	f.MarkRead(t.Context(), ui.ConversationRef{PageID: "p1", PSID: "old"})
	f.MarkRead(t.Context(), ui.ConversationRef{PageID: "p1", PSID: "ana"})

	h := ui.NewHarness(t, f, ui.HarnessOptions{}).Start().Loaded()
	want := []ui.Row{
		{Name: "Jürgen", Snippet: "Hallo wo ist mein Paket?", When: "5 min", Unread: 1, Bold: true},
		{Name: "Ana Souza", Snippet: "You: Yes, size M", When: "13:30"},
		{Name: "Old Friend", Snippet: "hi", When: "Tue"},
	}
	h.Eventually("three rows", func() bool { return len(h.Rows()) == 3 })
	h.UI(func() {
		if got := h.Rows(); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("rows:\n%v\nwant:\n%v", got, want)
		}
		painted := h.PaintedRows()
		if len(painted) != 3 || fmt.Sprint(painted) != fmt.Sprint(want) {
			t.Errorf("painted rows:\n%v\nwant:\n%v", painted, want)
		}
	})
}

// With more than one page, each row names its page and the filter
// appears; picking a page lists only its conversations.
func TestPageNamesAndFilter(t *testing.T) {
	f := uitest.New(64)
	f.AddPage(store.Page{ID: "p1", Name: "Boutique Lila"})
	f.AddMessage("Ana", message("p1", "ana", "m1", store.Incoming, now.Add(-time.Hour), "hi"), false)
	h := ui.NewHarness(t, f, ui.HarnessOptions{}).Start().Loaded()
	h.UI(func() {
		if rows := h.Rows(); len(rows) != 1 || rows[0].Page != "" {
			t.Errorf("one page: rows %v, want no page name", rows)
		}
		if _, shown := h.FilterOptions(); shown {
			t.Error("filter shown with one page")
		}
	})

	f.AddPage(store.Page{ID: "p2", Name: "Café Olé"})
	f.AddMessage("Bea", message("p2", "bea", "m2", store.Incoming, now.Add(-time.Minute), "olá"), true)
	h.Eventually("page names on rows", func() bool {
		rows := h.Rows()
		return len(rows) == 2 && rows[0].Page == "Café Olé" && rows[1].Page == "Boutique Lila"
	})
	h.UI(func() {
		opts, shown := h.FilterOptions()
		if !shown || fmt.Sprint(opts) != "[All pages Boutique Lila Café Olé]" {
			t.Errorf("filter %v shown=%v", opts, shown)
		}
		h.Filter("Boutique Lila")
	})
	h.Eventually("Boutique Lila only", func() bool {
		rows := h.Rows()
		return len(rows) == 1 && rows[0].Name == "Ana"
	})
}

// The list reads a batch at a time: scrolling near the end reads the
// next batch, never the whole inbox.
func TestListReadsInBatches(t *testing.T) {
	f := uitest.New(512)
	f.AddPage(store.Page{ID: "p1", Name: "Lila"})
	for i := range 130 {
		f.AddMessage(fmt.Sprint("Customer ", i), message("p1", fmt.Sprint("c", i), fmt.Sprint("m", i), store.Incoming, now.Add(-time.Duration(i)*time.Hour), "hi"), false)
	}
	h := ui.NewHarness(t, f, ui.HarnessOptions{}).Start().Loaded()
	h.UI(func() {
		if n := len(h.Rows()); n != 50 || !h.ListMore() {
			t.Fatalf("first read: %d rows (more: %v), want one batch of 50 and more", n, h.ListMore())
		}
	})
	h.UI(func() { h.ScrollListTo(45) })
	h.Eventually("the second batch", func() bool { return len(h.Rows()) == 100 })
	h.UI(func() { h.ScrollListTo(95) })
	h.Eventually("the last batch", func() bool { return len(h.Rows()) == 130 && !h.ListMore() })
	h.UI(func() {
		rows := h.Rows()
		for i, r := range rows {
			if r.Name != fmt.Sprint("Customer ", i) {
				t.Fatalf("row %d = %q: batches out of order or repeated", i, r.Name)
			}
		}
	})
}

// A live update keeps the selected conversation selected (by
// conversation, though it moves in the list), and keeps the rows on
// screen where they were when the merchant had scrolled down.
func TestLiveUpdateKeepsSelectionAndScroll(t *testing.T) {
	f := uitest.New(512)
	f.AddPage(store.Page{ID: "p1", Name: "Lila"})
	for i := range 40 {
		f.AddMessage(fmt.Sprint("Customer ", i), message("p1", fmt.Sprint("c", i), fmt.Sprint("m", i), store.Incoming, now.Add(-time.Duration(i+1)*time.Hour), "hi"), false)
	}
	h := ui.NewHarness(t, f, ui.HarnessOptions{}).Start().Loaded()
	h.UI(func() {
		h.ScrollListTo(30)
		h.TapRow(25)
	})
	h.Eventually("Customer 25 open", func() bool { n, _ := h.ThreadHeader(); return n == "Customer 25" && len(h.ThreadMessages()) == 1 })
	var offset float32
	var top string
	h.UI(func() {
		offset = h.ListOffset()
		top = firstVisible(h)
	})
	if offset == 0 {
		t.Fatal("list did not scroll")
	}

	// A customer below the fold writes: their row jumps to the top.
	f.AddMessage("", message("p1", "c35", "new", store.Incoming, now, "news!"), true)
	h.Eventually("Customer 35 on top", func() bool { r := h.Rows(); return len(r) > 0 && r[0].Name == "Customer 35" })
	h.UI(func() {
		rows := h.Rows()
		var selected []string
		for _, r := range rows {
			if r.Selected {
				selected = append(selected, r.Name)
			}
		}
		if fmt.Sprint(selected) != "[Customer 25]" {
			t.Errorf("selected rows = %v, want [Customer 25]", selected)
		}
		if got := firstVisible(h); got != top {
			t.Errorf("first visible row = %q, was %q: the view jumped", got, top)
		}
		if name, _ := h.ThreadHeader(); name != "Customer 25" {
			t.Errorf("thread shows %q, want Customer 25", name)
		}
	})
}

func firstVisible(h *ui.Harness) string {
	rows := h.PaintedRows()
	if len(rows) == 0 {
		return ""
	}
	return rows[0].Name
}

// At the top of the list, a new conversation shows up at the top: the
// merchant sees what is new.
func TestLiveUpdateAtTopShowsNewRow(t *testing.T) {
	f := uitest.New(64)
	f.AddPage(store.Page{ID: "p1", Name: "Lila"})
	f.AddMessage("Ana", message("p1", "ana", "m1", store.Incoming, now.Add(-time.Hour), "hi"), false)
	h := ui.NewHarness(t, f, ui.HarnessOptions{}).Start().Loaded()
	f.AddMessage("Bea", message("p1", "bea", "m2", store.Incoming, now, "hello"), true)
	h.Eventually("Bea on top, painted", func() bool {
		rows := h.PaintedRows()
		return len(rows) == 2 && rows[0].Name == "Bea" && h.ListOffset() == 0
	})
}

// A renamed page stays chosen in the filter.
func TestFilterFollowsPages(t *testing.T) {
	f := uitest.New(64)
	f.AddPage(store.Page{ID: "p1", Name: "Boutique Lila"})
	f.AddPage(store.Page{ID: "p2", Name: "Café Olé"})
	f.AddMessage("Ana", message("p1", "ana", "m1", store.Incoming, now.Add(-time.Hour), "hi"), false)
	f.AddMessage("Bea", message("p2", "bea", "m2", store.Incoming, now.Add(-time.Minute), "olá"), false)
	h := ui.NewHarness(t, f, ui.HarnessOptions{}).Start().Loaded()
	h.UI(func() { h.Filter("Café Olé") })
	h.Eventually("Café Olé only", func() bool { r := h.Rows(); return len(r) == 1 && r[0].Name == "Bea" })

	f.AddPage(store.Page{ID: "p2", Name: "Café Olé Lisboa"})
	h.Eventually("the new name", func() bool {
		opts, _ := h.FilterOptions()
		r := h.Rows()
		return fmt.Sprint(opts) == "[All pages Boutique Lila Café Olé Lisboa]" && len(r) == 1 && r[0].Page == "Café Olé Lisboa"
	})
}
