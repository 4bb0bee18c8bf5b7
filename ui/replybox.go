package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// replyBox is the bottom of the thread: the window in words, the text,
// the Send button and, once the standard window closed, the choice of a
// human-agent reply. It holds no state of its own beyond what it shows:
// the reply controller (reply.go) decides, the box paints.
type replyBox struct {
	root   *fyne.Container
	icon   *widget.Icon
	line   *widget.Label
	line2  *widget.Label // what follows "; " in the line, under it
	human  *widget.Check
	entry  *composeEntry
	send   *widget.Button
	body   *fyne.Container // the entry and Send: hidden while nothing can be typed or kept
	gate   replyGate
	onSend func()
	// onChanged is the merchant typing (not the box being set).
	onChanged func(string)
	// onHuman is the merchant ticking or clearing "Reply as human agent".
	onHuman func(bool)
	setting bool // the box is being set: its callbacks are not the merchant's
	// resized lays out what holds the box again: its height changed.
	resized func()
}

const composePlaceholder = "Write a reply… (Shift+Enter for a new line)"

func newReplyBox() *replyBox {
	r := &replyBox{
		icon:  widget.NewIcon(theme.HistoryIcon()),
		line:  widget.NewLabel(""),
		line2: widget.NewLabel(""),
		entry: newComposeEntry(),
	}
	// Two lines that never wrap: a wrapped label's height is known only
	// after it is laid out, too late for the box's.
	r.line.Truncation = fyne.TextTruncateEllipsis
	r.line2.Truncation = fyne.TextTruncateEllipsis
	r.line2.SizeName = theme.SizeNameCaptionText
	r.human = widget.NewCheck("Reply as human agent", func(on bool) {
		if !r.setting && r.onHuman != nil {
			r.onHuman(on)
		}
	})
	r.send = widget.NewButtonWithIcon("Send", theme.MailSendIcon(), func() { r.trySend() })
	r.send.Importance = widget.HighImportance
	r.entry.SetPlaceHolder(composePlaceholder)
	r.entry.onSend = r.trySend
	r.entry.OnChanged = func(s string) {
		r.syncSend()
		if !r.setting && r.onChanged != nil {
			r.onChanged(s)
		}
	}

	head := container.NewBorder(nil, nil, container.NewVBox(r.icon), nil, container.New(&stackedText{}, r.line, r.line2))
	r.body = container.NewBorder(nil, nil, nil, container.NewVBox(r.send), r.entry)
	r.root = container.NewVBox(widget.NewSeparator(), container.NewPadded(container.NewVBox(head, r.human, r.body)))
	r.root.Hide()
	return r
}

// trySend is Enter or the button: the controller sends only what the
// gate allows; an empty box sends nothing.
func (r *replyBox) trySend() {
	if r.gate.canSend && strings.TrimSpace(r.entry.Text) != "" && r.onSend != nil {
		r.onSend()
	}
}

// setGate paints g.
func (r *replyBox) setGate(g replyGate, humanAgent bool) {
	r.gate = g
	r.setting = true
	defer func() { r.setting = false }()
	first, second, _ := strings.Cut(g.line, "; ")
	r.line.SetText(first)
	r.line2.SetText(capitalize(second))
	r.line2.Hidden = second == ""
	switch g.tone {
	case toneWarning:
		r.line.Importance = widget.WarningImportance
		r.icon.SetResource(theme.NewWarningThemedResource(theme.HistoryIcon()))
	case toneClosed:
		r.line.Importance = widget.MediumImportance
		r.icon.SetResource(theme.InfoIcon())
	default:
		r.line.Importance = widget.MediumImportance
		r.icon.SetResource(theme.HistoryIcon())
	}
	r.line.Refresh()
	r.human.Hidden = !g.offerHumanAgent
	r.human.SetChecked(humanAgent && g.offerHumanAgent)
	if g.canType {
		r.entry.Enable()
		r.entry.SetPlaceHolder(composePlaceholder)
	} else {
		r.entry.Disable()
		r.entry.SetPlaceHolder("")
	}
	// A closed box with nothing in it is only in the way; one holding a
	// draft shows it, greyed, so nothing seems lost.
	r.body.Hidden = !g.canType && r.entry.Text == ""
	r.syncSend()
	r.relayout()
}

func (r *replyBox) relayout() {
	if r.resized != nil {
		r.resized()
	} else {
		r.root.Refresh()
	}
}

// syncSend enables Send when there is something to send and it may go.
func (r *replyBox) syncSend() {
	if r.gate.canSend && strings.TrimSpace(r.entry.Text) != "" {
		r.send.Enable()
	} else {
		r.send.Disable()
	}
}

// setText replaces the box's text without it counting as typing.
func (r *replyBox) setText(s string) {
	r.setting = true
	r.entry.SetText(s)
	r.setting = false
	if hide := !r.gate.canType && s == ""; hide != r.body.Hidden {
		r.body.Hidden = hide
		r.relayout()
	}
	r.syncSend()
}
