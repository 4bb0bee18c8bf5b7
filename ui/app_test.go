package ui_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
	"github.com/merchant-inbox/merchant-inbox/ui"
	"github.com/merchant-inbox/merchant-inbox/ui/uitest"
)

func TestCloseGoesToTray(t *testing.T) {
	h := ui.NewHarness(t, uitest.New(16), ui.HarnessOptions{Tray: true}).Start().Loaded()
	if !h.Visible() {
		t.Fatal("window not shown at start")
	}
	h.UI(func() { h.CloseWindow() })
	if h.Visible() || h.Quits() != 0 {
		t.Fatalf("after close: visible %v, quits %d; want hidden, still running", h.Visible(), h.Quits())
	}
	h.UI(func() { h.TrayClick("Open Merchant Inbox") })
	if !h.Visible() {
		t.Error("Open Merchant Inbox did not show the window")
	}
	h.UI(func() { h.TrayClick("Quit") })
	if h.Quits() != 1 {
		t.Errorf("Quit in the tray: %d quits, want 1", h.Quits())
	}
}

// The caller hears of a quit before Fyne is asked to stop, whichever way
// the merchant quits, so it can stop the engine without waiting for Fyne.
func TestQuitTellsTheCallerFirst(t *testing.T) {
	for _, tc := range []struct {
		name string
		tray bool
		quit func(h *ui.Harness)
	}{
		{"Quit in the tray", true, func(h *ui.Harness) { h.TrayClick("Quit") }},
		{"closing the window without a tray", false, func(h *ui.Harness) { h.CloseWindow() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var heard []int // the quits Fyne had been asked for when OnQuit ran
			var h *ui.Harness
			h = ui.NewHarness(t, uitest.New(16), ui.HarnessOptions{Tray: tc.tray, OnQuit: func() { heard = append(heard, h.Quits()) }}).Start().Loaded()
			h.UI(func() { tc.quit(h) })
			if len(heard) != 1 || heard[0] != 0 || h.Quits() != 1 {
				t.Errorf("OnQuit calls %v (Fyne's quits before each), quits %d; want one call before the one quit", heard, h.Quits())
			}
		})
	}
}

func TestCloseQuitsWithoutTray(t *testing.T) {
	h := ui.NewHarness(t, uitest.New(16), ui.HarnessOptions{StartHidden: true}).Start().Loaded()
	if !h.Visible() {
		t.Error("started hidden without a tray: no way in")
	}
	h.UI(func() { h.CloseWindow() })
	if h.Quits() != 1 {
		t.Errorf("close without a tray: %d quits, want 1", h.Quits())
	}
}

func TestStartHiddenInTray(t *testing.T) {
	h := ui.NewHarness(t, uitest.New(16), ui.HarnessOptions{Tray: true, StartHidden: true}).Start().Loaded()
	if h.Visible() {
		t.Error("window shown, want it in the tray")
	}
	h.App.ShowWindow() // as a second launch asks, from another goroutine
	h.Eventually("the window shown", h.Visible)
}

// The tray menu and the status bar follow the status: progress while a
// sync runs, then its result.
func TestTrayFollowsStatus(t *testing.T) {
	f := uitest.New(64)
	f.AddPage(store.Page{ID: "p1", Name: "Boutique Lila"})
	f.AddPage(store.Page{ID: "p2", Name: "Café Olé"})
	h := ui.NewHarness(t, f, ui.HarnessOptions{Tray: true}).Start().Loaded()

	steps := []struct {
		s      ui.Status
		status string
	}{
		{ui.Status{Pages: 2, Sync: ui.SyncStatus{Running: true, Page: 1, Pages: 2}}, "Syncing… 1 of 2 pages"},
		{ui.Status{Pages: 2, Sync: ui.SyncStatus{Running: true, Page: 2, Pages: 2}}, "Syncing… 2 of 2 pages"},
		{ui.Status{Pages: 2, Tunnel: ui.Tunnel{State: ui.TunnelUp}, Sync: ui.SyncStatus{Last: now.Add(-time.Minute)}}, "Webhooks on · synced 15:29"},
		{ui.Status{Pages: 2, NeedsSignIn: []string{"Boutique Lila"}}, "Facebook page Boutique Lila needs sign-in"},
		{ui.Status{Pages: 2, Tunnel: ui.Tunnel{State: ui.TunnelDown}, Sync: ui.SyncStatus{Last: now.Add(-time.Minute)}}, "Offline: polling only · synced 15:29"},
	}
	for _, st := range steps {
		f.SetStatus(st.s)
		fix := ""
		if len(st.s.NeedsSignIn) > 0 {
			fix = "Sign in again…\n"
		}
		want := "Open Merchant Inbox\nSync now\n(" + st.status + ")\n" + fix + "---\nSettings…\nAbout Merchant Inbox\n---\nQuit\n"
		h.Eventually(st.status, func() bool { return h.TrayText() == want && h.StatusText() == st.status })
	}
}

// Sync now runs off the UI goroutine; a click on the disabled item (which
// D-Bus still delivers) does nothing.
func TestSyncNow(t *testing.T) {
	f := uitest.New(16)
	h := ui.NewHarness(t, f, ui.HarnessOptions{Tray: true}).Start().Loaded()
	h.Eventually("a disabled Sync now", func() bool {
		return h.TrayText() == "Open Merchant Inbox\n(Sync now)\n(No Facebook page connected)\n---\nSettings…\nAbout Merchant Inbox\n---\nQuit\n"
	})
	h.UI(func() {
		h.TrayClick("Sync now")
		h.BarSync()
	})
	if n := f.Syncs(); n != 0 {
		t.Errorf("with no page: %d syncs, want none", n)
	}

	f.AddPage(store.Page{ID: "p1", Name: "Lila"})
	h.Eventually("Sync now enabled", func() bool {
		return h.TrayText()[:len("Open Merchant Inbox\nSync now\n")] == "Open Merchant Inbox\nSync now\n"
	})
	block := make(chan struct{})
	f.OnSync(func() { <-block }) // a slow engine must not hold up the click
	h.UI(func() {
		h.TrayClick("Sync now")
		h.BarSync()
	})
	close(block)
	h.Eventually("two syncs", func() bool { return f.Syncs() == 2 })
}

// A burst of a thousand events is read and painted a few times, at most
// once per throttle interval, not a thousand times.
func TestBurstIsCoalesced(t *testing.T) {
	f := uitest.New(4096)
	f.AddPage(store.Page{ID: "p1", Name: "Lila"})
	f.AddMessage("Ana", message("p1", "ana", "m0", store.Incoming, now.Add(-time.Hour), "hi"), false)
	h := ui.NewHarness(t, f, ui.HarnessOptions{Pauses: true}).Start().Loaded()
	h.UI(func() { h.TapRow(0) })
	h.Eventually("Ana open", func() bool { return len(h.ThreadMessages()) == 1 })
	lists, threads, applied := f.Reads("Conversations"), f.Reads("Messages"), h.Applied()

	for i := range 1000 {
		psid := fmt.Sprint("c", i%50)
		if i%10 == 0 {
			psid = "ana"
		}
		f.AddMessage(fmt.Sprint("Customer ", psid), message("p1", psid, fmt.Sprint("b", i), store.Incoming, now.Add(time.Duration(i)*time.Millisecond), fmt.Sprint("burst ", i)), true)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	advanced := 0
	for {
		var done bool
		h.UI(func() {
			rows := h.Rows()
			// 45 customers (c1..c49 less c10, c20, ...) and Ana.
			done = len(rows) == 46 && rows[0].Snippet == "burst 999" && len(h.ThreadMessages()) == 50
		})
		if done {
			break
		}
		// Let a throttle interval pass once the loop waits for one.
		if err := h.Clock.BlockUntilContext(ctx, 2); err != nil {
			t.Fatal("the burst was never painted")
		}
		h.Clock.Advance(100 * time.Millisecond)
		advanced++
	}
	refreshes := h.Applied() - applied
	t.Logf("1000 events: %d refreshes, %d list reads, %d thread reads over %d throttle intervals",
		refreshes, f.Reads("Conversations")-lists, f.Reads("Messages")-threads, advanced)
	if limit := int64(advanced + 1); refreshes > limit {
		t.Errorf("%d refreshes in %d throttle intervals: more than one per interval", refreshes, advanced)
	}
	if n := f.Reads("Conversations") - lists; n > advanced+1 {
		t.Errorf("the list was read %d times for a burst over %d intervals", n, advanced)
	}
}

// A subscriber that fell behind gets a Resync: everything is read again.
func TestResyncReadsEverything(t *testing.T) {
	f := uitest.New(2)
	f.AddPage(store.Page{ID: "p1", Name: "Lila"})
	h := ui.NewHarness(t, f, ui.HarnessOptions{}).Start().Loaded()
	pages, statuses := f.Reads("Pages"), f.Reads("Status")
	f.Emit(ui.Event{Kind: ui.Resync})
	h.Eventually("pages and status read again", func() bool {
		return f.Reads("Pages") > pages && f.Reads("Status") > statuses
	})
}

// The events channel closing (the engine stopping) leaves the window
// working on what is stored.
func TestEventsClosed(t *testing.T) {
	f := searchInbox()
	h := ui.NewHarness(t, f, ui.HarnessOptions{NoEvents: true}).Start().Loaded()
	h.UI(func() { h.TapRow(0) })
	h.Eventually("the thread", func() bool { return len(h.ThreadMessages()) == 1 })
}
