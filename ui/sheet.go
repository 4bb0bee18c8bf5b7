package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// sheet is a modal panel over the window: a title, content and buttons.
// The window's own pop-up serves, rather than Fyne's dialog package,
// whose file dialogs pull in a dependency the app does not need.
type sheet struct {
	pop   *widget.PopUp
	title *widget.Label
	// buttons are the sheet's actions, last the default one.
	buttons []*widget.Button
}

func newSheet(title string, content fyne.CanvasObject, c fyne.Canvas, buttons ...*widget.Button) *sheet {
	s := &sheet{title: widget.NewLabel(title), buttons: buttons}
	s.title.TextStyle.Bold = true
	s.title.SizeName = theme.SizeNameSubHeadingText
	row := container.NewHBox(layoutSpacer())
	for _, b := range buttons {
		row.Add(b)
	}
	body := container.NewBorder(s.title, row, nil, nil, content)
	s.pop = widget.NewModalPopUp(container.New(padLayout{theme.Padding() * 2}, body), c)
	return s
}

func (s *sheet) Show() { s.pop.Show() }
func (s *sheet) Hide() { s.pop.Hide() }

// Refresh fits the sheet to its content, which may have grown: a modal
// pop-up is sized and centred when shown, so it is shown anew.
func (s *sheet) Refresh() {
	if !s.pop.Visible() {
		return
	}
	s.pop.Hide()
	s.pop.Show()
}

// Visible reports whether the sheet is shown.
func (s *sheet) Visible() bool { return s.pop.Visible() }

// message is a sheet that says something, with a button that closes it.
func message(title, text string, c fyne.Canvas) *sheet {
	ok := widget.NewButton("OK", nil)
	ok.Importance = widget.HighImportance
	s := newSheet(title, container.New(&maxWidth{width: 400}, paragraph(text)), c, ok)
	ok.OnTapped = s.Hide
	return s
}

// confirmation asks before an action; yes runs only on the confirm button.
func confirmation(title, text, no, yes string, c fyne.Canvas, onYes func()) *sheet {
	cancel := widget.NewButton(no, nil)
	do := widget.NewButton(yes, nil)
	do.Importance = widget.DangerImportance
	s := newSheet(title, container.New(&maxWidth{width: 420}, paragraph(text)), c, cancel, do)
	cancel.OnTapped = s.Hide
	do.OnTapped = func() {
		s.Hide()
		onYes()
	}
	return s
}
