package ui_test

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/theme"

	"github.com/merchant-inbox/merchant-inbox/ui"
	"github.com/merchant-inbox/merchant-inbox/ui/uitest"
)

// openByName opens the conversation of the row named name and waits for
// its thread and its reply box.
func openByName(t *testing.T, h *ui.Harness, name string) {
	t.Helper()
	h.Eventually("the row of "+name, func() bool {
		for i, r := range h.Rows() {
			if r.Name == name {
				h.TapRow(i)
				return true
			}
		}
		return false
	})
	h.Eventually(name+"'s thread", func() bool {
		n, _ := h.ThreadHeader()
		return n == name && len(h.ThreadMessages()) > 0 && strings.TrimSpace(h.Reply().Line) != ""
	})
}

// TestSampleReplies walks the sample's conversations at each state of the
// messaging window, with the products panel open, in both themes. With
// UI_SCREENSHOTS set it leaves a picture of each.
func TestSampleReplies(t *testing.T) {
	for _, name := range []string{"light", "dark"} {
		t.Run(name, func(t *testing.T) {
			v := theme.VariantLight
			if name == "dark" {
				v = theme.VariantDark
			}
			f := uitest.Sample(ui.TestNow)
			h := ui.NewHarness(t, f, ui.HarnessOptions{Theme: variant(v), Images: uitest.SampleImages()}).Start().Loaded()
			openByName(t, h, "Ana Souza")
			h.UI(func() { h.ToggleProducts() })
			h.Eventually("the catalogue", func() bool { return len(h.ProductRows()) == 10 })
			h.Eventually("Ana's card picture", func() bool { return strings.Contains(h.ThreadText(), "picture") })
			h.UI(func() { h.TypeReply("Yes! It comes in sage green, size M is in stock.") })
			h.Screenshot(name + "-reply-open")

			openByName(t, h, "Priya Ramanathan-Venkataraghavan Subramaniam")
			h.Eventually("Priya's failed send", func() bool { return strings.Contains(h.ThreadText(), "!! Not sent:") })
			h.Screenshot(name + "-reply-humanagent")

			openByName(t, h, "Ольга Петрова")
			h.UI(func() {
				if r := h.Reply(); r.Line != "Closed: the customer must write first" || r.CanType {
					t.Errorf("Olga's reply box: %+v", r)
				}
			})
			h.Screenshot(name + "-reply-closed")
		})
	}
}
