package ui

import (
	"testing"
	"time"
)

// The tray menu for each engine state, as the merchant reads it
// (disabled items in parentheses).
func TestTrayModel(t *testing.T) {
	synced := time.Date(2026, 12, 10, 10, 42, 0, 0, testZone)
	tests := []struct {
		name string
		s    Status
		want string
	}{
		{"webhooks on", Status{Pages: 2, Tunnel: Tunnel{State: TunnelUp}, Sync: SyncStatus{Last: synced}},
			"Open Merchant Inbox\nSync now\n(Webhooks on · synced 10:42)\n---\nSettings…\nAbout Merchant Inbox\n---\nQuit\n"},
		{"syncing: a click queues one more", Status{Pages: 3, Sync: SyncStatus{Running: true, Page: 2, Pages: 3}},
			"Open Merchant Inbox\nSync now\n(Syncing… 2 of 3 pages)\n---\nSettings…\nAbout Merchant Inbox\n---\nQuit\n"},
		{"sign-in", Status{Pages: 1, NeedsSignIn: []string{"Boutique Lila"}},
			"Open Merchant Inbox\nSync now\n(Facebook page Boutique Lila needs sign-in)\nSign in again…\n---\nSettings…\nAbout Merchant Inbox\n---\nQuit\n"},
		{"offline", Status{Pages: 1, Tunnel: Tunnel{State: TunnelDown}, Sync: SyncStatus{Last: synced}},
			"Open Merchant Inbox\nSync now\n(Offline: polling only · synced 10:42)\n---\nSettings…\nAbout Merchant Inbox\n---\nQuit\n"},
		{"nothing to sync", Status{},
			"Open Merchant Inbox\n(Sync now)\n(No Facebook page connected)\n---\nSettings…\nAbout Merchant Inbox\n---\nQuit\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			model := trayModel(tt.s, testNow)
			if got := trayText(model); got != tt.want {
				t.Errorf("tray menu:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

// Fyne appends its own Quit unless the last item is one.
func TestTrayMenuItemsEndWithOurQuit(t *testing.T) {
	var ran []trayAction
	items := trayMenuItems(trayModel(Status{Pages: 1}, testNow), func(a trayAction) { ran = append(ran, a) })
	last := items[len(items)-1]
	if last.Label != "Quit" || !last.IsQuit || last.Action == nil {
		t.Fatalf("last item = %+v, want our own Quit", last)
	}
	last.Action()
	items[1].Action()
	if len(ran) != 2 || ran[0] != trayQuit || ran[1] != traySync {
		t.Errorf("actions run = %v, want [quit sync]", ran)
	}
	if items[2].Action != nil || !items[2].Disabled {
		t.Errorf("status item = %+v, want disabled with no action", items[2])
	}
	if !items[3].IsSeparator {
		t.Errorf("item 3 = %+v, want a separator", items[3])
	}
}

func TestSameTray(t *testing.T) {
	a := trayModel(Status{Pages: 1, Sync: SyncStatus{Running: true, Page: 1, Pages: 2}}, testNow)
	b := trayModel(Status{Pages: 1, Sync: SyncStatus{Running: true, Page: 1, Pages: 2}}, testNow)
	c := trayModel(Status{Pages: 1, Sync: SyncStatus{Running: true, Page: 2, Pages: 2}}, testNow)
	if !sameTray(a, b) {
		t.Error("identical models compare different")
	}
	if sameTray(a, c) {
		t.Error("models with different progress compare equal")
	}
}
