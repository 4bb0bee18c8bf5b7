package ui

import (
	"strings"
	"testing"
	"time"
)

func TestStatusSentence(t *testing.T) {
	synced := time.Date(2026, 12, 10, 10, 42, 0, 0, testZone)
	up := Tunnel{State: TunnelUp, URL: "https://lila.ngrok.app"}
	tests := []struct {
		name string
		s    Status
		want string
	}{
		{"webhooks on", Status{Pages: 2, Tunnel: up, Sync: SyncStatus{Last: synced}}, "Webhooks on · synced 10:42"},
		{"never synced", Status{Pages: 1, Tunnel: up}, "Webhooks on · not synced yet"},
		{"synced yesterday", Status{Pages: 1, Tunnel: up, Sync: SyncStatus{Last: synced.AddDate(0, 0, -1)}}, "Webhooks on · synced yesterday 10:42"},
		{"tunnel down", Status{Pages: 1, Tunnel: Tunnel{State: TunnelDown, Reason: "authtoken rejected"}, Sync: SyncStatus{Last: synced}}, "Offline: polling only · synced 10:42"},
		{"no tunnel configured", Status{Pages: 1, Sync: SyncStatus{Last: synced}}, "Polling only · synced 10:42"},
		{"connecting", Status{Pages: 1, Tunnel: Tunnel{State: TunnelConnecting}, Sync: SyncStatus{Last: synced}}, "Connecting webhooks… · synced 10:42"},
		{"syncing", Status{Pages: 3, Tunnel: up, Sync: SyncStatus{Running: true, Page: 2, Pages: 3}}, "Syncing… 2 of 3 pages"},
		{"syncing, before the first page", Status{Pages: 3, Sync: SyncStatus{Running: true, Pages: 3}}, "Syncing…"},
		{"syncing one page", Status{Pages: 1, Sync: SyncStatus{Running: true, Page: 1, Pages: 1}}, "Syncing…"},
		{"sign-in beats a failed sync", Status{Pages: 2, NeedsSignIn: []string{"Boutique Lila"}, Sync: SyncStatus{LastErr: "token expired"}}, "Facebook page Boutique Lila needs sign-in"},
		{"two need sign-in", Status{Pages: 2, NeedsSignIn: []string{"Boutique Lila", "Café Olé"}}, "Facebook pages Boutique Lila and Café Olé need sign-in"},
		{"three need sign-in", Status{Pages: 3, NeedsSignIn: []string{"A", "B", "C"}}, "3 Facebook pages need sign-in"},
		{"sync failed", Status{Pages: 1, Tunnel: up, Sync: SyncStatus{Last: synced, LastErr: "Meta is rate limiting this page"}}, "Sync failed: Meta is rate limiting this page"},
		{"no page", Status{Tunnel: up}, "No Facebook page connected"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := statusSentence(tt.s, testNow); got != tt.want {
				t.Errorf("statusSentence = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestStatusSentenceCutsLongErrors(t *testing.T) {
	s := Status{Pages: 1, Sync: SyncStatus{LastErr: strings.Repeat("connection refused ", 20)}}
	got := statusSentence(s, testNow)
	if n := len([]rune(got)); n > len("Sync failed: ")+61 || !strings.HasSuffix(got, "…") {
		t.Errorf("statusSentence = %q (%d runes), want it cut with an ellipsis", got, n)
	}
}

func TestStatusDetail(t *testing.T) {
	next := time.Date(2026, 12, 11, 3, 0, 0, 0, testZone)
	s := Status{Pages: 1, Tunnel: Tunnel{State: TunnelDown, Reason: "ERR_NGROK_105 authtoken invalid"}, Sync: SyncStatus{Next: next}}
	if got, want := statusDetail(s, testNow), "Webhooks: ERR_NGROK_105 authtoken invalid · next sync tomorrow 03:00"; got != want {
		t.Errorf("statusDetail = %q, want %q", got, want)
	}
	s.Sync.Running = true
	if got, want := statusDetail(s, testNow), "Webhooks: ERR_NGROK_105 authtoken invalid"; got != want {
		t.Errorf("statusDetail while syncing = %q, want %q", got, want)
	}
}
