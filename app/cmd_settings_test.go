package app

import (
	"strings"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

func TestSettingsShowAndChange(t *testing.T) {
	h := newHarness(t)
	h.env["XDG_CONFIG_HOME"] = t.TempDir() // start at login: off, and readable
	var v settingsView
	h.jsonOf(&v, "settings", "--json")
	if v != (settingsView{Notifications: true, PollAt: defaultPollAt, Listen: defaultListen, Tunnel: true, ImageCacheMB: 200}) {
		t.Errorf("defaults: %+v", v)
	}
	h.jsonOf(&v, "settings", "--json", "--notifications", "off", "--poll-at", "07:30", "--tunnel", "off", "--domain", "https://Shop.ngrok.app/", "--image-cache", "500")
	want := settingsView{Notifications: false, PollAt: "07:30", Listen: defaultListen, Tunnel: false, Domain: "shop.ngrok.app", ImageCacheMB: 500}
	if v != want {
		t.Errorf("after the change: %+v, want %+v", v, want)
	}
	h.jsonOf(&v, "settings", "--json")
	if v != want {
		t.Errorf("read again: %+v, want %+v", v, want)
	}
	// Bad input is refused with exit 2 and nothing is written.
	for _, args := range [][]string{
		{"settings", "--poll-at", "25:00", "--notifications", "on"},
		{"settings", "--listen", "0.0.0.0:8765", "--notifications", "on"},
		{"settings", "--notifications", "maybe"},
		{"settings", "--domain", "shop.ngrok.app/path", "--notifications", "on"},
		{"settings", "--image-cache", "5", "--notifications", "on"},
		{"settings", "--image-cache", "lots", "--notifications", "on"},
	} {
		if r := h.run("", args...); r.code != ExitUsage {
			t.Errorf("%v: exit %d, want 2\n%s", args, r.code, r.stderr)
		}
	}
	h.jsonOf(&v, "settings", "--json")
	if v != want {
		t.Errorf("after refused changes: %+v, want %+v unchanged", v, want)
	}
	if r := h.mustRun("", "settings"); !strings.Contains(r.stdout, "Notifications: off") || !strings.Contains(r.stdout, "Daily sync:    07:30") || !strings.Contains(r.stdout, "Image cache:   500 MB") {
		t.Errorf("settings:\n%s", r.stdout)
	}
	h.jsonOf(&v, "settings", "--json", "--image-cache", "default")
	if v.ImageCacheMB != defaultImageCacheMB {
		t.Errorf("--image-cache default: %d MB, want %d", v.ImageCacheMB, defaultImageCacheMB)
	}
}

// A change made while serve runs applies at once: the engine restarts
// with the new daily sync time.
func TestSettingsApplyToTheRunningEngine(t *testing.T) {
	h := newHarness(t)
	_, stop, _ := h.startServe()
	defer stop()
	var running runningReport
	h.jsonOf(&running, "status", "--json")
	if got := running.Running.NextPoll.Local(); got.Hour() != 9 || got.Minute() != 0 {
		t.Fatalf("next poll before the change: %v, want 09:00", got)
	}
	h.mustRun("", "settings", "--poll-at", "06:45")
	deadline := time.Now().Add(30 * time.Second)
	for {
		var st statusReport
		h.jsonOf(&st, "status", "--json")
		if st.Running != nil {
			if got := st.Running.NextPoll.Local(); got.Hour() == 6 && got.Minute() == 45 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the running engine did not take the new time within 30s: %+v", st.Running)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// Notifications alone do not restart the engine: the window reads
	// them at each message.
	if engineSettingChanged(store.Settings{}, store.Settings{NotificationsOff: true}) {
		t.Error("turning notifications off restarts the engine")
	}
	if engineSettingChanged(store.Settings{}, store.Settings{ImageCacheMB: 500}) {
		t.Error("changing the image cache size restarts the engine")
	}
}
