//go:build linux || freebsd || openbsd || netbsd

package app

import (
	"os"
	"testing"

	"github.com/godbus/dbus/v5"
)

func TestTrayHostFollowsTheWatcherOnTheBus(t *testing.T) {
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		if os.Getenv(keyringEnv) == "require" {
			t.Fatal("no D-Bus session bus, though make test provides one")
		}
		t.Skip("no D-Bus session bus; make test runs this inside a private one")
	}
	if ok, why := trayHost(t.Context()); ok {
		t.Fatalf("trayHost = true (%s) on a bus with no watcher", why)
	}
	// Stand in for a desktop's tray host by owning its name.
	conn, err := dbus.SessionBusPrivate()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.Auth(nil); err != nil {
		t.Fatal(err)
	}
	if err := conn.Hello(); err != nil {
		t.Fatal(err)
	}
	reply, err := conn.RequestName("org.kde.StatusNotifierWatcher", dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("own the watcher name: %v (reply %v)", err, reply)
	}
	if ok, why := trayHost(t.Context()); !ok {
		t.Errorf("trayHost = false (%s) with a watcher on the bus", why)
	}
}
