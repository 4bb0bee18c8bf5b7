package autostart

import (
	"errors"
	"strings"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/registry"
)

// runKey is the current user's Run key: Windows starts each value's
// command line at logon, and lists it under Settings > Apps > Startup,
// where the merchant can turn it off too.
const runKey = `Software\Microsoft\Windows\CurrentVersion\Run`

// approvedKey is where Task Manager and Settings > Apps > Startup record
// turning a Run value off without deleting it: a binary value of the same
// name whose first byte is odd (3) when it is off, even (2) when on.
const approvedKey = `Software\Microsoft\Windows\CurrentVersion\Explorer\StartupApproved\Run`

// Enable sets the Run value to the program's command line, replacing one
// already there (the app may have moved since).
func (l Launcher) Enable() error {
	if err := l.check(); err != nil {
		return err
	}
	k, _, err := registry.CreateKey(registry.CURRENT_USER, runKey, registry.SET_VALUE)
	if err != nil {
		return err
	}
	defer k.Close()
	if err := k.SetStringValue(runValue, commandLine(append([]string{l.Exec}, l.Args...))); err != nil {
		return err
	}
	return forgetApproval()
}

// forgetApproval removes an "off" that Windows' own settings recorded, so
// turning the app's start at login on means on.
func forgetApproval() error {
	k, err := registry.OpenKey(registry.CURRENT_USER, approvedKey, registry.SET_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer k.Close()
	if err := k.DeleteValue(runValue); err != nil && !errors.Is(err, registry.ErrNotExist) {
		return err
	}
	return nil
}

// approvedOff reports whether Windows' own settings turned the value off.
func approvedOff() bool {
	k, err := registry.OpenKey(registry.CURRENT_USER, approvedKey, registry.QUERY_VALUE)
	if err != nil {
		return false
	}
	defer k.Close()
	v, _, err := k.GetBinaryValue(runValue)
	return err == nil && len(v) > 0 && v[0]&1 == 1
}

// Disable deletes the Run value.
func (l Launcher) Disable() error {
	k, err := registry.OpenKey(registry.CURRENT_USER, runKey, registry.SET_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer k.Close()
	if err := k.DeleteValue(runValue); err != nil && !errors.Is(err, registry.ErrNotExist) {
		return err
	}
	return forgetApproval()
}

// Enabled reports whether the Run value is there and Windows' own
// settings did not turn it off.
func (l Launcher) Enabled() (bool, error) {
	k, err := registry.OpenKey(registry.CURRENT_USER, runKey, registry.QUERY_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer k.Close()
	_, _, err = k.GetStringValue(runValue)
	if errors.Is(err, registry.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return !approvedOff(), nil
}

// commandLine quotes argv the way Windows programs split their command
// line (CommandLineToArgvW), which is how the Run value is started.
func commandLine(argv []string) string {
	quoted := make([]string, len(argv))
	for i, a := range argv {
		quoted[i] = windows.EscapeArg(a)
	}
	return strings.Join(quoted, " ")
}
