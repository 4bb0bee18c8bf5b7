package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// attentionBar shows the banners over the list. It is rebuilt only when
// the banners read differently, so a status that changes every second
// (sync progress) does not flicker it.
type attentionBar struct {
	root  *fyne.Container
	shown []attention
	onFix func(fixAction)
	// can says whether a fix can be run here; a banner whose fix
	// cannot has no button.
	can func(fixAction) bool
}

func newAttentionBar(onFix func(fixAction)) *attentionBar {
	b := &attentionBar{root: container.NewVBox(), onFix: onFix}
	b.root.Hide()
	return b
}

// set shows the banners of s and reports whether they changed (the
// container holding the bar must then be laid out again).
func (b *attentionBar) set(s Status) bool {
	list := attentions(s)
	if sameAttentions(list, b.shown) {
		return false
	}
	b.shown = list
	b.root.Objects = b.root.Objects[:0]
	for _, a := range list {
		b.root.Add(b.banner(a))
	}
	b.root.Hidden = len(list) == 0
	b.root.Refresh()
	return true
}

func sameAttentions(a, b []attention) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// banner is one attention: a tinted band with an icon, the title in bold,
// the sentence that explains it, and the button that fixes it.
func (b *attentionBar) banner(a attention) fyne.CanvasObject {
	var icon fyne.Resource = theme.NewWarningThemedResource(theme.WarningIcon())
	tint := theme.ColorNameWarning
	if a.Severity == sevError {
		icon = theme.NewErrorThemedResource(theme.ErrorIcon())
		tint = theme.ColorNameError
	}
	title := widget.NewLabel(a.Title)
	title.TextStyle.Bold = true
	title.Wrapping = fyne.TextWrapWord
	body := widget.NewLabel(a.Body)
	body.Wrapping = fyne.TextWrapWord
	texts := container.New(&tightVBox{}, title, body)
	var action fyne.CanvasObject
	if a.Action != "" && (b.can == nil || b.can(a.Fix)) {
		fix := a.Fix
		btn := widget.NewButton(a.Action, func() { b.onFix(fix) })
		btn.Importance = widget.HighImportance
		action = container.NewCenter(btn)
	}
	row := container.NewBorder(nil, nil, container.NewCenter(sized(widget.NewIcon(icon), 28)), action, texts)
	return tinted(tint, container.NewPadded(row))
}

// tinted lays content over a faint wash of the theme colour name, with a
// bar of the full colour down its left edge.
func tinted(name fyne.ThemeColorName, content fyne.CanvasObject) fyne.CanvasObject {
	c := themeColor(name)
	r, g, bl, _ := c.RGBA()
	wash := canvas.NewRectangle(color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(bl >> 8), A: 0x26})
	edge := canvas.NewRectangle(c)
	edge.SetMinSize(fyne.NewSize(4, 0))
	return container.NewStack(wash, container.NewBorder(nil, nil, edge, nil, content))
}

func themeColor(name fyne.ThemeColorName) color.Color {
	return theme.Current().Color(name, fyne.CurrentApp().Settings().ThemeVariant())
}

// sized gives o a fixed square size.
func sized(o fyne.CanvasObject, side float32) fyne.CanvasObject {
	return container.NewGridWrap(fyne.NewSquareSize(side), o)
}

// tightVBox stacks objects with no padding between them, for a title and
// the sentence under it that read as one block.
type tightVBox struct{}

func (tightVBox) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objects {
		if !o.Visible() {
			continue
		}
		m := o.MinSize()
		s.Width = max(s.Width, m.Width)
		s.Height += m.Height - theme.Padding()
	}
	return s
}

func (tightVBox) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	var y float32
	for _, o := range objects {
		if !o.Visible() {
			continue
		}
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, o.MinSize().Height))
		y += o.MinSize().Height - theme.Padding()
	}
}
