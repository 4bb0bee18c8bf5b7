//go:build unix && !darwin

package autostart

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
)

// Enable writes the autostart entry, replacing one already there (the
// program may have moved since).
func (l Launcher) Enable() error {
	if err := l.check(); err != nil {
		return err
	}
	path, err := l.entryPath()
	if err != nil {
		return err
	}
	return writeFile(path, l.desktopEntry())
}

// Disable removes the autostart entry.
func (l Launcher) Disable() error {
	path, err := l.entryPath()
	if err != nil {
		return err
	}
	return removeFile(path)
}

// Enabled reports whether the app starts at login: the entry is there and
// the desktop was not told to skip it (Hidden=true, or GNOME's
// X-GNOME-Autostart-enabled=false, which its settings write to turn an
// entry off).
func (l Launcher) Enabled() (bool, error) {
	path, err := l.entryPath()
	if err != nil {
		return false, err
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		k, v, _ := strings.Cut(strings.TrimSpace(sc.Text()), "=")
		switch strings.TrimSpace(k) {
		case "Hidden":
			if strings.TrimSpace(v) == "true" {
				return false, nil
			}
		case "X-GNOME-Autostart-enabled":
			if strings.TrimSpace(v) == "false" {
				return false, nil
			}
		}
	}
	return true, sc.Err()
}

// entryPath is $XDG_CONFIG_HOME/autostart/merchant-inbox.desktop; per the
// XDG Base Directory spec an unset or relative XDG_CONFIG_HOME means
// $HOME/.config.
func (l Launcher) entryPath() (string, error) {
	dir := l.getenv("XDG_CONFIG_HOME")
	if dir == "" || !filepath.IsAbs(dir) {
		home, err := l.home()
		if err != nil {
			return "", err
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "autostart", desktopFile), nil
}
