package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// How a bubble sizes itself: as wide as its longest line, at most a share
// of the thread, and as high as its text wraps at that width.

func (b *bubble) MinSize() fyne.Size {
	return fyne.NewSize(0, b.heightFor(b.Size().Width))
}

// geometry lays the bubble out for a thread w wide and returns its
// height. Layout and heightFor share it, so the height the column
// reserves is the height the bubble draws.
func (b *bubble) geometry(w float32, place bool) float32 {
	th := b.Theme()
	pad := th.Size(theme.SizeNamePadding)
	inner := th.Size(theme.SizeNameInnerPadding)
	margin := inner * 2
	bw := b.width(w, th)
	x := margin
	if b.outgoing() {
		x = w - margin - bw
	}

	y := float32(0)
	if b.card != nil {
		y = b.card.place(x, bw, place, th)
	}
	labelAt := func(l *widget.Label) {
		// A label measures its wrapping only once it has a renderer;
		// MinSize makes one, so that Resize reflows the text.
		l.MinSize()
		l.Resize(fyne.NewSize(bw, l.Size().Height))
		h := l.MinSize().Height
		if place {
			l.Move(fyne.NewPos(x, y))
			l.Resize(fyne.NewSize(bw, h))
		}
		y += h - inner
	}
	if b.text != nil {
		labelAt(b.text)
	}
	if b.postback != nil {
		labelAt(b.postback)
	}
	if len(b.files) > 0 && y == 0 {
		y = pad
	}
	iconSize := th.Size(theme.SizeNameInlineIcon)
	for _, f := range b.files {
		if f.thumb != nil {
			ts := f.thumb.fitIn(bw - 2*inner)
			y += pad / 2
			if place {
				f.thumb.Move(fyne.NewPos(x+inner, y))
				f.thumb.Resize(ts)
			}
			y += ts.Height
		}
		lh := f.link.MinSize().Height
		if place {
			f.icon.Move(fyne.NewPos(x+inner, y+(lh-iconSize)/2))
			f.icon.Resize(fyne.NewSquareSize(iconSize))
			f.link.Move(fyne.NewPos(x+inner+iconSize-pad, y))
			f.link.Resize(fyne.NewSize(bw-inner-iconSize+pad, lh))
		}
		y += lh - inner
	}
	ts := b.time.MinSize()
	if place {
		b.time.Move(fyne.NewPos(x+bw-inner-ts.Width, y))
		b.time.Resize(ts)
	}
	y += ts.Height + inner*0.75
	if place {
		b.bg.Move(fyne.NewPos(x, 0))
		b.bg.Resize(fyne.NewSize(bw, y))
	}
	if b.reaction != nil {
		rs := b.reaction.MinSize()
		y += pad / 2
		if place {
			rx := x + inner
			if b.outgoing() {
				rx = x + bw - inner - rs.Width
			}
			b.reaction.Move(fyne.NewPos(rx, y))
			b.reaction.Resize(rs)
		}
		y += rs.Height
	}
	return y
}

// width is the bubble's width in a thread w wide: what the content needs
// on one line, at most three quarters of the thread (and 560, which
// keeps lines readable on a wide screen).
func (b *bubble) width(w float32, th fyne.Theme) float32 {
	inner := th.Size(theme.SizeNameInnerPadding)
	if b.natural == 0 {
		b.natural = b.naturalWidth(th)
	}
	limit := max(min(w*0.75, 560), 6*inner)
	return min(b.natural, limit)
}

func (b *bubble) naturalWidth(th fyne.Theme) float32 {
	inner := th.Size(theme.SizeNameInnerPadding)
	size := th.Size(theme.SizeNameText)
	widest := func(s string, style fyne.TextStyle) float32 {
		var w float32
		for _, line := range strings.Split(s, "\n") {
			w = max(w, fyne.MeasureText(line, size, style).Width)
		}
		return w
	}
	var w float32
	if b.text != nil {
		w = widest(b.text.Text, b.text.TextStyle) + 2*inner
	}
	if b.postback != nil {
		w = max(w, widest(b.postback.Text, b.postback.TextStyle)+2*inner)
	}
	iconSize := th.Size(theme.SizeNameInlineIcon)
	for _, f := range b.files {
		text := ""
		switch l := f.link.(type) {
		case *widget.Hyperlink:
			text = l.Text
		case *widget.Label:
			text = l.Text
		}
		w = max(w, widest(text, fyne.TextStyle{})+iconSize+3*inner)
		if f.thumb != nil {
			w = max(w, f.thumb.size.Width+2*inner)
		}
	}
	if b.card != nil {
		w = max(w, cardWidth)
	}
	w = max(w, b.time.MinSize().Width+2*inner, 4*inner)
	if b.reaction != nil {
		w = max(w, b.reaction.MinSize().Width+2*inner)
	}
	// Measured and rendered widths differ by a little (emoji, kerning at
	// the end of a line): a few pixels short would wrap the last word.
	return w + inner/2
}

func (b *bubble) heightFor(w float32) float32 {
	if w <= 0 {
		w = 400 // not laid out yet; any sane guess, corrected at layout
	}
	if w != b.cacheW {
		b.cacheW, b.cacheH = w, b.geometry(w, false)
	}
	return b.cacheH
}

func (b *bubble) CreateRenderer() fyne.WidgetRenderer {
	return &bubbleRenderer{b: b}
}

type bubbleRenderer struct{ b *bubble }

func (r *bubbleRenderer) Objects() []fyne.CanvasObject {
	b := r.b
	objs := []fyne.CanvasObject{b.bg}
	if b.card != nil {
		objs = b.card.objects(objs)
	}
	if b.text != nil {
		objs = append(objs, b.text)
	}
	if b.postback != nil {
		objs = append(objs, b.postback)
	}
	for _, f := range b.files {
		if f.thumb != nil {
			objs = append(objs, f.thumb)
		}
		objs = append(objs, f.icon, f.link)
	}
	objs = append(objs, b.time)
	if b.reaction != nil {
		objs = append(objs, b.reaction)
	}
	return objs
}

func (r *bubbleRenderer) Layout(size fyne.Size) { r.b.geometry(size.Width, true) }

func (r *bubbleRenderer) MinSize() fyne.Size { return r.b.MinSize() }

func (r *bubbleRenderer) Destroy() {}

func (r *bubbleRenderer) Refresh() {
	b := r.b
	b.applyTheme()
	th := b.Theme()
	// Re-measure only when the theme's text sizes changed: a refresh of
	// the thread refreshes every bubble.
	if key := fyne.NewSize(th.Size(theme.SizeNameText), th.Size(theme.SizeNameCaptionText)); key != b.measuredWith {
		b.measuredWith = key
		b.cacheW, b.natural = 0, 0
	}
	r.Layout(b.Size())
	for _, o := range r.Objects() {
		o.Refresh()
	}
}
