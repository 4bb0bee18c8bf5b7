//go:build !(linux || freebsd || openbsd || netbsd)

package app

import "context"

// trayHost reports whether the session shows tray icons: macOS's menu bar
// and Windows's notification area always do.
func trayHost(context.Context) (bool, string) { return true, "the system's own tray" }
