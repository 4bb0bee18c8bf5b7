package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// statusBar is the window's bottom line: the same sentence as the tray's
// status item, with a little more detail (why webhooks are down, when
// the next sync runs) and a Sync button, so the window alone is enough
// to see and fix how the inbox is kept up to date.
type statusBar struct {
	root     *fyne.Container
	icon     *widget.Icon
	activity *widget.Activity
	text     *widget.Label
	detail   *widget.RichText
	sync     *widget.Button
	status   Status
}

func newStatusBar(onSync func()) *statusBar {
	b := &statusBar{
		icon:     widget.NewIcon(theme.ConfirmIcon()),
		activity: widget.NewActivity(),
		text:     widget.NewLabel(""),
		detail:   widget.NewRichText(&widget.TextSegment{}),
		sync:     widget.NewButtonWithIcon("Sync now", theme.ViewRefreshIcon(), onSync),
	}
	b.detail.Truncation = fyne.TextTruncateEllipsis
	b.sync.Importance = widget.LowImportance
	b.activity.Hide()
	lead := container.NewStack(b.icon, b.activity)
	texts := container.NewBorder(nil, nil, b.text, nil, b.detail)
	b.root = container.NewVBox(widget.NewSeparator(),
		container.NewBorder(nil, nil, container.NewPadded(lead), b.sync, texts))
	return b
}

// set shows s as of now.
func (b *statusBar) set(s Status, now time.Time) {
	b.status = s
	b.text.SetText(statusSentence(s, now))
	detail := statusDetail(s, now)
	setSegment(b.detail, detail, theme.ColorNamePlaceHolder, fyne.TextStyle{})
	b.detail.Hidden = detail == ""
	switch {
	case s.Sync.Running:
		b.icon.Hide()
		b.activity.Show()
		b.activity.Start()
	default:
		b.activity.Stop()
		b.activity.Hide()
		b.icon.SetResource(statusIcon(s))
		b.icon.Show()
	}
	if canSync(s) {
		b.sync.Enable()
	} else {
		b.sync.Disable()
	}
	b.root.Refresh()
}

// statusIcon marks what needs the merchant in the theme's warning and
// error colours, and a calm state with a tick.
func statusIcon(s Status) fyne.Resource {
	switch {
	case s.Pages == 0:
		return theme.InfoIcon()
	case len(s.NeedsSignIn) > 0:
		return theme.NewWarningThemedResource(theme.WarningIcon())
	case s.Sync.LastErr != "":
		return theme.NewErrorThemedResource(theme.ErrorIcon())
	case s.Tunnel.State == TunnelDown:
		return theme.NewWarningThemedResource(theme.MediaRecordIcon())
	case s.Tunnel.State == TunnelUp:
		return theme.NewSuccessThemedResource(theme.MediaRecordIcon())
	}
	return theme.NewThemedResource(theme.MediaRecordIcon())
}
