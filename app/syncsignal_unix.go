//go:build !windows

package app

import (
	"os"
	"os/signal"
	"syscall"
)

// syncNowSignal relays the signal that asks a running serve to poll now,
// SIGUSR1, to the returned channel until stop is called. It lives in its
// own file because Windows has no SIGUSR1 (see syncsignal_windows.go).
func syncNowSignal() (c <-chan os.Signal, stop func()) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGUSR1)
	return ch, func() { signal.Stop(ch) }
}
