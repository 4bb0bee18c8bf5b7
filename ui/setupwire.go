package ui

import (
	"context"
	"net/url"
	"path/filepath"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// screen is what fills the window above the status bar.
type screen int

const (
	screenInbox screen = iota
	screenSetup
	screenSettings
)

// setupState is the App's side of the setup screens.
type setupState struct {
	mu             sync.Mutex // guards reading, again
	reading, again bool       // a SetupState read is under way; one more is due
	settingsWanted bool       // the settings screen waits for its first read (UI goroutine)
	flow           *connectFlow
	confirm        *sheet // the last disconnect confirmation (tests press it)
	info           *sheet // the last message shown
}

// wireSetup builds the setup and settings screens when there is a Setup.
func (a *App) wireSetup() {
	if a.o.Setup == nil {
		return
	}
	v := a.view
	v.setup = newSetupView(setupActions{
		open: a.openLink, copy: a.copyText,
		saveSecret: a.saveSecret, remove: a.removeSecret,
	}, a.o.Checks)
	v.settings = newSettingsView(a.o.Checks, a.o.Version)
	v.setup.root.Hide()
	v.settings.root.Hide()
	v.stack.Add(v.setup.root)
	v.stack.Add(v.settings.root)

	v.setup.onBack = func() { a.showScreen(screenInbox) }
	v.setup.onSettings = func() { a.showScreen(screenSettings) }
	v.setup.onConnectFB = a.connectFacebook
	v.setup.onDisconnect = a.confirmDisconnect
	v.setup.onSaveDomain = a.saveDomain
	v.setup.shop.onConnect = a.connectShopify
	v.settings.onBack = func() { a.showScreen(screenInbox) }
	v.settings.onSave = a.saveSettings
	v.settings.onFolder = a.openFolder
	v.onScreen = func(screen) { a.refreshSetup() }
	v.onFix = a.fix

	v.menu.OnTapped = func() {
		pos := fyne.NewPos(0, v.menu.Size().Height)
		widget.ShowPopUpMenuAtRelativePosition(a.windowMenu(), a.win.Canvas(), pos, v.menu)
	}
	v.menu.Show()
}

// windowMenu is the menu beside the search box.
func (a *App) windowMenu() *fyne.Menu {
	return fyne.NewMenu("",
		fyne.NewMenuItem("Connections", func() { a.showScreen(screenSetup) }),
		fyne.NewMenuItem("Settings", func() { a.showScreen(screenSettings) }),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("About Merchant Inbox", a.showAbout))
}

// showScreen puts s in the window.
func (a *App) showScreen(s screen) {
	v := a.view
	if v.setup == nil {
		return
	}
	if s == screenSettings {
		a.su.settingsWanted = true
	}
	v.screen = s
	v.arrange()
}

// arrangeScreens shows the setup or settings screen when one is due (the
// setup screen on a first run, with no page yet) and reports whether it
// did. A screen coming into view is read afresh, and so is the setup
// screen whenever what it shows may have changed.
func (v *mainView) arrangeScreens() bool {
	if v.setup == nil {
		return false
	}
	show := v.screen
	if show == screenInbox && len(v.pages) == 0 {
		show = screenSetup
	}
	v.setup.root.Hidden = show != screenSetup
	v.settings.root.Hidden = show != screenSettings
	was := v.shown
	v.shown = show
	if show != was || show == screenSetup {
		v.onScreen(show)
	}
	if show == screenInbox {
		return false
	}
	v.welcome.root.Hide()
	v.inbox.Hide()
	v.stack.Refresh()
	return true
}

// refreshSetup reads the setup state in the background and shows it;
// reads asked for while one runs are served by one more.
func (a *App) refreshSetup() {
	a.su.mu.Lock()
	if a.su.reading {
		a.su.again = true
		a.su.mu.Unlock()
		return
	}
	a.su.reading = true
	a.su.mu.Unlock()
	a.wg.Go(func() {
		for {
			st, err := a.o.Setup.SetupState(a.ctx)
			a.do(func() { a.applySetup(st, err) })
			a.su.mu.Lock()
			if !a.su.again || a.ctx.Err() != nil {
				a.su.reading = false
				a.su.mu.Unlock()
				return
			}
			a.su.again = false
			a.su.mu.Unlock()
		}
	})
}

func (a *App) applySetup(st SetupState, err error) {
	if err != nil {
		a.log.Warn("reading the setup", "err", err)
		return
	}
	v := a.view
	v.setup.set(st, len(v.pages) == 0)
	if a.su.settingsWanted {
		a.su.settingsWanted = false
		v.settings.set(st)
	}
}

// background runs f off the UI goroutine, then done with its error on it,
// and reads the setup again: f changed it.
func (a *App) background(f func(ctx context.Context) error, done func(error)) {
	a.wg.Go(func() {
		err := f(a.ctx)
		a.do(func() { done(err) })
		a.refreshSetup()
	})
}

func (a *App) saveSecret(s Secret, value string, done func(error)) {
	a.background(func(ctx context.Context) error { return a.o.Setup.SaveSecret(ctx, s, value) }, done)
}

func (a *App) removeSecret(s Secret, done func(error)) {
	a.background(func(ctx context.Context) error { return a.o.Setup.RemoveSecret(ctx, s) }, done)
}

func (a *App) saveSettings(s Settings, done func(error)) {
	a.background(func(ctx context.Context) error { return a.o.Setup.SaveSettings(ctx, s) }, done)
}

// saveDomain changes the static domain alone, from the setup screen.
func (a *App) saveDomain(domain string, done func(error)) {
	s := a.view.setup.state.Settings
	s.Domain = domain
	a.saveSettings(s, done)
}

// openLink opens a web page in the browser.
func (a *App) openLink(raw string) {
	u, err := url.Parse(raw)
	if err == nil {
		err = a.openURL(u)
	}
	if err != nil {
		a.log.Warn("opening a link", "err", err)
	}
}

// openFolder shows the data folder in the file manager.
func (a *App) openFolder(dir string) {
	if dir == "" {
		return
	}
	a.openLink((&url.URL{Scheme: "file", Path: filepath.ToSlash(dir)}).String())
}

func (a *App) copyText(s string) { a.fa.Clipboard().SetContent(s) }

// showAbout names the app and its version.
func (a *App) showAbout() {
	d := message("About Merchant Inbox",
		"Merchant Inbox "+versionWords(a.o.Version)+"\n\nYour Facebook pages' Messenger conversations and your Shopify products, in one window.", a.win.Canvas())
	a.su.info = d
	d.Show()
}
