package app

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/merchant-inbox/merchant-inbox/sync/connect"
	"github.com/merchant-inbox/merchant-inbox/sync/engine"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
	"github.com/merchant-inbox/merchant-inbox/sync/validate"
	"github.com/merchant-inbox/merchant-inbox/ui"
)

// desktopSetup is the window's ui.Setup over the engine, the keychain and
// the store, through the code the commands run: storeSecret (secrets
// set), the engine's sign-ins (connect), its Disconnect (disconnect), and
// checkSettings and putSettings (settings). Secret values pass through on
// their way to the keychain and are kept nowhere else: never logged, never
// in an error.
type desktopSetup struct {
	eng     *engine.Engine
	st      *store.Store
	sec     *secrets.Store
	dataDir string
	checks  ui.Checks
	// restart reloads the engine, or starts it again when it stopped
	// (the keychain was locked); nil: Reload only.
	restart func()
	// port is the sign-in's callback port (0: the default the merchant
	// registered; tests take any free one).
	port int
	// startAtLogin is the autostart entry, kept by the OS rather than the
	// store; nil: not offered.
	startAtLogin toggle
	// overrides are what this run's flags set over the saved settings.
	overrides []string
}

// toggle is an on/off setting kept outside the store (the autostart entry).
type toggle interface {
	Enabled() (bool, error)
	SetEnabled(on bool) error
}

// windowSecrets are the secrets the window may store: the app credentials
// and the authtoken. Tokens come from sign-ins, never from a field.
var windowSecrets = []ui.Secret{
	ui.FacebookAppID, ui.FacebookAppSecret, ui.FacebookVerifyToken,
	ui.ShopifyClientID, ui.ShopifyClientSecret, ui.NgrokAuthtoken,
}

func (d *desktopSetup) SetupState(ctx context.Context) (ui.SetupState, error) {
	set, err := d.st.Settings(ctx)
	if err != nil {
		return ui.SetupState{}, err
	}
	s := ui.SetupState{
		Saved:            map[ui.Secret]bool{},
		FacebookRedirect: redirectURI(set, connect.FacebookCallbackPath),
		ShopifyRedirect:  redirectURI(set, connect.ShopifyCallbackPath),
		Settings:         uiSettings(set),
		DataDir:          d.dataDir,
		CanStartAtLogin:  d.startAtLogin != nil,
		Overrides:        d.overrides,
	}
	for _, n := range windowSecrets {
		_, err := d.sec.Get(ctx, secrets.Name(n))
		switch {
		case err == nil:
			s.Saved[n] = true
		case errors.Is(err, secrets.ErrUnavailable):
			s.Keychain = keychainWords(err)
			clear(s.Saved)
		case !errors.Is(err, secrets.ErrNotFound):
			return s, err
		}
		if s.Keychain != "" {
			break
		}
	}
	pages, err := d.st.Pages(ctx)
	if err != nil {
		return s, err
	}
	for _, p := range pages {
		s.Pages = append(s.Pages, ui.ConnectedPage{ID: p.ID, Name: p.Name, NeedsSignIn: p.NeedsLogin, Disconnected: p.Disconnected})
	}
	c, err := d.st.Connection(ctx, store.ProviderShopify)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return s, err
	case c.Disconnected && uninstalled(c):
		s.Shop, s.ShopNote = c.Account, c.Note
	case !c.Disconnected:
		s.Shop = c.Account
	}
	if d.startAtLogin != nil {
		if s.Settings.StartAtLogin, err = d.startAtLogin.Enabled(); err != nil {
			return s, err
		}
	}
	return s, nil
}

// redirectURI is the address a sign-in comes back to, as the engine's
// connector picks it: the static domain's when one is set (Meta's live
// mode needs HTTPS), else the callback's on localhost.
func redirectURI(set store.Settings, path string) string {
	if set.NgrokDomain != "" && !set.NoTunnel {
		return "https://" + set.NgrokDomain + path
	}
	return fmt.Sprintf("http://localhost:%d%s", connect.DefaultCallbackPort, path)
}

// uninstalled reports whether Shopify, not the merchant, ended the
// connection.
func uninstalled(c store.Connection) bool { return strings.Contains(c.Note, "uninstalled") }

// keychainWords says in a few plain words why the keychain cannot be
// used, for a banner; the log keeps the whole error.
func keychainWords(err error) string {
	msg := err.Error()
	switch {
	case errors.Is(err, context.DeadlineExceeded) || strings.Contains(msg, "timed out"):
		return "it did not answer"
	case strings.Contains(msg, "locked") || strings.Contains(msg, "prompt"):
		return "it is locked"
	case strings.Contains(msg, "dbus") || strings.Contains(msg, "org.freedesktop.secrets") || strings.Contains(msg, "ServiceUnknown"):
		return "no keychain service runs in this desktop session"
	}
	if _, detail, ok := strings.Cut(msg, secrets.ErrUnavailable.Error()+": "); ok {
		return detail
	}
	return msg
}

func (d *desktopSetup) SaveSecret(ctx context.Context, s ui.Secret, value string) error {
	name, err := windowSecret(s)
	if err != nil {
		return err
	}
	if err := validate.Secret(name, value); err != nil {
		return err // the same check as secrets set; the error never holds the value
	}
	if err := storeSecret(ctx, d.sec, name, value); err != nil {
		return err
	}
	d.reload() // the engine reads the app secret and the authtoken when it assembles
	return nil
}

func (d *desktopSetup) RemoveSecret(ctx context.Context, s ui.Secret) error {
	name, err := windowSecret(s)
	if err != nil {
		return err
	}
	if err := d.sec.Delete(ctx, name); err != nil && !errors.Is(err, secrets.ErrNotFound) {
		return fmt.Errorf("delete %s: %w", name, err)
	}
	d.reload()
	return nil
}

// windowSecret is the keychain name of a secret the window may store.
func windowSecret(s ui.Secret) (secrets.Name, error) {
	for _, w := range windowSecrets {
		if w == s {
			return secrets.Name(s), nil
		}
	}
	return "", fmt.Errorf("%w: the window does not store %q", secrets.ErrInvalidName, string(s))
}

func (d *desktopSetup) Restart(context.Context) error {
	d.reload()
	return nil
}

func (d *desktopSetup) reload() {
	if d.restart != nil {
		d.restart()
		return
	}
	d.eng.Reload()
}
