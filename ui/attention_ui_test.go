package ui_test

import (
	"slices"
	"testing"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
	"github.com/merchant-inbox/merchant-inbox/ui"
	"github.com/merchant-inbox/merchant-inbox/ui/uitest"
)

// Each banner's button does what fixes its state, and none hides the list.
func TestBannerActions(t *testing.T) {
	f := uitest.New(64)
	f.AddPage(store.Page{ID: "p1", Name: "Lila"})
	f.AddMessage("Ana", message("p1", "ana", "m1", store.Incoming, now, "hi"), false)
	f.PutSecret(ui.FacebookAppID, "1")
	f.PutSecret(ui.FacebookAppSecret, "s")
	f.PutSecret(ui.ShopifyClientID, "1")
	f.PutSecret(ui.ShopifyClientSecret, "s")
	h := setupHarness(t, f)

	f.SetStatus(ui.Status{Pages: 1, PageErrors: []ui.PageError{{Page: "Lila", Reason: "Facebook could not be reached"}}})
	h.Eventually("the sync banner", func() bool { return slices.Equal(h.Banners(), []string{"Could not sync Lila|Retry"}) })
	h.UI(func() {
		if len(h.Rows()) != 1 {
			t.Error("the banner hides the list")
		}
		h.PressBanner("Could not sync Lila")
	})
	h.Eventually("a sync", func() bool { return f.Syncs() == 1 })

	f.SetStatus(ui.Status{Pages: 1, NeedsSignIn: []string{"Lila"}})
	h.Eventually("the sign-in banner", func() bool {
		return slices.Equal(h.Banners(), []string{"Facebook page Lila needs sign-in|Sign in again"})
	})
	h.UI(func() { h.PressBanner("Facebook page Lila needs sign-in") })
	h.Eventually("the Facebook sign-in", func() bool { return h.Flow().Shown && f.SignInsUnderway() == 1 })
	h.UI(func() { h.FlowStop() })
	h.Eventually("cancelled", func() bool { return f.SignInsUnderway() == 0 && h.FlowIdle() })

	f.SetStatus(ui.Status{Pages: 1, ShopUninstalled: "lila.myshopify.com"})
	h.Eventually("the shop banner", func() bool {
		return slices.Equal(h.Banners(), []string{"Merchant Inbox was removed from lila.myshopify.com|Connect again"})
	})
	h.UI(func() { h.PressBanner("Merchant Inbox was removed from lila.myshopify.com") })
	h.Eventually("the Shopify sign-in", func() bool { return f.SignInsUnderway() == 1 })
	h.UI(func() { h.FlowStop() })
	h.Eventually("cancelled", func() bool { return f.SignInsUnderway() == 0 && h.FlowIdle() })

	f.SetStatus(ui.Status{Pages: 1, Tunnel: ui.Tunnel{State: ui.TunnelDown, Reason: "ngrok refused the authtoken"}})
	h.Eventually("the tunnel banner", func() bool { return slices.Equal(h.Banners(), []string{"Webhooks off, polling only|Open settings"}) })
	h.UI(func() { h.PressBanner("Webhooks off, polling only") })
	h.Eventually("the settings", func() bool { return h.Screen() == "settings" })
	h.UI(func() { h.ShowScreen("inbox") })

	// The keychain locked: the list stays; Try again restarts the engine,
	// and once the keychain opens the banner goes.
	f.SetStatus(ui.Status{Pages: 1})
	f.LockKeychain("the collection is locked")
	h.Eventually("the keychain banner", func() bool {
		return slices.Equal(h.Banners(), []string{"Your keychain is locked or missing|Try again"})
	})
	h.UI(func() {
		if len(h.Rows()) != 1 {
			t.Error("a locked keychain hides the stored conversations")
		}
	})
	f.LockKeychain("")
	h.UI(func() { h.PressBanner("Your keychain is locked or missing") })
	h.Eventually("the banner gone", func() bool { return f.Restarts() == 1 && len(h.Banners()) == 0 })
}

// Without a Setup (an older front end), banners still show, with only the
// buttons that work there.
func TestBannersWithoutSetup(t *testing.T) {
	f := uitest.New(64)
	f.AddPage(store.Page{ID: "p1", Name: "Lila"})
	h := ui.NewHarness(t, f, ui.HarnessOptions{}).Start().Loaded()
	f.SetStatus(ui.Status{Pages: 1, NeedsSignIn: []string{"Lila"}, PageErrors: []ui.PageError{{Page: "Olé", Reason: "x"}}})
	h.Eventually("the banners", func() bool {
		return slices.Equal(h.Banners(), []string{"Facebook page Lila needs sign-in|", "Could not sync Olé|Retry"})
	})
}
