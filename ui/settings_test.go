package ui_test

import (
	"strings"
	"testing"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
	"github.com/merchant-inbox/merchant-inbox/ui"
	"github.com/merchant-inbox/merchant-inbox/ui/uitest"
)

func settingsHarness(t *testing.T) (*uitest.Fake, *ui.Harness) {
	t.Helper()
	f := uitest.New(64)
	f.AddPage(store.Page{ID: "p1", Name: "Lila"})
	f.SetSettings(ui.Settings{Notifications: true, PollAt: "09:00", Listen: "127.0.0.1:8765", Tunnel: true, ImageCacheMB: 500})
	h := setupHarness(t, f)
	h.UI(func() { h.ShowScreen("settings") })
	h.Eventually("the settings", func() bool { return h.Screen() == "settings" && h.Settings().PollAt == "09:00" })
	return f, h
}

func TestSettingsShowWhatIsSaved(t *testing.T) {
	_, h := settingsHarness(t)
	h.UI(func() {
		got := h.Settings()
		want := ui.SettingsForm{PollAt: "09:00", Listen: "127.0.0.1:8765", CacheMB: "500", Notifications: true, Tunnel: true,
			Folder: "/home/merchant/.config/merchant-inbox", Version: "Merchant Inbox version 1.4.0"}
		if got != want {
			t.Errorf("form %+v\nwant %+v", got, want)
		}
		h.OpenFolder()
		if o := h.Opened(); len(o) != 1 || o[0] != "file:///home/merchant/.config/merchant-inbox" {
			t.Errorf("Open folder opened %v", o)
		}
	})
}

// Bad values get their reason under the field and nothing is saved.
func TestSettingsRefuseBadValues(t *testing.T) {
	f, h := settingsHarness(t)
	h.UI(func() {
		h.EditSettings(map[string]string{"pollAt": "7h30", "domain": "https://x.ngrok.app", "cacheMB": "lots"})
		if !h.Settings().CanSave {
			t.Fatal("Save disabled after a change")
		}
		h.SaveSettings()
		want := map[string]string{
			"pollAt":  "Type a time of day as HH:MM, such as 07:30.",
			"domain":  "Type the domain alone, such as lila-shop.ngrok-free.app.",
			"cacheMB": "Type a whole number of megabytes, such as 500.",
		}
		got := h.SettingsReasons()
		for k, v := range want {
			if got[k] != v {
				t.Errorf("reason under %s: %q, want %q", k, got[k], v)
			}
		}
	})
	if s, _ := f.Settings(t.Context()); s.PollAt != "09:00" || s.Domain != "" || s.ImageCacheMB != 500 {
		t.Errorf("refused values were saved: %+v", s)
	}
}

// Good values are saved and the screen says so; the engine picks them up
// from there (the bridge reloads it).
func TestSettingsApplied(t *testing.T) {
	f, h := settingsHarness(t)
	h.UI(func() {
		h.EditSettings(map[string]string{"pollAt": "07:30", "domain": "lila.ngrok-free.app", "cacheMB": "250",
			"notifications": "off", "login": "on", "tunnel": "off"})
		h.SaveSettings()
	})
	h.Eventually("saved", func() bool { return strings.HasPrefix(h.Settings().Result, "Saved.") && !h.Settings().CanSave })
	s, _ := f.Settings(t.Context())
	want := ui.Settings{Notifications: false, PollAt: "07:30", Listen: "127.0.0.1:8765", Tunnel: false,
		Domain: "lila.ngrok-free.app", StartAtLogin: true, ImageCacheMB: 250}
	if s != want {
		t.Errorf("saved %+v\nwant %+v", s, want)
	}
}

// The tray reaches the settings and the version.
func TestTraySettingsAndAbout(t *testing.T) {
	f := uitest.New(64)
	f.AddPage(store.Page{ID: "p1", Name: "Lila"})
	h := ui.NewHarness(t, f, ui.HarnessOptions{Tray: true, StartHidden: true, Setup: f, Checks: testChecks, Version: "v1.4.0"}).Start().Loaded()
	h.UI(func() { h.TrayClick("Settings…") })
	h.Eventually("the settings in a shown window", func() bool { return h.Visible() && h.Screen() == "settings" })
	h.UI(func() { h.TrayClick("About Merchant Inbox") })
	h.UI(func() {
		if title, text := h.Message(); title != "About Merchant Inbox" || !strings.Contains(text, "Merchant Inbox version 1.4.0") {
			t.Errorf("about: %q %q", title, text)
		}
	})
}

// A run started with flags that outweigh the saved settings says so over
// them, rather than showing a tunnel the app is not opening.
func TestSettingsSayWhatTheCommandLineSet(t *testing.T) {
	f, h := settingsHarness(t)
	h.UI(func() {
		if o := h.Settings().Override; o != "" {
			t.Errorf("without overrides the note reads %q", o)
		}
	})
	f.SetOverrides("webhooks are off (--no-tunnel)")
	h.UI(func() { h.ShowScreen("inbox") })
	h.UI(func() { h.ShowScreen("settings") })
	h.Eventually("the note", func() bool {
		return strings.Contains(h.Settings().Override, "webhooks are off (--no-tunnel)")
	})
}
