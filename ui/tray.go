package ui

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
)

// The tray menu is a pure function of Status (and the clock, for "synced
// 10:42"): trayModel builds it, and the App turns it into Fyne menu items.
// Keeping the model plain lets it be tested, and compared, without a tray
// host: every refresh of a real tray menu rebuilds it over D-Bus, so the
// App only pushes a model that differs from the one shown.

// trayAction says what a tray item does.
type trayAction int

const (
	trayNone trayAction = iota // the status line
	trayOpen
	traySync
	trayQuit
	traySeparator
	traySettings
	trayAbout
	traySignIn
)

// trayItem is one line of the tray menu.
type trayItem struct {
	Label    string
	Disabled bool
	Action   trayAction
}

// trayModel is the tray menu for s at now: open, sync, the status
// sentence (disabled: it is information, not a button) and, when a page
// needs it, the sign-in that fixes it; then settings and about, and Quit
// last so that Fyne does not append a second one.
func trayModel(s Status, now time.Time) []trayItem {
	items := []trayItem{
		{Label: "Open Merchant Inbox", Action: trayOpen},
		{Label: "Sync now", Action: traySync, Disabled: !canSync(s)},
		{Label: statusSentence(s, now), Disabled: true, Action: trayNone},
	}
	if len(s.NeedsSignIn) > 0 {
		items = append(items, trayItem{Label: "Sign in again…", Action: traySignIn})
	}
	return append(items, trayTail()...)
}

// trayTail is the end of every menu.
func trayTail() []trayItem {
	return []trayItem{
		{Action: traySeparator},
		{Label: "Settings…", Action: traySettings},
		{Label: "About Merchant Inbox", Action: trayAbout},
		{Action: traySeparator},
		{Label: "Quit", Action: trayQuit},
	}
}

// trayStarting is the menu until the first status is read.
func trayStarting() []trayItem {
	return append([]trayItem{
		{Label: "Open Merchant Inbox", Action: trayOpen},
		{Label: "Sync now", Action: traySync, Disabled: true},
		{Label: "Starting…", Disabled: true, Action: trayNone},
	}, trayTail()...)
}

// canSync reports whether "Sync now" has anything to do. While a poll
// runs it stays enabled: a click then queues one more, as the CLI does.
func canSync(s Status) bool { return s.Pages > 0 }

// String renders the model one item a line, for tests and logs:
// disabled items in parentheses, the separator as "---".
func trayText(items []trayItem) string {
	var b strings.Builder
	for _, it := range items {
		switch {
		case it.Action == traySeparator:
			b.WriteString("---")
		case it.Disabled:
			b.WriteString("(" + it.Label + ")")
		default:
			b.WriteString(it.Label)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func sameTray(a, b []trayItem) bool {
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

// trayMenuItems turns the model into Fyne items. do runs an action; it is
// given the action, not a closure over the model, so that a click on a
// stale menu (or over D-Bus on a disabled item, which Fyne still
// delivers) is judged against the state at click time.
func trayMenuItems(items []trayItem, do func(trayAction)) []*fyne.MenuItem {
	out := make([]*fyne.MenuItem, 0, len(items))
	for _, it := range items {
		if it.Action == traySeparator {
			out = append(out, fyne.NewMenuItemSeparator())
			continue
		}
		var mi *fyne.MenuItem
		if it.Action == trayNone {
			mi = fyne.NewMenuItem(it.Label, nil)
		} else {
			act := it.Action
			mi = fyne.NewMenuItem(it.Label, func() { do(act) })
		}
		mi.Disabled = it.Disabled
		mi.IsQuit = it.Action == trayQuit
		out = append(out, mi)
	}
	return out
}
