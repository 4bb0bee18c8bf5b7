package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// composeEntry is the reply box's text: a multi-line entry where Enter
// sends and Shift+Enter breaks the line, as in every chat client. Fyne's
// own multi-line entry does the opposite (Enter breaks, Shift+Enter
// submits), so Return is taken over here; Shift is known from the key
// events the entry gets, or from the driver when it can tell.
type composeEntry struct {
	widget.Entry
	onSend func() // Enter without Shift
	shift  bool   // a Shift key is held
}

func newComposeEntry() *composeEntry {
	e := &composeEntry{}
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapWord
	e.ExtendBaseWidget(e)
	e.SetMinRowsVisible(3)
	return e
}

func (e *composeEntry) KeyDown(k *fyne.KeyEvent) {
	if k.Name == desktop.KeyShiftLeft || k.Name == desktop.KeyShiftRight {
		e.shift = true
	}
	e.Entry.KeyDown(k)
}

func (e *composeEntry) KeyUp(k *fyne.KeyEvent) {
	if k.Name == desktop.KeyShiftLeft || k.Name == desktop.KeyShiftRight {
		e.shift = false
	}
	e.Entry.KeyUp(k)
}

// FocusLost forgets Shift: its release may go to another widget.
func (e *composeEntry) FocusLost() {
	e.shift = false
	e.Entry.FocusLost()
}

func (e *composeEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name != fyne.KeyReturn && k.Name != fyne.KeyEnter {
		e.Entry.TypedKey(k)
		return
	}
	if e.Disabled() {
		return
	}
	if e.shiftHeld() {
		e.insert("\n")
		return
	}
	if e.onSend != nil {
		e.onSend()
	}
}

func (e *composeEntry) shiftHeld() bool {
	if e.shift {
		return true
	}
	if d, ok := fyne.CurrentApp().Driver().(desktop.Driver); ok {
		return d.CurrentKeyModifiers()&fyne.KeyModifierShift != 0
	}
	return false
}

// insert puts s at the cursor, replacing a selection, and leaves the
// cursor after it, as a paste does (it is one, from a private clipboard,
// so that undo and wrapping follow Fyne's own rules).
func (e *composeEntry) insert(s string) {
	e.Entry.TypedShortcut(&fyne.ShortcutPaste{Clipboard: &textClipboard{s}})
}

// textClipboard holds one text for insert.
type textClipboard struct{ s string }

func (c *textClipboard) Content() string     { return c.s }
func (c *textClipboard) SetContent(s string) { c.s = s }
