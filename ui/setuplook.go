package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The pieces the setup and settings screens are built of: cards on the
// window's background, a step's header with its state, a reading column.

// roundedRect is a filled rectangle in a theme colour with the theme's
// input corner radius.
func roundedRect(name fyne.ThemeColorName) *canvas.Rectangle {
	r := canvas.NewRectangle(themeColor(name))
	r.CornerRadius = theme.InputRadiusSize()
	return r
}

// card sets content on a raised panel.
func card(content fyne.CanvasObject) fyne.CanvasObject {
	bg := canvas.NewRectangle(themeColor(theme.ColorNameHeaderBackground))
	bg.CornerRadius = 2 * theme.InputRadiusSize()
	bg.StrokeColor = themeColor(theme.ColorNameSeparator)
	bg.StrokeWidth = 1
	pad := theme.Padding() * 2
	return container.NewStack(bg, container.New(padLayout{pad}, content))
}

// padLayout insets its objects by n on every side.
type padLayout struct{ n float32 }

func (p padLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objects {
		s = s.Max(o.MinSize())
	}
	return s.AddWidthHeight(2*p.n, 2*p.n)
}

func (p padLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objects {
		o.Move(fyne.NewPos(p.n, p.n))
		o.Resize(size.SubtractWidthHeight(2*p.n, 2*p.n))
	}
}

// stepState is where a step of the setup stands.
type stepState int

const (
	stepTodo stepState = iota
	stepDone
	stepOptional
	stepError
)

// stepHeader is a step's title line: its number (a tick once done), its
// title and subtitle, and its state in words on the right.
type stepHeader struct {
	root     *fyne.Container
	num      *canvas.Text
	disc     *canvas.Circle
	tick     *widget.Icon
	title    *widget.Label
	subtitle *widget.Label
	chip     *widget.Label
	// body, when set, folds away once the step is done, behind a
	// "Change" button: a finished step is one line.
	body   *fyne.Container
	toggle *widget.Button
	open   bool
	state  stepState
}

// folding makes body fold away when the step is done and returns the
// step's card content: the header over the body.
func (h *stepHeader) folding(body *fyne.Container) fyne.CanvasObject {
	h.body = body
	h.toggle.OnTapped = func() {
		h.open = !h.open
		h.set(h.state)
	}
	return container.NewVBox(h.root, body)
}

func newStepHeader(n, title, subtitle string) *stepHeader {
	h := &stepHeader{
		num:      canvas.NewText(n, themeColor(theme.ColorNameForegroundOnPrimary)),
		disc:     canvas.NewCircle(themeColor(theme.ColorNamePrimary)),
		tick:     widget.NewIcon(theme.NewInvertedThemedResource(theme.ConfirmIcon())),
		title:    widget.NewLabel(title),
		subtitle: widget.NewLabel(subtitle),
		chip:     widget.NewLabel(""),
		toggle:   widget.NewButton("Change", nil),
	}
	h.toggle.Importance = widget.LowImportance
	h.toggle.Hide()
	h.num.TextStyle.Bold = true
	h.num.Alignment = fyne.TextAlignCenter
	h.title.TextStyle.Bold = true
	h.title.SizeName = theme.SizeNameSubHeadingText
	h.subtitle.Wrapping = fyne.TextWrapWord
	h.subtitle.Importance = widget.MediumImportance
	h.chip.TextStyle.Bold = true
	badge := sized(container.NewStack(h.disc, container.NewCenter(h.num), container.NewPadded(h.tick)), 32)
	texts := container.New(&tightVBox{}, h.title, h.subtitle)
	h.root = container.NewBorder(nil, nil, container.NewVBox(badge), container.NewVBox(h.chip, h.toggle), texts)
	return h
}

// set shows the state.
func (h *stepHeader) set(s stepState) {
	h.state = s
	done := s == stepDone
	if h.body != nil {
		h.body.Hidden = done && !h.open
		h.toggle.Hidden = !done
		h.toggle.SetText(pick(h.open, "Done", "Change"))
		h.subtitle.Hidden = done && !h.open
	}
	h.num.Hidden = done
	h.tick.Hidden = !done
	switch s {
	case stepDone:
		h.disc.FillColor = themeColor(theme.ColorNameSuccess)
		h.chip.SetText("Done")
		h.chip.Importance = widget.SuccessImportance
	case stepError:
		h.disc.FillColor = themeColor(theme.ColorNameError)
		h.chip.SetText("Needs attention")
		h.chip.Importance = widget.DangerImportance
	case stepOptional:
		h.disc.FillColor = themeColor(theme.ColorNameDisabled)
		h.chip.SetText("Optional")
		h.chip.Importance = widget.MediumImportance
	default:
		h.disc.FillColor = themeColor(theme.ColorNamePrimary)
		h.chip.SetText("To do")
		h.chip.Importance = widget.WarningImportance
	}
	h.root.Refresh()
}

// readingColumn centres one object at most width wide, and lets it
// shrink to minWidth on a narrow window.
type readingColumn struct{ width, minWidth float32 }

func (c readingColumn) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objects {
		s = s.Max(o.MinSize())
	}
	return fyne.NewSize(max(c.minWidth, min(s.Width, c.width)), s.Height)
}

func (c readingColumn) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	w := min(size.Width, c.width)
	for _, o := range objects {
		o.Move(fyne.NewPos((size.Width-w)/2, 0))
		o.Resize(fyne.NewSize(w, size.Height))
	}
}

// paragraph is a wrapped sentence in the body's colour.
func paragraph(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// linkButton is a link to a web page, opened in the browser.
func linkButton(label, url string, open func(string)) *widget.Hyperlink {
	l := widget.NewHyperlink(label, nil)
	l.OnTapped = func() { open(url) }
	return l
}
