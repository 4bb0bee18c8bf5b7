package ui

import (
	"strings"
	"testing"
)

// Each state that needs the merchant gives one banner with the action
// that fixes it, the most blocking first.
func TestAttentions(t *testing.T) {
	for _, tt := range []struct {
		name string
		s    Status
		want []string // "Title|Action"
	}{
		{"all well", Status{Pages: 2, Tunnel: Tunnel{State: TunnelUp}}, nil},
		{"polling by choice", Status{Pages: 1, Tunnel: Tunnel{State: TunnelOff}}, nil},
		{"a dead token", Status{Pages: 2, NeedsSignIn: []string{"Lila"}},
			[]string{"Facebook page Lila needs sign-in|Sign in again"}},
		{"the keychain locked", Status{Pages: 1, Keychain: "the collection is locked", Tunnel: Tunnel{State: TunnelDown, Reason: "x"}},
			[]string{"Your keychain is locked or missing|Try again"}},
		{"the engine stopped", Status{Pages: 1, Stopped: "The port 8765 is taken.", Tunnel: Tunnel{State: TunnelDown}},
			[]string{"Syncing has stopped|Try again"}},
		{"the tunnel failing", Status{Pages: 1, Tunnel: Tunnel{State: TunnelDown, Reason: "ngrok refused the authtoken"}},
			[]string{"Webhooks off, polling only|Open settings"}},
		{"the tunnel reconnecting", Status{Pages: 1, Tunnel: Tunnel{State: TunnelConnecting, Reason: "dropped"}}, nil},
		{"the shop uninstalled", Status{Pages: 1, ShopUninstalled: "lila.myshopify.com"},
			[]string{"Merchant Inbox was removed from lila.myshopify.com|Connect again"}},
		{"one page failed", Status{Pages: 2, PageErrors: []PageError{{"Lila", "Facebook could not be reached"}}},
			[]string{"Could not sync Lila|Retry"}},
		{"two pages failed", Status{Pages: 2, PageErrors: []PageError{{"Lila", "a"}, {"Olé", "b"}}},
			[]string{"Could not sync 2 pages|Retry"}},
		{"a sync failed, no page said", Status{Pages: 1, Sync: SyncStatus{LastErr: "the shop could not be read"}},
			[]string{"The last sync failed|Retry"}},
		{"a page failed while a sync runs", Status{Pages: 1, Sync: SyncStatus{Running: true}, PageErrors: []PageError{{"Lila", "a"}}}, nil},
		{"a dead token is not also a failed sync", Status{Pages: 1, NeedsSignIn: []string{"Lila"},
			PageErrors: []PageError{{"Lila", "token"}}, Sync: SyncStatus{LastErr: "Lila: token"}},
			[]string{"Facebook page Lila needs sign-in|Sign in again"}},
		{"everything at once", Status{Pages: 2, Keychain: "locked", NeedsSignIn: []string{"Lila"}, ShopUninstalled: "s",
			Tunnel: Tunnel{State: TunnelDown}},
			[]string{"Your keychain is locked or missing|Try again", "Facebook page Lila needs sign-in|Sign in again", "Merchant Inbox was removed from s|Connect again"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, a := range attentions(tt.s) {
				got = append(got, a.Title+"|"+a.Action)
				if a.Body == "" {
					t.Errorf("%q has no sentence", a.Title)
				}
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("banners\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// The tray's status line and the banners agree on what matters most.
func TestStatusLineAgreesWithBanners(t *testing.T) {
	for _, tt := range []struct {
		s    Status
		line string
	}{
		{Status{Pages: 1, Keychain: "locked"}, "Keychain locked: not syncing"},
		{Status{Pages: 1, Stopped: "port taken"}, "Syncing stopped"},
		{Status{Pages: 1, NeedsSignIn: []string{"Lila"}}, "Facebook page Lila needs sign-in"},
	} {
		if got := statusSentence(tt.s, testNow); got != tt.line {
			t.Errorf("status line %q, want %q", got, tt.line)
		}
		if a := attentions(tt.s); len(a) == 0 {
			t.Errorf("%q in the tray, but no banner", tt.line)
		}
	}
}

// The tunnel's reason starts the banner's sentence; one that ends as a
// question keeps its question mark alone.
func TestTunnelBannerWording(t *testing.T) {
	for _, tt := range []struct{ reason, want string }{
		{"ngrok refused the authtoken", "ngrok refused the authtoken. New messages arrive with the next sync instead of at once."},
		{"ngrok cannot be reached: is this computer online?", "ngrok cannot be reached: is this computer online? New messages arrive with the next sync instead of at once."},
	} {
		a := attentions(Status{Pages: 1, Tunnel: Tunnel{State: TunnelDown, Reason: tt.reason}})
		if len(a) != 1 || a[0].Body != tt.want {
			t.Errorf("reason %q: banners %+v, want the body %q", tt.reason, a, tt.want)
		}
	}
}
