package ui

// The harness's view of a sign-in's dialog, the settings screen and the
// banners. Call inside UI.

import (
	"fyne.io/fyne/v2/test"
)

// Flow is the sign-in dialog as the merchant reads it.
type Flow struct {
	Shown            bool
	Headline, Body   string
	Waiting          bool     // the spinner turns
	Pages            []string // the checklist's labels
	Notices          string
	Button           string // Cancel while it runs, Close after
	CanOpenPageAgain bool
}

// Flow returns the sign-in dialog's state; Shown is false when none is up.
func (h *Harness) Flow() Flow {
	c := h.App.su.flow
	if c == nil || !c.dlg.Visible() {
		return Flow{}
	}
	fl := Flow{Shown: true, Headline: c.headline.Text, Body: c.body.Text,
		Waiting: c.activity.Visible(), Button: c.stop.Text, CanOpenPageAgain: c.link.Visible()}
	if c.pages.Visible() {
		for _, ch := range c.checks {
			fl.Pages = append(fl.Pages, ch.Text)
		}
	}
	if c.notices.Visible() {
		fl.Notices = c.notices.Text
	}
	return fl
}

// FlowUntick and FlowTick untick and tick the checklist's page i.
func (h *Harness) FlowUntick(i int) { h.App.su.flow.checks[i].SetChecked(false) }
func (h *Harness) FlowTick(i int)   { h.App.su.flow.checks[i].SetChecked(true) }

// FlowChoose presses "Sync these pages"; false when it cannot be pressed.
func (h *Harness) FlowChoose() bool {
	b := h.App.su.flow.choose
	if b.Disabled() {
		return false
	}
	test.Tap(b)
	return true
}

// FlowOpenAgain presses "Open the page again".
func (h *Harness) FlowOpenAgain() { tapIn(h.App.su.flow.link, "Open the page again") }

// FlowStop presses Cancel or Close.
func (h *Harness) FlowStop() { test.Tap(h.App.su.flow.stop) }

// Banners are the attention banners' titles and buttons, "Title|Button".
func (h *Harness) Banners() []string {
	var out []string
	for _, a := range h.App.view.attn.shown {
		label := a.Action
		if !h.App.view.attn.can(a.Fix) {
			label = ""
		}
		out = append(out, a.Title+"|"+label)
	}
	if !h.App.view.attn.root.Visible() || !h.App.view.inbox.Visible() {
		return nil
	}
	return out
}

// PressBanner presses the button of the banner titled title.
func (h *Harness) PressBanner(title string) bool {
	for i, a := range h.App.view.attn.shown {
		if a.Title == title {
			return tapIn(h.App.view.attn.root.Objects[i], a.Action)
		}
	}
	return false
}

// SettingsForm is the settings screen's fields.
type SettingsForm struct {
	PollAt, Listen, Domain, CacheMB string
	Notifications, StartAtLogin     bool
	Tunnel                          bool
	Folder, Version                 string
	CanSave                         bool
	Result                          string
	Override                        string // the note on what the command line set, "" when hidden
}

// Settings reads the settings screen.
func (h *Harness) Settings() SettingsForm {
	v := h.App.view.settings
	f := SettingsForm{PollAt: v.pollAt.entry.Text, Listen: v.listen.entry.Text, Domain: v.domain.entry.Text,
		CacheMB: v.cacheMB.entry.Text, Notifications: v.notify.Checked, StartAtLogin: v.login.Checked,
		Tunnel: v.tunnel.Checked, Folder: v.folder.Text, Version: v.version.Text, CanSave: !v.save.Disabled()}
	if v.result.Visible() {
		f.Result = v.result.Text
	}
	if v.override.Visible() {
		f.Override = v.override.Text
	}
	return f
}

// EditSettings types into the settings fields named (pollAt, listen,
// domain, cacheMB) and ticks the boxes (notifications, login, tunnel)
// with "on"/"off".
func (h *Harness) EditSettings(fields map[string]string) {
	v := h.App.view.settings
	entries := map[string]*settingEntry{"pollAt": v.pollAt, "listen": v.listen, "domain": v.domain, "cacheMB": v.cacheMB}
	for k, val := range fields {
		if e, ok := entries[k]; ok {
			e.entry.SetText(val)
			continue
		}
		map[string]func(bool){"notifications": v.notify.SetChecked, "login": v.login.SetChecked, "tunnel": v.tunnel.SetChecked}[k](val == "on")
	}
}

// SaveSettings presses Save changes.
func (h *Harness) SaveSettings() { test.Tap(h.App.view.settings.save) }

// SettingsReasons are the sentences under the settings fields.
func (h *Harness) SettingsReasons() map[string]string {
	v := h.App.view.settings
	out := map[string]string{}
	for k, e := range map[string]*settingEntry{"pollAt": v.pollAt, "listen": v.listen, "domain": v.domain, "cacheMB": v.cacheMB} {
		if e.reason.Visible() {
			out[k] = e.reason.Text
		}
	}
	return out
}

// OpenFolder presses Open folder.
func (h *Harness) OpenFolder() { tapIn(h.App.view.settings.root, "Open folder") }

// MenuItems returns the window menu's labels and runs the one labelled
// run, if any.
func (h *Harness) MenuItems(run string) []string {
	var out []string
	for _, it := range h.App.windowMenu().Items {
		if it.IsSeparator {
			continue
		}
		out = append(out, it.Label)
		if it.Label == run {
			it.Action()
		}
	}
	return out
}

// FlowIdle reports whether no sign-in runs: a new one may start.
func (h *Harness) FlowIdle() bool { return h.App.su.flow == nil || h.App.su.flow.ended }
