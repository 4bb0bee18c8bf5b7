package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// badge is a small rounded label that marks a state ("Draft",
// "Archived"); with no text it takes no room.
type badge struct {
	widget.BaseWidget
	bg   *canvas.Rectangle
	text *canvas.Text
}

func newBadge() *badge {
	b := &badge{bg: canvas.NewRectangle(nil), text: canvas.NewText("", nil)}
	b.ExtendBaseWidget(b)
	return b
}

func (b *badge) set(s string) {
	if b.text.Text == s {
		return
	}
	b.text.Text = s
	b.Refresh()
}

func (b *badge) applyTheme() {
	th := b.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	b.text.TextSize = th.Size(theme.SizeNameCaptionText)
	b.text.TextStyle.Bold = true
	b.text.Color = th.Color(theme.ColorNameForeground, v)
	b.bg.FillColor = th.Color(theme.ColorNameDisabledButton, v)
	b.bg.CornerRadius = th.Size(theme.SizeNameInputRadius) * 2
}

func (b *badge) MinSize() fyne.Size {
	if b.text.Text == "" {
		return fyne.Size{}
	}
	b.applyTheme()
	pad := b.Theme().Size(theme.SizeNamePadding)
	s := b.text.MinSize()
	return fyne.NewSize(s.Width+pad*3, s.Height+pad)
}

func (b *badge) CreateRenderer() fyne.WidgetRenderer { return &badgeRenderer{b} }

type badgeRenderer struct{ b *badge }

func (r *badgeRenderer) Layout(s fyne.Size) {
	r.b.bg.Resize(s)
	ts := r.b.text.MinSize()
	r.b.text.Move(fyne.NewPos((s.Width-ts.Width)/2, (s.Height-ts.Height)/2))
	r.b.text.Resize(ts)
}
func (r *badgeRenderer) MinSize() fyne.Size { return r.b.MinSize() }
func (r *badgeRenderer) Refresh() {
	r.b.applyTheme()
	r.b.bg.Hidden = r.b.text.Text == ""
	r.Layout(r.b.Size())
	r.b.bg.Refresh()
	r.b.text.Refresh()
}
func (r *badgeRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.b.bg, r.b.text} }
func (r *badgeRenderer) Destroy()                     {}
