//go:build linux || freebsd || openbsd || netbsd

package app

import (
	"context"
	"time"

	"github.com/godbus/dbus/v5"
)

// trayHost reports whether the session shows tray icons: on Linux and the
// BSDs, whether a StatusNotifierWatcher owns its name on the session bus.
// Without one, Fyne's tray icon is registered nowhere and a window closed
// "to the tray" could never be opened again.
func trayHost(ctx context.Context) (bool, string) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	conn, err := dbus.SessionBusPrivate(dbus.WithContext(ctx))
	if err != nil {
		return false, "no D-Bus session bus: " + err.Error()
	}
	defer conn.Close()
	if err := conn.Auth(nil); err != nil {
		return false, "D-Bus session bus: " + err.Error()
	}
	if err := conn.Hello(); err != nil {
		return false, "D-Bus session bus: " + err.Error()
	}
	var has bool
	call := conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.NameHasOwner", 0, "org.kde.StatusNotifierWatcher")
	if err := call.Store(&has); err != nil {
		return false, "asking D-Bus for a tray host: " + err.Error()
	}
	if !has {
		return false, "no StatusNotifierWatcher on the session bus"
	}
	return true, "StatusNotifierWatcher on the session bus"
}
