package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// emptyState fills a pane that has nothing to show with what to do about
// it: a title, a sentence, and where there is one, the command or the
// button that changes it. An empty pane with no words looks broken.
type emptyState struct {
	root    *fyne.Container
	icon    *widget.Icon
	title   *widget.Label
	body    *widget.Label
	code    *widget.Label // a command to copy; hidden with codeBox when none
	copy    *widget.Button
	codeBox *fyne.Container
	action  *widget.Button
	width   *maxWidth // the reading width
}

func newEmptyState() *emptyState {
	e := &emptyState{
		icon:   widget.NewIcon(nil),
		title:  widget.NewLabel(""),
		body:   widget.NewLabel(""),
		code:   widget.NewLabel(""),
		action: widget.NewButton("", nil),
	}
	e.copy = widget.NewButtonWithIcon("", theme.ContentCopyIcon(), func() {
		fyne.CurrentApp().Clipboard().SetContent(e.code.Text)
	})
	e.copy.Importance = widget.LowImportance
	e.title.TextStyle.Bold = true
	e.title.Alignment = fyne.TextAlignCenter
	e.title.Wrapping = fyne.TextWrapWord
	e.title.SizeName = theme.SizeNameSubHeadingText
	e.body.Alignment = fyne.TextAlignCenter
	e.body.Wrapping = fyne.TextWrapWord
	e.body.Importance = widget.MediumImportance
	e.code.TextStyle.Monospace = true
	e.code.Selectable = true
	e.codeBox = container.NewCenter(container.NewHBox(e.code, e.copy))
	e.action.Importance = widget.HighImportance

	iconBox := container.NewCenter(container.NewGridWrap(fyne.NewSquareSize(48), e.icon))
	column := container.NewVBox(iconBox, e.title, e.body, e.codeBox, container.NewCenter(e.action))
	// A fixed reading width keeps the sentences in a block instead of one
	// line across a wide pane.
	e.width = &maxWidth{width: 380}
	e.root = container.NewCenter(container.New(e.width, column))
	return e
}

// show sets the words; code and action are optional ("" / nil).
func (e *emptyState) show(icon fyne.Resource, title, body, code, actionLabel string, action func()) {
	e.icon.SetResource(icon)
	e.icon.Hidden = icon == nil
	e.title.SetText(title)
	e.body.SetText(body)
	e.body.Hidden = body == ""
	e.code.SetText(code)
	e.codeBox.Hidden = code == ""
	e.action.SetText(actionLabel)
	e.action.OnTapped = action
	e.action.Hidden = action == nil
	e.root.Refresh()
}

// maxWidth gives its objects one width (so wrapped labels wrap there) and
// their natural height.
type maxWidth struct{ width float32 }

func (m *maxWidth) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var h float32
	for _, o := range objects {
		o.Resize(fyne.NewSize(m.width, o.Size().Height))
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(m.width, h)
}

func (m *maxWidth) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objects {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

var _ fyne.Layout = (*maxWidth)(nil)
