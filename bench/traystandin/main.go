// Command traystandin owns the StatusNotifierWatcher name on the session
// bus and serves nothing, until it is killed. The desktop app then finds a
// tray host, so `app --hidden` starts in the tray without a window: what
// the hidden-window idle benchmarks (docs/benchmarks.md) measure on a
// display that has no real tray.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/godbus/dbus/v5"
)

const watcher = "org.kde.StatusNotifierWatcher"

func main() {
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		fmt.Fprintln(os.Stderr, "traystandin:", err)
		os.Exit(1)
	}
	defer conn.Close()
	reply, err := conn.RequestName(watcher, dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		fmt.Fprintf(os.Stderr, "traystandin: cannot own %s (reply %v): %v\n", watcher, reply, err)
		os.Exit(1)
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
}
