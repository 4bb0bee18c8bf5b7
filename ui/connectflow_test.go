package ui_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
	"github.com/merchant-inbox/merchant-inbox/ui"
	"github.com/merchant-inbox/merchant-inbox/ui/uitest"
)

const consent = "https://www.facebook.com/v23.0/dialog/oauth?client_id=1"

// facebookReady is a fake with the Facebook app saved and sign-ins that
// open consent in a browser that records it.
func facebookReady(s uitest.ConnectScript) (*uitest.Fake, *[]string) {
	f := uitest.New(64)
	f.PutSecret(ui.FacebookAppID, "1")
	f.PutSecret(ui.FacebookAppSecret, "s")
	s.Consent = consent
	f.ScriptConnect(ui.Facebook, s)
	var opened []string
	f.SetBrowser(func(u string) error { opened = append(opened, u); return nil })
	return f, &opened
}

func TestConnectButtonWaitsForTheApp(t *testing.T) {
	f := uitest.New(64)
	h := setupHarness(t, f)
	h.Eventually("the setup screen", func() bool { _, ok := h.ConnectFacebookButton(); return h.Screen() == "setup" && !ok })
	f.PutSecret(ui.FacebookAppID, "1")
	f.PutSecret(ui.FacebookAppSecret, "s")
	h.UI(func() { h.ShowScreen("setup") })
	h.Eventually("Connect enabled", func() bool { label, ok := h.ConnectFacebookButton(); return ok && label == "Connect Facebook" })
}

// One page granted: the browser opens, the window waits, and says the
// flow's own sentence.
func TestConnectFacebookOnePage(t *testing.T) {
	f, opened := facebookReady(uitest.ConnectScript{Pages: []ui.ConnectPage{{ID: "1", Name: "Lila"}},
		Notices: []string{"page 1: could not subscribe to its webhooks yet"}})
	h := setupHarness(t, f)
	h.Eventually("the setup screen", func() bool { _, ok := h.ConnectFacebookButton(); return ok })
	h.UI(func() { h.ConnectFacebook() })
	h.Eventually("waiting", func() bool {
		fl := h.Flow()
		return fl.Waiting && fl.Headline == "Waiting for the browser…" && fl.Button == "Cancel"
	})
	if !slices.Equal(*opened, []string{consent}) {
		t.Errorf("browser opened %v", *opened)
	}
	f.BrowserReturns()
	h.Eventually("connected", func() bool {
		fl := h.Flow()
		return fl.Headline == "Connected" && fl.Body == "Connected to Facebook as Lila Martin; syncing 1 page(s)." &&
			fl.Button == "Close" && !fl.Waiting && strings.Contains(fl.Notices, "could not subscribe")
	})
	h.Eventually("the page step done", func() bool { return h.StepStates()[1] == "Done" })
	h.UI(func() { h.FlowStop() })
	h.Eventually("the inbox", func() bool { return h.Screen() == "inbox" && !h.Flow().Shown })
}

// Several pages: a checklist, all ticked; what is unticked is not synced.
func TestConnectFacebookChecklist(t *testing.T) {
	f, _ := facebookReady(uitest.ConnectScript{Pages: []ui.ConnectPage{
		{ID: "1", Name: "Lila", Category: "Clothing store"}, {ID: "2", Name: "Café Olé"}, {ID: "3", Name: "Outlet"}}})
	h := setupHarness(t, f)
	h.Eventually("the setup screen", func() bool { _, ok := h.ConnectFacebookButton(); return ok })
	h.UI(func() { h.ConnectFacebook() })
	h.Eventually("waiting", func() bool { return h.Flow().Waiting })
	f.BrowserReturns()
	h.Eventually("the checklist", func() bool {
		return slices.Equal(h.Flow().Pages, []string{"Lila  ·  Clothing store", "Café Olé", "Outlet"})
	})
	h.UI(func() {
		for i := range 3 {
			h.FlowUntick(i)
		}
		if h.FlowChoose() {
			t.Error("Sync these pages with nothing ticked")
		}
		h.FlowTick(0)
		h.FlowTick(2)
		if !h.FlowChoose() {
			t.Error("Sync these pages cannot be pressed")
		}
	})
	h.Eventually("connected", func() bool { return h.Flow().Headline == "Connected" })
	pages, _ := f.Pages(t.Context())
	if len(pages) != 2 || pages[0].ID != "1" || pages[1].ID != "3" {
		t.Errorf("pages %+v, want the two ticked", pages)
	}
}

// Cancel while waiting ends the sign-in with nothing stored.
func TestConnectCancel(t *testing.T) {
	f, _ := facebookReady(uitest.ConnectScript{Pages: []ui.ConnectPage{{ID: "1", Name: "Lila"}}})
	h := setupHarness(t, f)
	h.Eventually("the setup screen", func() bool { _, ok := h.ConnectFacebookButton(); return ok })
	h.UI(func() { h.ConnectFacebook() })
	h.Eventually("waiting", func() bool { return h.Flow().Waiting })
	h.UI(func() { h.FlowStop() })
	h.Eventually("the sign-in ended", func() bool { return f.SignInsUnderway() == 0 && !h.Flow().Shown })
	if f.Cancelled() != 1 {
		t.Errorf("%d cancelled sign-ins, want 1", f.Cancelled())
	}
	if pages, _ := f.Pages(t.Context()); len(pages) != 0 {
		t.Errorf("a cancelled sign-in stored %+v", pages)
	}
}

// A failed sign-in says why; a browser that did not open leaves a way to
// open the page.
func TestConnectFailsAndNoBrowser(t *testing.T) {
	f, opened := facebookReady(uitest.ConnectScript{NoBrowser: true, Err: errors.New("You declined to connect.")})
	h := setupHarness(t, f)
	h.Eventually("the setup screen", func() bool { _, ok := h.ConnectFacebookButton(); return ok })
	h.UI(func() { h.ConnectFacebook() })
	h.Eventually("waiting, with a way to open the page", func() bool { fl := h.Flow(); return fl.Waiting && fl.CanOpenPageAgain })
	h.UI(func() { h.FlowOpenAgain() })
	if len(*opened) != 0 || !slices.Equal(h.Opened(), []string{consent}) {
		t.Errorf("the fake's browser opened %v, the window %v; want the window to open the page", *opened, h.Opened())
	}
	f.BrowserReturns()
	h.Eventually("the failure", func() bool {
		fl := h.Flow()
		return fl.Headline == "Not connected" && fl.Body == "You declined to connect. Nothing was changed." && fl.Button == "Close"
	})
}

func TestConnectShopify(t *testing.T) {
	f := uitest.New(64)
	f.AddPage(store.Page{ID: "p1", Name: "Lila"})
	f.PutSecret(ui.ShopifyClientID, "id")
	f.PutSecret(ui.ShopifyClientSecret, "secret")
	h := setupHarness(t, f)
	h.UI(func() { h.ShowScreen("setup") })
	h.Eventually("the shop step", func() bool { return h.Screen() == "setup" && h.StepStates()[3] == "To do" })
	h.UI(func() { h.ConnectShop("my shop") })
	h.UI(func() {
		if got := h.ShopReason(); got != "A shop name is letters, digits and dashes, as in your-store.myshopify.com." || h.Flow().Shown {
			t.Errorf("bad name: reason %q, flow shown %v", got, h.Flow().Shown)
		}
	})
	h.UI(func() { h.ConnectShop("lila-shop") })
	h.Eventually("waiting", func() bool { return h.Flow().Waiting })
	f.BrowserReturns()
	h.Eventually("connected", func() bool { return h.Flow().Body == "Connected to the Shopify shop lila-shop.myshopify.com." })
	h.Eventually("the shop step done", func() bool { return h.StepStates()[3] == "Done" })
}

// Disconnecting asks first and says what stays.
func TestDisconnectConfirmation(t *testing.T) {
	f, _ := facebookReady(uitest.ConnectScript{})
	f.AddPage(store.Page{ID: "p1", Name: "Lila"})
	h := setupHarness(t, f)
	h.UI(func() { h.ShowScreen("setup") })
	h.Eventually("the setup screen", func() bool { return h.Screen() == "setup" && h.StepStates()[1] == "Done" })
	h.UI(func() { h.Disconnect(ui.Facebook) })
	h.UI(func() {
		title, text, ok := h.Confirm("Keep connected")
		if !ok || title != "Disconnect Facebook?" || !strings.Contains(text, "conversations already here stay on this computer") {
			t.Errorf("confirmation %v %q %q", ok, title, text)
		}
	})
	if pages, _ := f.Pages(t.Context()); pages[0].Disconnected {
		t.Fatal("Keep connected disconnected")
	}
	h.UI(func() {
		h.Disconnect(ui.Facebook)
		h.Confirm("Disconnect")
	})
	h.Eventually("the outcome", func() bool {
		title, text := h.Message()
		return title == "Disconnected" && strings.Contains(text, "stay on this computer")
	})
	if pages, _ := f.Pages(t.Context()); !pages[0].Disconnected {
		t.Error("the page is still connected")
	}
}
