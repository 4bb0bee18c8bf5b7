package app

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/merchant-inbox/merchant-inbox/sync/connect"
	"github.com/merchant-inbox/merchant-inbox/sync/engine"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
	"github.com/merchant-inbox/merchant-inbox/sync/validate"
	"github.com/merchant-inbox/merchant-inbox/ui"
)

// setupUnderTest is the window's Setup over a real bbolt file and the real
// keychain (under the harness's own service), with an engine that is not
// running and a count of the reloads it asked for.
type setupUnderTest struct {
	*desktopSetup
	h       *harness
	mu      sync.Mutex
	reloads int
}

// engineFor is an engine over h's data directory, keychain service and
// fake Graph API, as the desktop app assembles it, without running it.
func engineFor(t *testing.T, h *harness, browser func(ctx context.Context, url string) error) (config, *store.Store, *engine.Engine) {
	t.Helper()
	cfg, err := loadConfig(h.getenv)
	if err != nil {
		t.Fatal(err)
	}
	st, err := cfg.openStore(nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	eng := engine.New(engine.Options{Store: st, Secrets: cfg.secrets(), Graph: cfg.graph,
		FacebookWebURL: h.fb.URL, Browser: browser})
	return cfg, st, eng
}

func newSetupUnderTest(t *testing.T, browser func(ctx context.Context, url string) error) *setupUnderTest {
	t.Helper()
	h := newHarness(t)
	cfg, st, eng := engineFor(t, h, browser)
	s := &setupUnderTest{h: h}
	s.desktopSetup = &desktopSetup{eng: eng, st: st, sec: cfg.secrets(), dataDir: cfg.dataDir,
		checks: windowChecks(), port: connect.AnyPort, restart: func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.reloads++
		}}
	return s
}

func (s *setupUnderTest) reloaded() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reloads
}

func TestDesktopSetupSecrets(t *testing.T) {
	s := newSetupUnderTest(t, nil)
	ctx := t.Context()
	st, err := s.SetupState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Keychain != "" || len(st.Saved) != 0 || st.FacebookReady() {
		t.Fatalf("fresh state %+v: want a usable keychain holding nothing", st)
	}
	if st.FacebookRedirect != "http://localhost:53682/callback/facebook" || st.ShopifyRedirect != "http://localhost:53682/callback/shopify" {
		t.Errorf("redirects %q, %q: want the default callback on localhost", st.FacebookRedirect, st.ShopifyRedirect)
	}

	if err := s.SaveSecret(ctx, ui.FacebookAppID, "1234567890"); err != nil {
		t.Fatal(err)
	}
	if v, ok := s.h.keychainGet(secrets.FacebookAppID); !ok || v != "1234567890" {
		t.Errorf("keychain holds %q (%v), want the app ID saved", v, ok)
	}
	if s.reloaded() != 1 {
		t.Errorf("%d reloads after saving a secret, want 1: the engine reads them when it assembles", s.reloaded())
	}

	// A value secrets set would refuse is not stored, and the error does
	// not repeat it.
	const bad = "  padded-secret-value\n"
	err = s.SaveSecret(ctx, ui.FacebookAppSecret, bad)
	if !errors.Is(err, validate.ErrInvalid) || strings.Contains(err.Error(), "padded-secret-value") {
		t.Errorf("saving a padded value: %v, want validate.ErrInvalid without the value", err)
	}
	if err := s.SaveSecret(ctx, ui.FacebookAppID, "12ab"); !errors.Is(err, validate.ErrInvalid) {
		t.Errorf("saving an app ID with letters: %v, want validate.ErrInvalid", err)
	}
	if _, ok := s.h.keychainGet(secrets.FacebookAppSecret); ok {
		t.Error("a refused value reached the keychain")
	}
	// Tokens come from sign-ins only.
	if err := s.SaveSecret(ctx, ui.Secret("shopify-token"), "x"); !errors.Is(err, secrets.ErrInvalidName) {
		t.Errorf("saving the shop's token from the window: %v, want ErrInvalidName", err)
	}

	st, err = s.SetupState(ctx)
	if err != nil || !st.Saved[ui.FacebookAppID] || st.Saved[ui.FacebookAppSecret] || len(st.Saved) != 1 {
		t.Errorf("state after saving the app ID: %+v, %v", st.Saved, err)
	}
	if err := s.RemoveSecret(ctx, ui.FacebookAppID); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.h.keychainGet(secrets.FacebookAppID); ok {
		t.Error("removed, but still in the keychain")
	}
	if err := s.RemoveSecret(ctx, ui.FacebookAppID); err != nil {
		t.Errorf("removing what is not saved: %v, want no error", err)
	}
}

func TestDesktopSetupSettings(t *testing.T) {
	s := newSetupUnderTest(t, nil)
	ctx := t.Context()
	st, err := s.SetupState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := ui.Settings{Notifications: true, PollAt: defaultPollAt, Listen: defaultListen, Tunnel: true, ImageCacheMB: defaultImageCacheMB}
	if st.Settings != want {
		t.Fatalf("settings %+v, want the defaults %+v", st.Settings, want)
	}

	// Saving the defaults as shown stores nothing and reloads nothing.
	if err := s.SaveSettings(ctx, st.Settings); err != nil {
		t.Fatal(err)
	}
	if saved, _ := s.st.Settings(ctx); saved != (store.Settings{}) || s.reloaded() != 0 {
		t.Errorf("after saving the defaults: stored %+v, %d reloads; want nothing", saved, s.reloaded())
	}

	for _, bad := range []ui.Settings{
		{PollAt: "25:00", Listen: defaultListen},
		{PollAt: "07:30", Listen: "0.0.0.0:80"},
		{PollAt: "07:30", Listen: "no port"},
		{PollAt: "07:30", Listen: defaultListen, ImageCacheMB: 1},
		{PollAt: "07:30", Listen: defaultListen, Domain: "not a domain"},
	} {
		if err := s.SaveSettings(ctx, bad); err == nil {
			t.Errorf("saving %+v: no error", bad)
		}
	}
	if saved, _ := s.st.Settings(ctx); saved != (store.Settings{}) {
		t.Errorf("refused settings were stored: %+v", saved)
	}

	change := ui.Settings{Notifications: false, PollAt: "07:30", Listen: "127.0.0.1:9911", Tunnel: true, Domain: "lila.ngrok-free.app", ImageCacheMB: 500}
	if err := s.SaveSettings(ctx, change); err != nil {
		t.Fatal(err)
	}
	saved, _ := s.st.Settings(ctx)
	if saved != (store.Settings{NotificationsOff: true, PollAt: "07:30", Listen: "127.0.0.1:9911", NgrokDomain: "lila.ngrok-free.app", ImageCacheMB: 500}) {
		t.Errorf("stored %+v", saved)
	}
	if s.reloaded() != 1 {
		t.Errorf("%d reloads, want 1: the engine applies settings at once", s.reloaded())
	}
	st, _ = s.SetupState(ctx)
	if st.Settings != change || st.FacebookRedirect != "https://lila.ngrok-free.app/callback/facebook" {
		t.Errorf("state after the change: %+v, redirect %q", st.Settings, st.FacebookRedirect)
	}
}

// recorder is a window prompter that says what it was told, and picks
// the pages in pick.
type recorder struct {
	mu      sync.Mutex
	calls   []string
	offered []ui.ConnectPage
	pick    []string
	done    string
}

func (r *recorder) note(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, s)
}

func (r *recorder) RedirectURI(string) { r.note("redirect") }
func (r *recorder) ConsentURL(_ string, opened bool) {
	r.note(map[bool]string{true: "consent opened", false: "consent not opened"}[opened])
}
func (r *recorder) Waiting() { r.note("waiting") }
func (r *recorder) ChoosePages(_ context.Context, pages []ui.ConnectPage) ([]string, error) {
	r.note("choose")
	r.offered = pages
	return r.pick, nil
}
func (r *recorder) Notice(string)   { r.note("notice") }
func (r *recorder) Done(msg string) { r.note("done"); r.done = msg }

// The window's Facebook sign-in runs the connector against the fake Graph
// API's consent page, which the injected browser clicks through.
func TestDesktopSetupConnectFacebook(t *testing.T) {
	var s *setupUnderTest
	browser := func(ctx context.Context, consent string) error {
		u, err := url.Parse(consent)
		if err != nil {
			return err
		}
		redirect := u.Query().Get("redirect_uri")
		s.h.fb.SetApp(connFBAppID, connFBAppSecret, redirect) // registered, as the merchant does
		go func() {
			back, err := s.h.fb.Authorize(consent, true)
			if err != nil {
				t.Errorf("consent page: %v", err)
				return
			}
			openCallback(t, back)
		}()
		return nil
	}
	s = newSetupUnderTest(t, browser)
	s.h.facebookApp("100", "200")
	r := &recorder{pick: []string{"200"}}
	if err := s.ConnectFacebook(t.Context(), r); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(r.calls, ","); got != "redirect,consent opened,waiting,choose,done" {
		t.Errorf("the prompter heard %s", got)
	}
	if len(r.offered) != 2 || r.offered[1] != (ui.ConnectPage{ID: "200", Name: "Shop Two", Category: "Shoe store"}) {
		t.Errorf("offered %+v", r.offered)
	}
	if !strings.Contains(r.done, "syncing 1 page(s)") {
		t.Errorf("done %q", r.done)
	}
	st, err := s.SetupState(t.Context())
	if err != nil || len(st.Pages) != 1 || st.Pages[0].ID != "200" || st.Pages[0].Name != "Shop Two" {
		t.Errorf("pages after the sign-in: %+v, %v", st.Pages, err)
	}

	said, err := s.Disconnect(t.Context(), ui.Facebook)
	if err != nil || !strings.Contains(said, "Kept on this computer, no longer synced: 1 page, 0 conversations and 0 messages.") {
		t.Errorf("disconnect: %q, %v", said, err)
	}
	if _, ok := s.h.keychainGet(secrets.PageToken("200")); ok {
		t.Error("the page token is still in the keychain")
	}
	st, _ = s.SetupState(t.Context())
	if len(st.Pages) != 1 || !st.Pages[0].Disconnected || !st.FacebookReady() {
		t.Errorf("after disconnecting: pages %+v, app credentials kept %v", st.Pages, st.FacebookReady())
	}
}

// The shop's name is checked as --shop is, before any browser opens.
func TestDesktopSetupConnectShopifyChecksTheName(t *testing.T) {
	opened := false
	s := newSetupUnderTest(t, func(context.Context, string) error { opened = true; return nil })
	err := s.ConnectShopify(t.Context(), "not a shop/", &recorder{})
	if err == nil || opened {
		t.Errorf("connect with a bad shop name: %v (browser opened: %v), want a refusal first", err, opened)
	}
}

func TestKeychainWords(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("get x: %w: exec: \"dbus-launch\": executable file not found", secrets.ErrUnavailable), "no keychain service runs in this desktop session"},
		{fmt.Errorf("get x: %w: the collection is locked", secrets.ErrUnavailable), "it is locked"},
		{fmt.Errorf("get x: %w: %w", secrets.ErrUnavailable, context.DeadlineExceeded), "it did not answer"},
		{fmt.Errorf("get x: %w: something else", secrets.ErrUnavailable), "something else"},
	} {
		if got := keychainWords(tt.err); got != tt.want {
			t.Errorf("keychainWords(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

// Start at login from the window's settings writes and removes the same
// autostart entry as `settings --autostart`, and stores nothing.
func TestDesktopSetupStartAtLogin(t *testing.T) {
	s := newSetupUnderTest(t, nil)
	ctx := t.Context()
	config := t.TempDir()
	s.startAtLogin = loginItem{func(k string) string {
		if k == "XDG_CONFIG_HOME" {
			return config
		}
		return s.h.getenv(k)
	}}
	entry := filepath.Join(config, "autostart", "merchant-inbox.desktop")

	st, err := s.SetupState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !st.CanStartAtLogin || st.Settings.StartAtLogin {
		t.Fatalf("before: offered %v, on %v; want offered and off", st.CanStartAtLogin, st.Settings.StartAtLogin)
	}
	on := st.Settings
	on.StartAtLogin = true
	if err := s.SaveSettings(ctx, on); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(entry); err != nil {
		t.Fatalf("after turning it on: %v", err)
	}
	if st, _ = s.SetupState(ctx); !st.Settings.StartAtLogin {
		t.Error("the window does not show start at login as on")
	}
	if saved, _ := s.st.Settings(ctx); saved != (store.Settings{}) || s.reloaded() != 0 {
		t.Errorf("start at login stored %+v and reloaded %d times; it lives in the system", saved, s.reloaded())
	}
	off := st.Settings
	off.StartAtLogin = false
	if err := s.SaveSettings(ctx, off); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(entry); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("after turning it off the entry is still there: %v", err)
	}
}

// The settings screen is told what this run's flags set over the saved
// settings, and only that.
func TestFlagsTheSettingsScreenTells(t *testing.T) {
	for _, tt := range []struct {
		name string
		o    serveOptions
		want []string
	}{
		{"none", serveOptions{tunnel: "ngrok"}, nil},
		{"domain is saved, not an override", serveOptions{tunnel: "ngrok", domain: "lila.ngrok-free.app"}, nil},
		{"no tunnel", serveOptions{noTunnel: true, tunnel: "ngrok"}, []string{"webhooks are off (--no-tunnel)"}},
		{"loopback and listen", serveOptions{tunnel: "loopback", listen: "127.0.0.1:0", pollAt: "07:30"}, []string{
			"the tunnel is a local stand-in (--tunnel loopback)", "the local address is 127.0.0.1:0 (--listen)",
			"the daily sync is at 07:30 (--poll-at)"}},
	} {
		if got := tt.o.overrides(); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}

	s := newSetupUnderTest(t, nil)
	s.overrides = serveOptions{noTunnel: true}.overrides()
	st, err := s.SetupState(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(st.Overrides, []string{"webhooks are off (--no-tunnel)"}) {
		t.Errorf("setup state overrides %q", st.Overrides)
	}
}
