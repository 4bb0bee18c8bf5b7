package ui

import (
	"fmt"
	"strings"
	"time"
)

// statusSentence is the one line that says what matters now. The tray's
// disabled status item and the window's status bar both show it, so the
// merchant reads the same words wherever they look. The most urgent
// thing wins: a sync under way (the merchant may have just asked for
// it), nothing syncing at all (the keychain locked, the engine stopped),
// nothing to sync, a page that needs the merchant, a failed sync,
// and then how messages arrive and when the last sync was.
func statusSentence(s Status, now time.Time) string {
	switch {
	case s.Sync.Running:
		return syncingWords(s.Sync)
	case s.Keychain != "":
		return "Keychain locked: not syncing"
	case s.Stopped != "":
		return "Syncing stopped"
	case s.Pages == 0:
		return "No Facebook page connected"
	case len(s.NeedsSignIn) > 0:
		return signInWords(s.NeedsSignIn)
	case s.Sync.LastErr != "":
		return "Sync failed: " + cutText(s.Sync.LastErr, 60)
	}
	return arrivalWords(s.Tunnel) + " · " + syncedWords(s.Sync, now)
}

// syncingWords is a running poll: "Syncing…", "Syncing… 2 of 3 pages".
func syncingWords(s SyncStatus) string {
	if s.Pages > 1 && s.Page > 0 {
		return fmt.Sprintf("Syncing… %d of %d pages", min(s.Page, s.Pages), s.Pages)
	}
	return "Syncing…"
}

// signInWords names the pages whose token died, as long as the names fit.
func signInWords(names []string) string {
	switch len(names) {
	case 1:
		return "Facebook page " + names[0] + " needs sign-in"
	case 2:
		return "Facebook pages " + names[0] + " and " + names[1] + " need sign-in"
	}
	return fmt.Sprintf("%d Facebook pages need sign-in", len(names))
}

// arrivalWords says how new messages reach the app.
func arrivalWords(t Tunnel) string {
	switch t.State {
	case TunnelUp:
		return "Webhooks on"
	case TunnelConnecting:
		return "Connecting webhooks…"
	case TunnelDown:
		return "Offline: polling only"
	}
	return "Polling only"
}

// syncedWords is the last sync: "synced 10:42", "not synced yet".
func syncedWords(s SyncStatus, now time.Time) string {
	if s.Last.IsZero() {
		return "not synced yet"
	}
	return "synced " + momentAt(s.Last, now)
}

// statusDetail is the longer explanation the status bar shows as a
// tooltip-like second part: why webhooks are down, when the next sync
// runs. Empty when there is nothing to add.
func statusDetail(s Status, now time.Time) string {
	var parts []string
	if s.Tunnel.State == TunnelDown && s.Tunnel.Reason != "" && s.Keychain == "" && s.Stopped == "" {
		parts = append(parts, "Webhooks: "+cutText(s.Tunnel.Reason, 80))
	}
	if !s.Sync.Next.IsZero() && !s.Sync.Running && s.Pages > 0 {
		parts = append(parts, "next sync "+momentAt(s.Sync.Next, now))
	}
	return strings.Join(parts, " · ")
}
