package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// captionLine is a line of small subdued text across the thread: a day
// separator ("Yesterday"), the delivery state of the last reply, the
// start of a conversation. It is a canvas.Text (cheap, one line) that
// follows the theme's colours.
type captionLine struct {
	widget.BaseWidget
	full  string // the text; text.Text may be it cut to fit
	text  *canvas.Text
	align fyne.TextAlign
	bold  bool
}

func newCaptionLine(text string, align fyne.TextAlign, bold bool) *captionLine {
	c := &captionLine{full: text, text: canvas.NewText(text, nil), align: align, bold: bold}
	c.text.Alignment = align
	c.text.TextStyle.Bold = bold
	c.ExtendBaseWidget(c)
	return c
}

// setText changes the text, refreshing only on a change.
func (c *captionLine) setText(s string) {
	if c.full == s {
		return
	}
	c.full, c.text.Text = s, s
	c.Refresh()
}

func (c *captionLine) MinSize() fyne.Size {
	c.applyTheme()
	pad := c.Theme().Size(theme.SizeNamePadding)
	s := c.text.MinSize()
	return fyne.NewSize(s.Width, s.Height+2*pad)
}

func (c *captionLine) applyTheme() {
	th := c.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	c.text.TextSize = th.Size(theme.SizeNameCaptionText)
	c.text.Color = th.Color(theme.ColorNamePlaceHolder, v)
}

func (c *captionLine) CreateRenderer() fyne.WidgetRenderer {
	return &captionRenderer{c: c}
}

type captionRenderer struct{ c *captionLine }

func (r *captionRenderer) Layout(size fyne.Size) {
	th := r.c.Theme()
	pad := th.Size(theme.SizeNamePadding)
	margin := th.Size(theme.SizeNameInnerPadding) * 3
	w := max(size.Width-2*margin, 0)
	r.c.text.Text = fitText(r.c.full, w, r.c.text.TextSize, r.c.text.TextStyle)
	r.c.text.Move(fyne.NewPos(margin, pad))
	r.c.text.Resize(fyne.NewSize(w, size.Height-2*pad))
}

// fitText cuts s with an ellipsis to fit width: a canvas.Text, unlike a
// Label, draws past its edges.
func fitText(s string, width, size float32, style fyne.TextStyle) string {
	if width <= 0 || fyne.MeasureText(s, size, style).Width <= width {
		return s
	}
	r := []rune(s)
	lo, hi := 0, len(r) // the longest prefix that fits is r[:lo]
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if fyne.MeasureText(string(r[:mid])+"…", size, style).Width <= width {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return string(r[:lo]) + "…"
}

func (r *captionRenderer) MinSize() fyne.Size { return r.c.MinSize() }

func (r *captionRenderer) Refresh() {
	r.c.applyTheme()
	r.Layout(r.c.Size())
	r.c.text.Refresh()
}

func (r *captionRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.c.text} }
func (r *captionRenderer) Destroy()                     {}
