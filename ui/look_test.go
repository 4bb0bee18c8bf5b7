package ui_test

import (
	"image/color"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/merchant-inbox/merchant-inbox/ui"
	"github.com/merchant-inbox/merchant-inbox/ui/uitest"
)

// TestSampleInbox walks the sample inbox as a merchant would, in the
// light and the dark theme. With UI_SCREENSHOTS set to a folder it
// leaves a picture of each step there, to look at.
func TestSampleInbox(t *testing.T) {
	for _, tt := range []struct {
		name  string
		theme fyne.Theme
	}{{"light", variant(theme.VariantLight)}, {"dark", variant(theme.VariantDark)}} {
		name := tt.name
		t.Run(name, func(t *testing.T) {
			f := uitest.Sample(ui.TestNow)
			h := ui.NewHarness(t, f, ui.HarnessOptions{Theme: tt.theme}).Start().Loaded()
			h.UI(func() {
				rows := h.Rows()
				if len(rows) != 50 || !h.ListMore() {
					t.Errorf("%d rows (more: %v), want the first batch of 50", len(rows), h.ListMore())
				}
				if rows[0].Name != "Ana Souza" || rows[0].Unread != 2 || rows[0].Page != "Boutique Lila" {
					t.Errorf("first row = %+v", rows[0])
				}
			})
			h.Screenshot(name + "-inbox")

			h.UI(func() { h.TapRow(0) })
			h.Eventually("Ana's thread", func() bool { return len(h.ThreadMessages()) == 50 })
			h.Screenshot(name + "-thread")

			h.UI(func() { h.ScrollThreadTo(0) })
			h.Eventually("older messages", func() bool { return len(h.ThreadMessages()) == 100 })
			h.Screenshot(name + "-older")

			f.SetStatus(ui.Status{Pages: 2, NeedsSignIn: []string{"Café Olé Concept Store"},
				Sync: ui.SyncStatus{Last: ui.TestNow.Add(-time.Hour)}})
			h.Eventually("the sign-in status", func() bool { return h.StatusText() == "Facebook page Café Olé Concept Store needs sign-in" })
			h.UI(func() { h.Search("order") })
			h.Eventually("hits", func() bool { r := h.Rows(); return len(r) > 0 && r[0].Name == "Jürgen Müller-Lüdenscheidt" })
			h.Screenshot(name + "-search")

			f.SetStatus(ui.Status{Pages: 2, Sync: ui.SyncStatus{Running: true, Page: 1, Pages: 2}})
			h.UI(func() { h.Search("zebra") })
			h.Eventually("no hits", func() bool { return h.ListNote() != "" })
			h.Eventually("syncing", func() bool { return h.StatusText() == "Syncing… 1 of 2 pages" })
			h.Screenshot(name + "-nohits")
		})
	}
}

func TestWelcomeLook(t *testing.T) {
	h := ui.NewHarness(t, uitest.New(16), ui.HarnessOptions{Theme: variant(theme.VariantLight)}).Start().Loaded()
	h.Eventually("the welcome screen", func() bool { title, _ := h.Welcome(); return title != "" })
	h.Screenshot("welcome")
}

// fixedVariant is Fyne's default theme in one variant, whatever the
// settings ask for.
type fixedVariant struct {
	fyne.Theme
	v fyne.ThemeVariant
}

func variant(v fyne.ThemeVariant) fyne.Theme { return fixedVariant{theme.DefaultTheme(), v} }

func (t fixedVariant) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.v)
}
