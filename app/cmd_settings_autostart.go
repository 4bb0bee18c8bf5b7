package app

import (
	"fmt"
	"os"

	"github.com/merchant-inbox/merchant-inbox/app/internal/autostart"
)

// launcher starts this program at login as the tray app, without its
// window. Its icon is the one the Linux package installs, named after the
// app's ID (fyne package names it so).
func (e *env) launcher() (autostart.Launcher, error) {
	exe, err := os.Executable()
	if err != nil {
		return autostart.Launcher{}, fmt.Errorf("start at login: cannot tell where this program is: %w", err)
	}
	return autostart.Launcher{
		Exec:    exe,
		Args:    []string{"app", "--hidden"},
		Name:    "Merchant Inbox",
		Comment: "Messages from your Facebook page and Shopify store",
		Icon:    appID,
		Getenv:  e.Getenv,
	}, nil
}

// setAutostart turns starting at login on or off. The state lives in the
// operating system (a login item the desktop's own settings show), not in
// the database.
func (e *env) setAutostart(on bool) error {
	l, err := e.launcher()
	if err != nil {
		return err
	}
	if on {
		err = l.Enable()
	} else {
		err = l.Disable()
	}
	if err != nil {
		return fmt.Errorf("start at login: %w", err)
	}
	return nil
}

// autostartEnabled reports whether the app starts at login; false when
// that cannot be told (the reason is logged).
func (e *env) autostartEnabled() bool {
	l, err := e.launcher()
	if err == nil {
		var on bool
		if on, err = l.Enabled(); err == nil {
			return on
		}
	}
	e.log.Warn("cannot tell whether the app starts at login", "err", err)
	return false
}
