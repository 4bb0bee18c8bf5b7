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

// A first run opens on the setup screen; once a page is connected the
// inbox takes its place, and the setup is one menu item away.
func TestSetupScreenOnFirstRun(t *testing.T) {
	f := uitest.New(64)
	h := setupHarness(t, f)
	h.Eventually("the setup screen", func() bool {
		return h.Screen() == "setup" && h.SetupTitle() == "Welcome to Merchant Inbox"
	})
	h.UI(func() {
		if title, _ := h.Welcome(); title != "" {
			t.Errorf("the terminal welcome shows too: %q", title)
		}
		if got := strings.Join(h.StepStates(), ","); got != "To do,To do,Optional,Optional,Optional" {
			t.Errorf("steps %s", got)
		}
		fb, shop := h.Redirects()
		if fb != uitest.FacebookRedirect || shop != uitest.ShopifyRedirect {
			t.Errorf("redirects %q %q", fb, shop)
		}
		h.CopyFacebookRedirect()
		if h.Clipboard() != uitest.FacebookRedirect {
			t.Errorf("clipboard %q, want the redirect URI", h.Clipboard())
		}
		if !h.TapLink("Open Meta for Developers") {
			t.Fatal("no link to Meta's app dashboard")
		}
		if got := h.Opened(); !slices.Equal(got, []string{"https://developers.facebook.com/apps"}) {
			t.Errorf("opened %v", got)
		}
	})

	f.AddPage(store.Page{ID: "p1", Name: "Lila"})
	h.Eventually("the inbox", func() bool { return h.Screen() == "inbox" })
	h.UI(func() {
		if got := h.MenuItems("Connections"); !slices.Equal(got, []string{"Connections", "Settings", "About Merchant Inbox"}) {
			t.Errorf("menu %v", got)
		}
	})
	h.Eventually("Connections", func() bool { return h.Screen() == "setup" && h.SetupTitle() == "Connections" })
	h.UI(func() { h.ShowScreen("inbox") })
	h.Eventually("back to the inbox", func() bool { return h.Screen() == "inbox" })
}

// A value is checked before it is stored, shown again never, and can be
// replaced or removed.
func TestSecretField(t *testing.T) {
	f := uitest.New(64)
	h := setupHarness(t, f)
	h.Eventually("the setup screen", func() bool { return h.Screen() == "setup" })

	h.UI(func() {
		id := h.Field(ui.FacebookAppID)
		id.Type("12ab")
		id.Save()
		if got := id.Reason(); got != "An app ID is made of digits only." {
			t.Errorf("reason %q", got)
		}
		id.Type("")
		id.Save()
		if got := id.Reason(); got != "Paste the value first." {
			t.Errorf("empty: reason %q", got)
		}
	})
	if _, ok := f.SecretValue(ui.FacebookAppID); ok {
		t.Fatal("a refused value was stored")
	}

	// The keychain's refusal shows under the field; the text stays.
	f.FailSaves(errors.New("the keychain said no"))
	h.UI(func() {
		s := h.Field(ui.FacebookAppSecret)
		s.Type("abc")
		s.Save()
	})
	h.Eventually("the keychain's refusal", func() bool {
		s := h.Field(ui.FacebookAppSecret)
		return s.Reason() == "Not saved: the keychain said no" && s.Text() == "abc" && !s.Saved()
	})
	f.FailSaves(nil)

	h.UI(func() {
		id := h.Field(ui.FacebookAppID)
		id.Type("1234567890")
		id.Save()
	})
	h.Eventually("saved", func() bool { id := h.Field(ui.FacebookAppID); return id.Saved() && id.Text() == "" })
	if v, _ := f.SecretValue(ui.FacebookAppID); v != "1234567890" {
		t.Errorf("stored %q", v)
	}

	h.UI(func() {
		id := h.Field(ui.FacebookAppID)
		id.Replace()
		if id.Saved() || id.Text() != "" {
			t.Errorf("replacing: saved %v, text %q; want an empty entry", id.Saved(), id.Text())
		}
		id.Type("555")
		id.Save()
	})
	h.Eventually("replaced", func() bool { return h.Field(ui.FacebookAppID).Saved() })
	if v, _ := f.SecretValue(ui.FacebookAppID); v != "555" {
		t.Errorf("after Replace the keychain holds %q", v)
	}
	h.UI(func() { h.Field(ui.FacebookAppID).Remove() })
	h.Eventually("removed", func() bool { return !h.Field(ui.FacebookAppID).Saved() })
	if _, ok := f.SecretValue(ui.FacebookAppID); ok {
		t.Error("Remove left the value in the keychain")
	}
}

// The keychain locked: the setup screen says so, and nothing is saved.
func TestSetupWithTheKeychainLocked(t *testing.T) {
	f := uitest.New(64)
	f.LockKeychain("the collection is locked")
	h := setupHarness(t, f)
	h.Eventually("the warning", func() bool { return h.Screen() == "setup" && h.KeychainWarning() })
	h.UI(func() {
		id := h.Field(ui.FacebookAppID)
		id.Type("123")
		id.Save()
	})
	h.Eventually("the refusal", func() bool {
		return strings.HasPrefix(h.Field(ui.FacebookAppID).Reason(), "Not saved: the keychain is locked")
	})
	f.LockKeychain("")
	h.UI(func() { h.ShowScreen("setup") })
	h.Eventually("the warning gone", func() bool { return !h.KeychainWarning() })
}

func TestStaticDomainIsChecked(t *testing.T) {
	f := uitest.New(64)
	h := setupHarness(t, f)
	h.Eventually("the setup screen", func() bool { return h.Screen() == "setup" })
	var reason string
	h.UI(func() { reason = h.SaveDomain("https://lila.ngrok.app/") })
	if reason != "Type the domain alone, such as lila-shop.ngrok-free.app." {
		t.Errorf("reason %q", reason)
	}
	h.UI(func() { reason = h.SaveDomain("lila.ngrok-free.app") })
	if reason != "" {
		t.Errorf("a good domain refused: %q", reason)
	}
	h.Eventually("the domain saved", func() bool {
		s, _ := f.Settings(t.Context())
		return s.Domain == "lila.ngrok-free.app"
	})
}
