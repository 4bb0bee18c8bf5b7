//go:build linux

package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/godbus/dbus/v5"
	"github.com/godbus/dbus/v5/prop"
)

// The desktop's side of the tray, played over the test's own session bus:
// a StatusNotifierWatcher that items register with, and a menu host that
// reads an item's menu and clicks its entries, as a panel does.

const (
	watcherName  = "org.kde.StatusNotifierWatcher"
	watcherPath  = dbus.ObjectPath("/StatusNotifierWatcher")
	trayMenuPath = dbus.ObjectPath("/StatusNotifierItem/menu")
	dbusMenu     = "com.canonical.dbusmenu"
)

// trayWatcher stands in for a desktop's tray host (Plasma, or GNOME's
// AppIndicator extension): it owns the watcher's name and records the
// items that register.
type trayWatcher struct {
	conn  *dbus.Conn
	props *prop.Properties

	mu    sync.Mutex
	items []string // as the watcher lists them: "<bus name><object path>"
}

// startTrayWatcher exports the watcher before it takes the name, so that
// whoever sees the name can call it; it gives the name up with the test.
func startTrayWatcher(t *testing.T) *trayWatcher {
	t.Helper()
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		if os.Getenv(keyringEnv) == "require" {
			t.Fatal("no D-Bus session bus, though make test provides one")
		}
		t.Skip("no D-Bus session bus; make test runs this inside a private one")
	}
	conn, err := dbus.SessionBusPrivate()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if err := conn.Auth(nil); err != nil {
		t.Fatal(err)
	}
	if err := conn.Hello(); err != nil {
		t.Fatal(err)
	}
	w := &trayWatcher{conn: conn}
	w.props, err = prop.Export(conn, watcherPath, prop.Map{watcherName: {
		"RegisteredStatusNotifierItems":  {Value: []string{}, Emit: prop.EmitTrue},
		"IsStatusNotifierHostRegistered": {Value: true, Emit: prop.EmitTrue},
		"ProtocolVersion":                {Value: int32(0), Emit: prop.EmitTrue},
	}})
	if err != nil {
		t.Fatal(err)
	}
	err = conn.ExportMethodTable(map[string]any{
		"RegisterStatusNotifierItem": w.registerItem,
		"RegisterStatusNotifierHost": func(string) *dbus.Error { return nil },
	}, watcherPath, watcherName)
	if err != nil {
		t.Fatal(err)
	}
	reply, err := conn.RequestName(watcherName, dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("own %s: %v (reply %v)", watcherName, err, reply)
	}
	// Released by a call, not by closing the connection: the bus has then
	// dropped the name before the next test asks whether a tray host exists.
	t.Cleanup(func() { _, _ = conn.ReleaseName(watcherName) })
	return w
}

// registerItem is RegisterStatusNotifierItem. The specification passes a
// bus name; Fyne's systray, like libappindicator, passes its object path
// and leaves the watcher to take the bus name from the call's sender, as
// Plasma's watcher does.
func (w *trayWatcher) registerItem(sender dbus.Sender, service string) *dbus.Error {
	item := service
	if strings.HasPrefix(service, "/") {
		item = string(sender) + service
	}
	w.mu.Lock()
	w.items = append(w.items, item)
	items := slices.Clone(w.items)
	w.mu.Unlock()
	w.props.SetMust(watcherName, "RegisteredStatusNotifierItems", items)
	_ = w.conn.Emit(watcherPath, watcherName+".StatusNotifierItemRegistered", item)
	return nil
}

// registered returns the items registered so far.
func (w *trayWatcher) registered() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.items)
}

// nameOwner returns the unique connection name that owns name, "" if none.
func (w *trayWatcher) nameOwner(ctx context.Context, name string) string {
	var owner string
	if err := w.conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.GetNameOwner", 0, name).Store(&owner); err != nil {
		return ""
	}
	return owner
}

// menuEntry is one entry of a tray menu as a panel reads it.
type menuEntry struct {
	ID        int32
	Label     string
	Enabled   bool
	Separator bool
}

func (e menuEntry) String() string {
	switch {
	case e.Separator:
		return "---"
	case !e.Enabled:
		return "(" + e.Label + ")"
	}
	return e.Label
}

// menuLayout is one node of com.canonical.dbusmenu's GetLayout answer,
// (ia{sv}av): id, properties, children.
type menuLayout struct {
	ID       int32
	Props    map[string]dbus.Variant
	Children []dbus.Variant
}

// menu reads the top level of the menu of the item at dest.
func (w *trayWatcher) menu(ctx context.Context, dest string) ([]menuEntry, error) {
	var (
		revision uint32
		root     menuLayout
	)
	err := w.conn.Object(dest, trayMenuPath).
		CallWithContext(ctx, dbusMenu+".GetLayout", 0, int32(0), int32(-1), []string{}).
		Store(&revision, &root)
	if err != nil {
		return nil, fmt.Errorf("GetLayout: %w", err)
	}
	entries := make([]menuEntry, 0, len(root.Children))
	for _, v := range root.Children {
		var child menuLayout
		if err := dbus.Store([]any{v.Value()}, &child); err != nil {
			return nil, fmt.Errorf("GetLayout: child %v: %w", v, err)
		}
		e := menuEntry{ID: child.ID, Enabled: true} // the specification's defaults
		if l, ok := child.Props["label"].Value().(string); ok {
			e.Label = l
		}
		if on, ok := child.Props["enabled"].Value().(bool); ok {
			e.Enabled = on
		}
		if kind, ok := child.Props["type"].Value().(string); ok {
			e.Separator = kind == "separator"
		}
		entries = append(entries, e)
	}
	return entries, nil
}

// click clicks the entry labelled label in the menu of the item at dest.
// The menu is read afresh: every rebuild gives the entries new ids.
func (w *trayWatcher) click(ctx context.Context, dest, label string) error {
	entries, err := w.menu(ctx, dest)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Label == label && !e.Separator {
			return w.conn.Object(dest, trayMenuPath).
				CallWithContext(ctx, dbusMenu+".Event", 0, e.ID, "clicked", dbus.MakeVariant(""), uint32(0)).Err
		}
	}
	return fmt.Errorf("no %q in the tray menu %v", label, entries)
}

// leftWithoutReply reports whether err is the bus saying that a method
// call's recipient disconnected before it replied.
func leftWithoutReply(err error) bool {
	var e dbus.Error
	return errors.As(err, &e) && e.Name == "org.freedesktop.DBus.Error.NoReply"
}

// knownRaceFrames are the tops of the two stacks of a data race inside
// fyne.io/systray (v1.12.3-0.20260810170012-af4e8e793ec4) that any menu
// host triggers: the first GetLayout after a menu reset starts a goroutine
// that, 150 ms later, calls refresh(), which bumps menuVersion under
// instance.lock, while GetLayout reads menuVersion under instance.menuLock
// (systray_menu_unix.go lines 86-92 and 496). It is not the app's to fix.
var knownRaceFrames = []string{"fyne.io/systray.refresh()", "fyne.io/systray.(*tray).GetLayout()"}

// raceLog makes a child built with -race write its race reports to files
// in a directory of the test's own and exit as if it had found none, so
// that the test can tell systray's known race from any other; raceReports
// then returns the reports. Without -race the child ignores GORACE.
func raceLog(t *testing.T) (env string, reports func() []string) {
	dir := t.TempDir()
	env = "GORACE=exitcode=0 log_path=" + filepath.Join(dir, "race")
	return env, func() []string {
		files, _ := filepath.Glob(filepath.Join(dir, "race*"))
		var out []string
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range strings.Split(string(b), "==================") {
				if strings.Contains(r, "WARNING: DATA RACE") {
					out = append(out, strings.TrimSpace(r))
				}
			}
		}
		return out
	}
}

// knownSystrayRace reports whether a race report is systray's own (see
// knownRaceFrames): both accesses at the top of its stacks are there.
func knownSystrayRace(report string) bool {
	lines := strings.Split(report, "\n")
	tops := 0
	for i, l := range lines {
		l = strings.TrimSpace(l)
		access := strings.HasPrefix(l, "Read at ") || strings.HasPrefix(l, "Write at ") ||
			strings.HasPrefix(l, "Previous read at ") || strings.HasPrefix(l, "Previous write at ")
		if !access || i+1 >= len(lines) {
			continue
		}
		if !slices.Contains(knownRaceFrames, strings.TrimSpace(lines[i+1])) {
			return false
		}
		tops++
	}
	return tops == 2
}
