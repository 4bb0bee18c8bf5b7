package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
)

// heightForWidth is an object whose height depends on the width it gets:
// wrapped text.
type heightForWidth interface {
	heightFor(w float32) float32
}

// columnLayout stacks a thread's items top to bottom. Unlike a VBox it
// knows the width the column will get (the thread view tells it before
// the scroller asks for a size), so wrapped bubbles report their real
// height and the scroller's extent is right on the first frame, not one
// frame later.
type columnLayout struct {
	width float32
}

func (l *columnLayout) height(o fyne.CanvasObject, w float32) float32 {
	if h, ok := o.(heightForWidth); ok {
		return h.heightFor(w)
	}
	return o.MinSize().Height
}

func (l *columnLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	pad := theme.Padding()
	var h float32
	n := 0
	for _, o := range objects {
		if !o.Visible() {
			continue
		}
		h += l.height(o, l.width)
		n++
	}
	if n > 1 {
		h += pad * float32(n-1)
	}
	return fyne.NewSize(0, h)
}

func (l *columnLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	l.width = size.Width
	y := float32(0)
	for _, o := range objects {
		if !o.Visible() {
			continue
		}
		h := l.height(o, size.Width)
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, h))
		y += h + pad
	}
}

// widthTracker lays out its one child (the thread's scroller) to fill it,
// telling the column the width first.
type widthTracker struct {
	col *columnLayout
}

func (t *widthTracker) MinSize(objects []fyne.CanvasObject) fyne.Size {
	return objects[0].MinSize()
}

func (t *widthTracker) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	t.col.width = size.Width
	objects[0].Move(fyne.NewPos(0, 0))
	objects[0].Resize(size)
}

// listWidthKeeper keeps the conversation list as many pixels wide as it
// was when the window is resized: a split keeps a fraction, which would
// squeeze the list in a narrow window and waste space in a wide one.
// A width the merchant dragged the divider to is kept the same way.
type listWidthKeeper struct {
	split *container.Split
	width float32 // the width last laid out
	px    float32 // the list's width in pixels
	set   float64 // the offset last set here (another one was dragged)
}

func (k *listWidthKeeper) MinSize(objects []fyne.CanvasObject) fyne.Size {
	return objects[0].MinSize()
}

func (k *listWidthKeeper) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	if k.px == 0 {
		k.px = listWidth
	}
	if k.width > 0 && k.split.Offset != k.set {
		k.px = float32(k.split.Offset) * k.width
	}
	if size.Width > 0 && size.Width != k.width {
		k.set = float64(min(max(k.px/size.Width, 0.2), 0.6))
		k.split.Offset = k.set
		k.width = size.Width
	}
	objects[0].Move(fyne.NewPos(0, 0))
	objects[0].Resize(size)
}

// stackedText puts a title and a subtitle under each other, tight: the
// labels' own padding would leave a gap between them.
type stackedText struct{}

func (stackedText) MinSize(objects []fyne.CanvasObject) fyne.Size {
	if !objects[1].Visible() {
		return objects[0].MinSize()
	}
	a, b := objects[0].MinSize(), objects[1].MinSize()
	inner := theme.InnerPadding()
	return fyne.NewSize(max(a.Width, b.Width), a.Height+b.Height-inner*1.5)
}

func (stackedText) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	if !objects[1].Visible() {
		objects[0].Move(fyne.NewPos(0, 0))
		objects[0].Resize(size)
		return
	}
	a, b := objects[0].MinSize(), objects[1].MinSize()
	inner := theme.InnerPadding()
	top := (size.Height - (a.Height + b.Height - inner*1.5)) / 2
	objects[0].Move(fyne.NewPos(0, top))
	objects[0].Resize(fyne.NewSize(size.Width, a.Height))
	objects[1].Move(fyne.NewPos(0, top+a.Height-inner*1.5))
	objects[1].Resize(fyne.NewSize(size.Width, b.Height))
}
