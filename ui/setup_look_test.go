package ui_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/theme"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
	"github.com/merchant-inbox/merchant-inbox/ui"
	"github.com/merchant-inbox/merchant-inbox/ui/uitest"
)

// testChecks stand in for the validators the app passes: the window's
// tests are about showing a refusal, not about the rules themselves.
var testChecks = ui.Checks{
	Secret: func(name ui.Secret, s string) error {
		if name == ui.FacebookAppID && strings.Trim(s, "0123456789") != "" {
			return errors.New("An app ID is made of digits only.")
		}
		return nil
	},
	Shop: func(s string) error {
		if !strings.HasSuffix(s, ".myshopify.com") || strings.ContainsAny(strings.TrimSuffix(s, ".myshopify.com"), " ./") {
			return errors.New("A shop name is letters, digits and dashes, as in your-store.myshopify.com.")
		}
		return nil
	},
	Domain: func(s string) error {
		if !strings.Contains(s, ".") || strings.ContainsAny(s, " /:") {
			return errors.New("Type the domain alone, such as lila-shop.ngrok-free.app.")
		}
		return nil
	},
	TimeOfDay: func(s string) error {
		if _, err := time.Parse("15:04", s); err != nil {
			return errors.New("Type a time of day as HH:MM, such as 07:30.")
		}
		return nil
	},
}

func setupHarness(t *testing.T, f *uitest.Fake) *ui.Harness {
	t.Helper()
	return ui.NewHarness(t, f, ui.HarnessOptions{Setup: f, Checks: testChecks, Version: "1.4.0",
		Theme: variant(theme.VariantLight)}).Start().Loaded()
}

// TestSetupLook walks a first run as a merchant would; with
// UI_SCREENSHOTS set it leaves a picture of each step.
func TestSetupLook(t *testing.T) {
	f := uitest.New(64)
	f.ScriptConnect(ui.Facebook, uitest.ConnectScript{Consent: "https://www.facebook.com/v23.0/dialog/oauth?client_id=1",
		Pages: []ui.ConnectPage{{ID: "1", Name: "Boutique Lila", Category: "Clothing store"}, {ID: "2", Name: "Café Olé", Category: "Coffee shop"}, {ID: "3", Name: "Lila Outlet", Category: "Outlet store"}}})
	f.SetBrowser(func(string) error { return nil })
	h := setupHarness(t, f)
	h.Eventually("the setup screen", func() bool { return h.Screen() == "setup" && h.StepStates()[0] == "To do" })
	h.Screenshot("setup-empty")

	h.UI(func() {
		h.Field(ui.FacebookAppID).Type("1234567890")
		h.Field(ui.FacebookAppID).Save()
		h.Field(ui.FacebookAppSecret).Type("s3cr3t-value")
		h.Field(ui.FacebookAppSecret).Save()
	})
	h.Eventually("the app step done", func() bool { return h.StepStates()[0] == "Done" })
	h.Screenshot("setup-half")

	h.UI(func() { h.ConnectFacebook() })
	h.Eventually("waiting", func() bool { return h.Flow().Waiting })
	h.Screenshot("connect-waiting")
	f.BrowserReturns()
	h.Eventually("the checklist", func() bool { return len(h.Flow().Pages) == 3 })
	h.Screenshot("connect-pages")
	h.UI(func() { h.FlowChoose() })
	h.Eventually("connected", func() bool { return h.Flow().Headline == "Connected" })
	h.Screenshot("connect-done")
	h.UI(func() { h.FlowStop() })

	f.PutSecret(ui.ShopifyClientID, "abc")
	f.PutSecret(ui.ShopifyClientSecret, "def")
	f.PutSecret(ui.NgrokAuthtoken, "tok")
	f.SetShopConnection("lila-shop.myshopify.com", "")
	h.UI(func() { h.ShowScreen("setup") })
	h.Eventually("every step done", func() bool { return strings.Join(h.StepStates(), ",") == "Done,Done,Done,Done,Done" })
	h.Screenshot("setup-done")

	h.UI(func() { h.ShowScreen("settings") })
	h.Eventually("the settings", func() bool { return h.Settings().Folder != "" })
	h.Screenshot("settings")
}

// TestBannerLook shows every banner at once.
func TestBannerLook(t *testing.T) {
	f := uitest.Sample(ui.TestNow)
	h := setupHarness(t, f)
	f.SetStatus(ui.Status{Pages: 2, NeedsSignIn: []string{"Café Olé"}, ShopUninstalled: "lila-shop.myshopify.com",
		Tunnel:     ui.Tunnel{State: ui.TunnelDown, Reason: "ngrok refused the authtoken"},
		PageErrors: []ui.PageError{{Page: "Boutique Lila", Reason: "Facebook could not be reached"}}})
	h.Eventually("the banners", func() bool { return len(h.Banners()) == 4 })
	h.Screenshot("banners")
	f.AddPage(store.Page{ID: "p9", Name: "x"})
	f.LockKeychain("the Secret Service did not answer")
	h.Eventually("the keychain banner", func() bool { b := h.Banners(); return len(b) > 0 && strings.HasPrefix(b[0], "Your keychain") })
	h.Screenshot("banner-keychain")
}
