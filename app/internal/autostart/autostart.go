// Package autostart starts the app when the merchant logs in, the way each
// desktop expects it: an XDG autostart entry on Linux and the other free
// desktops, a LaunchAgent on macOS, a value under the Run key of the
// current user's registry on Windows.
//
// The state lives in the operating system, not in the app's database: the
// merchant can turn it off in their desktop's own settings, and the app
// then shows it off too. Nothing here needs administrator rights.
package autostart

import (
	"errors"
	"os"
	"path/filepath"
)

// Where the entry is kept; each names the app to someone browsing their
// login items.
const (
	desktopFile  = "merchant-inbox.desktop" // XDG: under $XDG_CONFIG_HOME/autostart
	launchdLabel = "com.merchantinbox.app"  // macOS: ~/Library/LaunchAgents/<label>.plist
	runValue     = "Merchant Inbox"         // Windows: the value's name under the Run key
)

// Launcher turns starting at login on and off for one program.
type Launcher struct {
	// Exec is the absolute path of the program started at login, and Args
	// its arguments (the app passes "app --hidden": the tray, no window).
	Exec string
	Args []string
	// Name and Comment describe the entry where the desktop lists it.
	Name, Comment string
	// Icon is the XDG icon name or an absolute path to a PNG.
	Icon string
	// Getenv reads HOME and XDG_CONFIG_HOME; nil is os.Getenv.
	Getenv func(string) string
}

// ErrNoHome: the folder the entry belongs in cannot be found (no HOME).
var ErrNoHome = errors.New("autostart: no home folder to keep the login entry in")

func (l Launcher) getenv(k string) string {
	if l.Getenv == nil {
		return os.Getenv(k)
	}
	return l.Getenv(k)
}

// home is the merchant's home folder, which must be absolute.
func (l Launcher) home() (string, error) {
	h := l.getenv("HOME")
	if h == "" || !filepath.IsAbs(h) {
		return "", ErrNoHome
	}
	return h, nil
}

// check refuses a Launcher that would write an entry that cannot start
// anything.
func (l Launcher) check() error {
	if !filepath.IsAbs(l.Exec) {
		return errors.New("autostart: the program's path must be absolute")
	}
	return nil
}

// writeFile replaces path with data all at once, so a crash never leaves
// half an entry for the desktop to choke on at the next login.
func writeFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path))
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after the rename, a no-op
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// removeFile removes path; one already gone is what was asked for.
func removeFile(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}
