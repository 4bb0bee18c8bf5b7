package autostart

import (
	"errors"
	"os"
	"path/filepath"
)

// Enable writes the LaunchAgent, replacing one already there (the app may
// have moved since). launchd reads it at the next login; it is not loaded
// now, which would start a second copy of the running app.
func (l Launcher) Enable() error {
	if err := l.check(); err != nil {
		return err
	}
	path, err := l.agentPath()
	if err != nil {
		return err
	}
	return writeFile(path, l.launchAgent())
}

// Disable removes the LaunchAgent.
func (l Launcher) Disable() error {
	path, err := l.agentPath()
	if err != nil {
		return err
	}
	return removeFile(path)
}

// Enabled reports whether the LaunchAgent is there.
func (l Launcher) Enabled() (bool, error) {
	path, err := l.agentPath()
	if err != nil {
		return false, err
	}
	_, err = os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

// agentPath is ~/Library/LaunchAgents/com.merchantinbox.app.plist.
func (l Launcher) agentPath() (string, error) {
	home, err := l.home()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, "Library", "LaunchAgents", launchdLabel+".plist"), nil
}
