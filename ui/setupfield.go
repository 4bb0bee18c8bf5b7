package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// secretField is one value for the keychain. Until it is saved it is an
// entry with a Save button; once saved its value is never shown again,
// only "Saved" with Replace and Remove. A value that fails its check, or
// that the keychain refuses, gets the reason under the entry and nothing
// is stored.
type secretField struct {
	root   *fyne.Container
	name   *widget.Label
	entry  *widget.Entry
	save   *widget.Button
	cancel *widget.Button // stops replacing
	edit   *fyne.Container
	saved  *fyne.Container
	reason *widget.Label
	hint   *widget.Label

	secret    Secret
	check     Check
	isSaved   bool
	replacing bool
	busy      bool

	// onSave stores the value (off the UI goroutine); done reports its
	// outcome on the UI goroutine. onRemove deletes it.
	onSave   func(s Secret, value string, done func(error))
	onRemove func(s Secret, done func(error))
}

func newSecretField(label, placeholder, hint string, s Secret, password bool, check Check) *secretField {
	f := &secretField{secret: s, check: check}
	f.name = widget.NewLabel(label)
	f.name.TextStyle.Bold = true
	if password {
		f.entry = widget.NewPasswordEntry()
	} else {
		f.entry = widget.NewEntry()
	}
	f.entry.SetPlaceHolder(placeholder)
	f.entry.OnSubmitted = func(string) { f.submit() }
	f.entry.OnChanged = func(string) { f.reason.Hide() }
	f.save = widget.NewButton("Save", f.submit)
	f.cancel = widget.NewButtonWithIcon("", theme.CancelIcon(), func() {
		f.replacing = false
		f.entry.SetText("")
		f.layout()
	})
	f.cancel.Importance = widget.LowImportance
	f.edit = container.NewBorder(nil, nil, nil, container.NewHBox(f.save, f.cancel), f.entry)

	tick := widget.NewIcon(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
	savedText := widget.NewLabel("Saved in your keychain")
	savedText.Importance = widget.SuccessImportance
	replace := widget.NewButton("Replace", func() {
		f.replacing = true
		f.layout()
	})
	remove := widget.NewButton("Remove", func() { f.remove() })
	remove.Importance = widget.LowImportance
	replace.Importance = widget.LowImportance
	f.saved = container.NewBorder(nil, nil, container.NewHBox(tick, savedText), container.NewHBox(replace, remove))

	f.reason = widget.NewLabel("")
	f.reason.Importance = widget.DangerImportance
	f.reason.Wrapping = fyne.TextWrapWord
	f.reason.Hide()
	f.hint = widget.NewLabel(hint)
	f.hint.Wrapping = fyne.TextWrapWord
	f.hint.SizeName = theme.SizeNameCaptionText
	f.hint.Importance = widget.MediumImportance
	f.hint.Hidden = hint == ""
	f.root = container.New(&tightVBox{}, f.name, f.edit, f.saved, f.reason, f.hint)
	f.layout()
	return f
}

// setSaved follows the keychain: a value saved elsewhere (the command
// line) shows as saved too.
func (f *secretField) setSaved(saved bool) {
	if saved != f.isSaved {
		f.isSaved = saved
		if !saved {
			f.replacing = false
		}
		f.layout()
	}
}

func (f *secretField) layout() {
	editing := !f.isSaved || f.replacing
	f.edit.Hidden = !editing
	f.saved.Hidden = editing
	f.cancel.Hidden = !f.replacing
	if f.busy {
		f.save.Disable()
		f.entry.Disable()
	} else {
		f.save.Enable()
		f.entry.Enable()
	}
	f.root.Refresh()
}

// fail shows why nothing was stored.
func (f *secretField) fail(reason string) {
	f.reason.SetText(reason)
	f.reason.Show()
	f.root.Refresh()
}

func (f *secretField) submit() {
	if f.busy {
		return
	}
	value := f.entry.Text
	if strings.TrimSpace(value) == "" {
		f.fail("Paste the value first.")
		return
	}
	if err := f.check.run(value); err != nil {
		f.fail(sentence(err))
		return
	}
	f.busy = true
	f.layout()
	f.onSave(f.secret, value, func(err error) {
		f.busy = false
		if err != nil {
			f.layout()
			f.fail("Not saved: " + sentence(err))
			return
		}
		f.entry.SetText("") // the value leaves the window
		f.reason.Hide()
		f.isSaved, f.replacing = true, false
		f.layout()
	})
}

func (f *secretField) remove() {
	f.onRemove(f.secret, func(err error) {
		if err != nil {
			f.fail("Not removed: " + sentence(err))
			return
		}
		f.isSaved, f.replacing = false, false
		f.reason.Hide()
		f.layout()
	})
}

// copyRow shows a value to register elsewhere (a redirect URI) in a
// fixed-width font with a Copy button.
type copyRow struct {
	root   *fyne.Container
	text   *widget.Label
	copyFn func(string)
	button *widget.Button
}

func newCopyRow(copyFn func(string)) *copyRow {
	r := &copyRow{text: widget.NewLabel(""), copyFn: copyFn}
	r.text.TextStyle.Monospace = true
	r.text.Selectable = true
	r.text.Truncation = fyne.TextTruncateEllipsis
	r.button = widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), nil)
	r.button.OnTapped = func() {
		r.copyFn(r.text.Text)
		r.button.SetText("Copied")
		r.button.SetIcon(theme.ConfirmIcon())
	}
	bg := roundedRect(theme.ColorNameInputBackground)
	r.root = container.NewStack(bg, container.NewBorder(nil, nil, nil, r.button, r.text))
	return r
}

func (r *copyRow) set(text string) {
	if r.text.Text != text {
		r.text.SetText(text)
		r.button.SetText("Copy")
		r.button.SetIcon(theme.ContentCopyIcon())
	}
}
