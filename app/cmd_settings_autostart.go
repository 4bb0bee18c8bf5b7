package app

import (
	"fmt"
	"os"

	"github.com/merchant-inbox/merchant-inbox/app/internal/autostart"
)

// launcher starts this program at login as the tray app, without its
// window. Its icon is the one the Linux package installs, named after the
// app's ID (fyne package names it so). getenv supplies HOME and
// XDG_CONFIG_HOME.
func launcher(getenv func(string) string) (autostart.Launcher, error) {
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
		Getenv:  getenv,
	}, nil
}

// setAutostart turns starting at login on or off: `settings --autostart`
// and the window's settings both call it. The state lives in the
// operating system (a login item the desktop's own settings show), not in
// the database.
func setAutostart(getenv func(string) string, on bool) error {
	l, err := launcher(getenv)
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

// autostartEnabled reports whether the app starts at login.
func autostartEnabled(getenv func(string) string) (bool, error) {
	l, err := launcher(getenv)
	if err != nil {
		return false, err
	}
	on, err := l.Enabled()
	if err != nil {
		return false, fmt.Errorf("start at login: %w", err)
	}
	return on, nil
}

// loginItem is start-at-login as the window's settings switch it.
type loginItem struct{ getenv func(string) string }

func (l loginItem) Enabled() (bool, error)   { return autostartEnabled(l.getenv) }
func (l loginItem) SetEnabled(on bool) error { return setAutostart(l.getenv, on) }
