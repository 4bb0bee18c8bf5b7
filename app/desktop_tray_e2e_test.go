//go:build linux

package app

import (
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// The real program under a desktop with a tray host: its icon registers
// with the session's StatusNotifierWatcher, and its menu, read and
// clicked over D-Bus as a panel does, opens the window, syncs and quits.
func TestDesktopTrayEndToEnd(t *testing.T) {
	display := xvfb(t)
	watcher := startTrayWatcher(t)
	h := newHarness(t)
	h.seedForServe()
	h.fb.RequireAppSecretProof("app-secret-123")

	// The last poll was 20 hours ago: recent enough that the app does not
	// catch up at start, so the only poll is the one the menu asks for,
	// and the status line's time tells the two apart. The daily poll is
	// set half a day away, out of the test's way.
	now := time.Now()
	lastPoll := now.Add(-20 * time.Hour)
	st, err := (config{dataDir: h.env[EnvDataDir]}).openStore(nil)
	if err != nil {
		t.Fatal(err)
	}
	err = st.PutSettings(t.Context(), store.Settings{
		Listen: "127.0.0.1:0", NoTunnel: true, PollAt: now.Add(12 * time.Hour).Format("15:04"),
	})
	if err == nil {
		err = st.SetLastFullPoll(t.Context(), lastPoll)
	}
	st.Close()
	if err != nil {
		t.Fatal(err)
	}

	raceEnv, raceReports := raceLog(t)
	cmd, _, errOut, exited := startProgram(t, h, display, raceEnv, "GOTRACEBACK=all")
	var menu []menuEntry // the tray menu as last read
	defer func() {
		if t.Failed() {
			t.Logf("tray menu as last read: %v\napp log:\n%s", menu, errOut.String())
		}
	}()

	// The icon registers, from the connection that owns the item's name.
	itemName := fmt.Sprintf("org.kde.StatusNotifierItem-%d-1", cmd.Process.Pid)
	waitUntil(t, "tray item registered with the watcher", func() bool { return len(watcher.registered()) > 0 })
	owner := watcher.nameOwner(t.Context(), itemName)
	if got, want := watcher.registered(), []string{owner + "/StatusNotifierItem"}; owner == "" || !slices.Equal(got, want) {
		t.Fatalf("registered items %q, want %q (the owner of %s)", got, want, itemName)
	}
	if !strings.Contains(errOut.String(), "tray host found: closing the window keeps the app in the tray") {
		t.Error("the log does not say that closing the window keeps the app in the tray")
	}

	// The menu, once the app has read the running engine's status: first
	// it says "Starting…", then "Connecting webhooks…" until the engine
	// knows there is no tunnel. A click is sent only to a settled menu:
	// each rebuild gives the entries new ids, and a click on an old id is
	// dropped.
	waitUntil(t, "tray menu showing the running engine's status", func() bool {
		menu, err = watcher.menu(t.Context(), itemName)
		return err == nil && complete(menu) && strings.HasPrefix(statusLine(menu), "Polling only · ")
	})
	t.Logf("tray menu at start: %v", menu)
	checkTrayMenu(t, menu)
	before := statusLine(menu)
	if !strings.Contains(before, "synced ") || !strings.HasSuffix(before, " "+lastPoll.Format("15:04")) {
		t.Errorf("status line %q: want the last poll's time, %s", before, lastPoll.Format("15:04"))
	}
	if n := conversationRequests(h); n != 0 {
		t.Fatalf("%d conversation listings before Sync now: the app polled at start", n)
	}

	// Sync now runs the poll; the status line then says it synced now.
	clicked := time.Now()
	if err := watcher.click(t.Context(), itemName, "Sync now"); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "poll started by Sync now", func() bool {
		return conversationRequests(h) > 0 && strings.Contains(errOut.String(), "polled page")
	})
	waitUntil(t, "status line saying it synced now", func() bool {
		menu, err = watcher.menu(t.Context(), itemName)
		return err == nil && complete(menu) && syncedSince(statusLine(menu), clicked)
	})
	t.Logf("tray menu after Sync now: %v", menu)
	checkTrayMenu(t, menu)
	// The poll's conversations are in the store, read through the app.
	var convs []store.Conversation
	h.jsonOf(&convs, "conversations", "--json")
	if len(convs) != 2 {
		t.Errorf("after Sync now the store has %d conversations, want the fake's 2", len(convs))
	}

	// Closing the window to the tray is not exercised: it needs a
	// WM_DELETE_WINDOW client message, which nothing that make test
	// installs (xwininfo, xprop) can send to a window without a window
	// manager.

	// Open shows the window; Quit ends the app cleanly.
	if err := watcher.click(t.Context(), itemName, "Open Merchant Inbox"); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "window shown", func() bool { return windowViewable(display, "Merchant Inbox") })
	// Quit may end the process before systray answers the click: the
	// bus then says the recipient left without replying, which is Quit
	// working. Whether it exited cleanly is checked next.
	if err := watcher.click(t.Context(), itemName, "Quit"); err != nil && !leftWithoutReply(err) {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("the app exited with %v after Quit", err)
		}
	case <-time.After(30 * time.Second):
		// Its goroutines, in the log printed below, say where it hangs.
		_ = cmd.Process.Signal(syscall.SIGQUIT)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
		}
		t.Fatal("the app still runs 30s after Quit")
	}
	for _, r := range raceReports() {
		if knownSystrayRace(r) {
			t.Log("fyne.io/systray's known race on menuVersion was reported; ignored")
			continue
		}
		t.Errorf("the app has a data race:\n%s", r)
	}
	if !strings.Contains(errOut.String(), "quitting") {
		t.Error("the log does not say the app quit")
	}
	// The database was released: a command opens it directly again.
	h.mustRun("", "status")
}

// checkTrayMenu checks the menu's shape: Open, Sync, the status line (not
// a button), Settings and About, and one Quit, last.
func checkTrayMenu(t *testing.T, menu []menuEntry) {
	t.Helper()
	want := []menuEntry{
		{Label: "Open Merchant Inbox", Enabled: true},
		{Label: "Sync now", Enabled: true},
		{Enabled: false},
		{Separator: true},
		{Label: "Settings…", Enabled: true},
		{Label: "About Merchant Inbox", Enabled: true},
		{Separator: true},
		{Label: "Quit", Enabled: true},
	}
	if len(menu) != len(want) {
		t.Fatalf("tray menu %v: want %d entries", menu, len(want))
	}
	for i, w := range want {
		got := menu[i]
		if got.Separator != w.Separator || (!w.Separator && got.Enabled != w.Enabled) ||
			(w.Label != "" && got.Label != w.Label) {
			t.Errorf("tray menu entry %d is %v, want %v (menu %v)", i, got, w, menu)
		}
	}
	if menu[2].Label == "" {
		t.Errorf("tray menu %v: the status line is empty", menu)
	}
	quits := 0
	for _, e := range menu {
		if e.Label == "Quit" {
			quits++
		}
	}
	if quits != 1 {
		t.Errorf("tray menu %v has %d Quit entries, want 1", menu, quits)
	}
}

// complete reports whether a menu read over D-Bus is whole: a rebuild
// adds the entries one by one, Quit last.
func complete(menu []menuEntry) bool {
	return len(menu) > 0 && menu[len(menu)-1].Label == "Quit"
}

// statusLine is the menu's status line: its one disabled entry.
func statusLine(menu []menuEntry) string {
	for _, e := range menu {
		if !e.Enabled && !e.Separator {
			return e.Label
		}
	}
	return ""
}

// syncedSince reports whether a status line says the last sync was at a
// minute from since until now.
func syncedSince(status string, since time.Time) bool {
	for m := since.Truncate(time.Minute); !m.After(time.Now()); m = m.Add(time.Minute) {
		if strings.HasSuffix(status, "synced "+m.Format("15:04")) {
			return true
		}
	}
	return false
}

// conversationRequests counts the fake Graph API's conversation listings,
// which only a poll makes.
func conversationRequests(h *harness) int {
	n := 0
	for _, r := range h.fb.Requests() {
		if strings.HasSuffix(r.Path, "/conversations") {
			n++
		}
	}
	return n
}

// windowViewable reports whether the X server on display shows (maps) the
// top-level window with that title.
func windowViewable(display, title string) bool {
	out, err := exec.Command("xwininfo", "-display", display, "-name", title).Output()
	return err == nil && strings.Contains(string(out), "Map State: IsViewable")
}
