package ui

import (
	"errors"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// settingsView is the settings screen. Every field is checked before
// anything is saved; a field that fails shows why under it and nothing is
// written. Saved settings apply at once: the engine restarts with them.
type settingsView struct {
	root     *fyne.Container
	pollAt   *settingEntry
	listen   *settingEntry
	domain   *settingEntry
	cacheMB  *settingEntry
	notify   *widget.Check
	login    *widget.Check
	tunnel   *widget.Check
	loginRow *fyne.Container
	folder   *widget.Label
	version  *widget.Label
	save     *widget.Button
	result   *widget.Label
	override *widget.Label // what the command line set for this run
	checks   Checks
	loaded   Settings
	dataDir  string

	onBack   func()
	onSave   func(Settings, func(error))
	onFolder func(dir string)
}

func newSettingsView(checks Checks, version string) *settingsView {
	v := &settingsView{checks: checks}
	back := widget.NewButtonWithIcon("Back to conversations", theme.NavigateBackIcon(), func() { v.onBack() })
	back.Importance = widget.LowImportance
	title := widget.NewLabel("Settings")
	title.TextStyle.Bold = true
	title.SizeName = theme.SizeNameHeadingText

	changed := func() { v.changed() }
	v.pollAt = newSettingEntry("Daily sync", "HH:MM, e.g. 07:30", "Merchant Inbox reads every page once a day at this time, besides the messages that arrive live.", changed)
	v.notify = widget.NewCheck("Show a notification for each new message", func(bool) { changed() })
	v.login = widget.NewCheck("Start Merchant Inbox when I log in", func(bool) { changed() })
	v.loginRow = container.NewVBox(v.login)
	v.tunnel = widget.NewCheck("Receive messages instantly through ngrok", func(bool) { changed() })
	v.domain = newSettingEntry("Static domain", "e.g. lila-shop.ngrok-free.app", "Leave empty for a new address at each start (fine while your Meta app is in development).", changed)
	v.listen = newSettingEntry("Local address", "127.0.0.1:8080", "Where the app listens on this computer. Change it only if another program uses the port.", changed)
	v.cacheMB = newSettingEntry("Picture cache", "megabytes, e.g. 500", "The customers' pictures kept on this computer, in megabytes. The oldest go first.", changed)

	v.folder = widget.NewLabel("")
	v.folder.TextStyle.Monospace = true
	v.folder.Truncation = fyne.TextTruncateEllipsis
	open := widget.NewButtonWithIcon("Open folder", theme.FolderOpenIcon(), func() { v.onFolder(v.dataDir) })
	v.version = widget.NewLabel("Merchant Inbox " + versionWords(version))

	v.save = widget.NewButtonWithIcon("Save changes", theme.DocumentSaveIcon(), v.submit)
	v.save.Importance = widget.HighImportance
	v.result = widget.NewLabel("")
	v.result.Wrapping = fyne.TextWrapWord
	v.result.Hide()
	v.override = widget.NewLabel("")
	v.override.Wrapping = fyne.TextWrapWord
	v.override.Importance = widget.WarningImportance
	v.override.Hide()

	section := func(name string) fyne.CanvasObject {
		l := widget.NewLabel(name)
		l.TextStyle.Bold = true
		l.SizeName = theme.SizeNameSubHeadingText
		return l
	}
	column := container.NewVBox(title, v.override,
		card(container.NewVBox(section("Syncing"), v.pollAt.root, v.notify, v.loginRow)),
		card(container.NewVBox(section("Live messages"), v.tunnel, v.domain.root, v.listen.root)),
		card(container.NewVBox(section("Storage"), v.cacheMB.root,
			boldLabel("Data folder"), container.NewBorder(nil, nil, nil, open, v.folder))),
		card(container.NewVBox(section("About"), v.version)),
		container.NewBorder(nil, nil, nil, v.save, v.result))
	body := container.New(readingColumn{width: 640, minWidth: 420}, container.NewPadded(column))
	v.root = container.NewBorder(container.NewHBox(back), nil, nil, nil, container.NewVScroll(body))
	return v
}

// overrideWords says what the command line set for this run, and that
// the saved settings take over at the next start without it.
func overrideWords(o []string) string {
	if len(o) == 0 {
		return ""
	}
	return "This run was started with options that take precedence: " + strings.Join(o, "; ") +
		". What you save here applies once Merchant Inbox starts without them."
}

func boldLabel(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.TextStyle.Bold = true
	return l
}

func versionWords(v string) string {
	if v == "" {
		return "(development build)"
	}
	return "version " + strings.TrimPrefix(v, "v")
}

// set shows the saved settings, dropping any unsaved edit.
func (v *settingsView) set(st SetupState) {
	s := st.Settings
	v.loaded, v.dataDir = s, st.DataDir
	v.pollAt.set(s.PollAt)
	v.listen.set(s.Listen)
	v.domain.set(s.Domain)
	v.cacheMB.set(pick(s.ImageCacheMB > 0, strconv.Itoa(s.ImageCacheMB), ""))
	v.notify.SetChecked(s.Notifications)
	v.login.SetChecked(s.StartAtLogin)
	v.loginRow.Hidden = !st.CanStartAtLogin
	v.tunnel.SetChecked(s.Tunnel)
	v.folder.SetText(st.DataDir)
	v.override.Hidden = len(st.Overrides) == 0
	v.override.SetText(overrideWords(st.Overrides))
	v.changed()
	v.result.Hide()
}

// form reads the fields, checking each; ok is false when one failed.
// With show, a field that failed says why under it.
func (v *settingsView) form(show bool) (Settings, bool) {
	s := v.loaded
	ok := true
	read := func(e *settingEntry, c Check) string {
		t := strings.TrimSpace(e.entry.Text)
		if err := c.run(t); t != "" && err != nil {
			if show {
				e.fail(sentence(err))
			}
			ok = false
		}
		return t
	}
	s.PollAt = read(v.pollAt, v.checks.TimeOfDay)
	s.Listen = read(v.listen, v.checks.Listen)
	s.Domain = read(v.domain, v.checks.Domain)
	s.ImageCacheMB = 0
	if t := read(v.cacheMB, positiveNumber); t != "" && ok {
		s.ImageCacheMB, _ = strconv.Atoi(t)
	}
	s.Notifications, s.StartAtLogin, s.Tunnel = v.notify.Checked, v.login.Checked, v.tunnel.Checked
	return s, ok
}

func positiveNumber(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		return errors.New("Type a whole number of megabytes, such as 500.")
	}
	return nil
}

// changed enables Save when the fields differ from what is saved.
func (v *settingsView) changed() {
	v.result.Hide()
	s, _ := v.form(false)
	if s == v.loaded {
		v.save.Disable()
		return
	}
	v.save.Enable()
}

func (v *settingsView) submit() {
	s, ok := v.form(true)
	if !ok {
		return
	}
	v.save.Disable()
	v.onSave(s, func(err error) {
		if err != nil {
			v.result.SetText("Not saved: " + sentence(err))
			v.result.Importance = widget.DangerImportance
			v.save.Enable()
		} else {
			v.loaded = s
			v.result.SetText("Saved. Merchant Inbox now works with the new settings.")
			v.result.Importance = widget.SuccessImportance
		}
		v.result.Show()
		v.result.Refresh()
	})
}

// settingEntry is a labelled entry with its hint, and the reason under it
// when its text is refused.
type settingEntry struct {
	root   *fyne.Container
	entry  *widget.Entry
	reason *widget.Label
}

func newSettingEntry(label, placeholder, hint string, changed func()) *settingEntry {
	e := &settingEntry{entry: widget.NewEntry(), reason: widget.NewLabel("")}
	e.entry.SetPlaceHolder(placeholder)
	e.reason.Importance = widget.DangerImportance
	e.reason.Wrapping = fyne.TextWrapWord
	e.reason.Hide()
	e.entry.OnChanged = func(string) {
		e.reason.Hide()
		changed()
	}
	h := widget.NewLabel(hint)
	h.Wrapping = fyne.TextWrapWord
	h.SizeName = theme.SizeNameCaptionText
	e.root = container.New(&tightVBox{}, boldLabel(label), e.entry, e.reason, h)
	return e
}

func (e *settingEntry) set(t string) {
	e.entry.SetText(t)
	e.reason.Hide()
}

func (e *settingEntry) fail(reason string) {
	e.reason.SetText(reason)
	e.reason.Show()
}
