package app

import (
	"errors"
	"runtime"
)

// errNoDisplay is what the desktop app says where it cannot open a window.
var errNoDisplay = errors.New("no display to open the window on (DISPLAY and WAYLAND_DISPLAY are unset); run 'merchant-inbox serve' for the engine without a window")

// hasDisplay reports whether a window can be opened. Only X11 and Wayland
// sessions say so in the environment; macOS and Windows always have one.
func hasDisplay(getenv func(string) string) bool {
	switch runtime.GOOS {
	case "darwin", "windows", "android", "ios":
		return true
	}
	return getenv("DISPLAY") != "" || getenv("WAYLAND_DISPLAY") != ""
}
