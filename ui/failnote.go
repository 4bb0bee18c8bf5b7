package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// failNote sits under a reply that could not be sent, on the merchant's
// side: "Not sent: <reason>", then Retry and Delete. The reason is the
// send error's sentence, which says what to do, so it wraps rather than
// being cut.
type failNote struct {
	widget.BaseWidget
	icon   *widget.Icon
	reason *widget.Label
	retry  *widget.Button
	remove *widget.Button

	cacheW, cacheH float32
}

func newFailNote(retry, remove func()) *failNote {
	n := &failNote{
		icon:   widget.NewIcon(theme.NewErrorThemedResource(theme.ErrorIcon())),
		reason: widget.NewLabel(""),
		retry:  widget.NewButtonWithIcon("Retry", theme.ViewRefreshIcon(), retry),
		remove: widget.NewButtonWithIcon("Delete", theme.DeleteIcon(), remove),
	}
	n.reason.Wrapping = fyne.TextWrapWord
	n.reason.Importance = widget.DangerImportance
	n.reason.SizeName = theme.SizeNameCaptionText
	n.retry.Importance = widget.LowImportance
	n.remove.Importance = widget.LowImportance
	n.ExtendBaseWidget(n)
	return n
}

func (n *failNote) setReason(r string) {
	if text := "Not sent: " + r; n.reason.Text != text {
		n.reason.SetText(text)
		n.cacheW = 0
	}
}

func (n *failNote) MinSize() fyne.Size { return fyne.NewSize(0, n.heightFor(n.Size().Width)) }

func (n *failNote) heightFor(w float32) float32 {
	if w <= 0 {
		w = 400
	}
	if w != n.cacheW {
		n.cacheW, n.cacheH = w, n.geometry(w, false)
	}
	return n.cacheH
}

// geometry right-aligns the note under the bubbles' edge, as wide as a
// bubble may be at most: the reason, then the buttons under it. It
// returns the note's height.
func (n *failNote) geometry(w float32, place bool) float32 {
	th := n.Theme()
	inner := th.Size(theme.SizeNameInnerPadding)
	icon := th.Size(theme.SizeNameInlineIcon)
	rs, ds := n.retry.MinSize(), n.remove.MinSize()
	right := w - inner*2
	limit := max(min(w*0.75, 560), 6*inner)
	caption := th.Size(theme.SizeNameCaptionText)
	natural := fyne.MeasureText(n.reason.Text, caption, n.reason.TextStyle).Width + 2*inner + 2
	tw := min(natural, max(limit-icon, 4*inner))

	n.reason.MinSize()
	n.reason.Resize(fyne.NewSize(tw, n.reason.Size().Height))
	h1 := n.reason.MinSize().Height
	y2 := h1 - inner/2
	if place {
		n.reason.Move(fyne.NewPos(right-tw, 0))
		n.reason.Resize(fyne.NewSize(tw, h1))
		line := fyne.MeasureText("Ag", caption, n.reason.TextStyle).Height
		n.icon.Move(fyne.NewPos(right-tw-icon+inner/2, inner+(line-icon)/2))
		n.icon.Resize(fyne.NewSquareSize(icon))
		n.remove.Move(fyne.NewPos(right-ds.Width, y2))
		n.remove.Resize(ds)
		n.retry.Move(fyne.NewPos(right-ds.Width-rs.Width, y2))
		n.retry.Resize(rs)
	}
	return y2 + max(rs.Height, ds.Height)
}

func (n *failNote) CreateRenderer() fyne.WidgetRenderer { return &failNoteRenderer{n} }

type failNoteRenderer struct{ n *failNote }

func (r *failNoteRenderer) Layout(s fyne.Size) { r.n.geometry(s.Width, true) }
func (r *failNoteRenderer) MinSize() fyne.Size { return r.n.MinSize() }
func (r *failNoteRenderer) Refresh() {
	r.n.cacheW = 0
	r.Layout(r.n.Size())
	for _, o := range r.Objects() {
		o.Refresh()
	}
}
func (r *failNoteRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.n.icon, r.n.reason, r.n.retry, r.n.remove}
}
func (r *failNoteRenderer) Destroy() {}
