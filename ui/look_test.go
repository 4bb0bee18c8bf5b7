package ui_test

import (
	"testing"

	"fyne.io/fyne/v2/theme"

	"github.com/merchant-inbox/merchant-inbox/ui"
	"github.com/merchant-inbox/merchant-inbox/ui/uitest"
)

func TestSampleInboxOpens(t *testing.T) {
	h := ui.NewHarness(t, uitest.Sample(ui.TestNow), ui.HarnessOptions{Theme: theme.LightTheme()}).Start().Loaded()
	h.Screenshot("inbox")
	h.UI(func() { h.TapRow(0) })
	h.Eventually("Ana's thread", func() bool { return len(h.ThreadMessages()) > 0 })
	h.Screenshot("thread")
	h.UI(func() { h.TapRow(5) })
	h.Eventually("Zoë's thread", func() bool { return len(h.ThreadMessages()) == 2 })
	h.Screenshot("thread-zoe")
	h.UI(func() { h.TapRow(4) })
	h.Eventually("Priya's thread", func() bool { return len(h.ThreadMessages()) == 1 })
	h.Screenshot("thread-priya")
	h.UI(func() { h.Search("order") })
	h.Eventually("search", func() bool { r := h.Rows(); return len(r) > 0 && r[0].Name == "Jürgen Müller-Lüdenscheidt" })
	h.Screenshot("search")
}

func TestEmptyLook(t *testing.T) {
	h := ui.NewHarness(t, uitest.New(16), ui.HarnessOptions{Theme: theme.DarkTheme()}).Start().Loaded()
	h.Screenshot("welcome")
}
