package uitest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
	"github.com/merchant-inbox/merchant-inbox/ui"
)

// The fake's redirect URIs: the sign-in's default callback on localhost.
const (
	FacebookRedirect = "http://localhost:53682/callback/facebook"
	ShopifyRedirect  = "http://localhost:53682/callback/shopify"
)

// ErrInvalidValue is the keychain refusing a value (empty, padded with
// spaces, holding a line break), as the real one does.
var ErrInvalidValue = errors.New("the value is empty or holds spaces or line breaks at its ends")

// ConnectScript is how the fake's next sign-in goes: the consent page
// opens (or not), the flow waits until BrowserReturns, then fails with
// Err or offers Pages and stores the connection.
type ConnectScript struct {
	Consent   string
	NoBrowser bool             // the browser cannot be started
	Pages     []ui.ConnectPage // granted; with several, the merchant picks
	Notices   []string
	Err       error // the sign-in's outcome once the browser came back
}

// fakeSetup is the Fake's Setup side; its zero value is ready.
type fakeSetup struct {
	saved     map[ui.Secret]string
	keychain  string // why the keychain cannot be used
	shopNote  string
	overrides []string // what the command line set for this run
	scripts   map[ui.Provider]ConnectScript
	back      chan struct{}
	browser   func(url string) error
	flows     int // sign-ins under way
	saveErr   error
	cancels   int
	restarts  int
}

// SetBrowser makes the fake's sign-ins open their consent page with open.
func (f *Fake) SetBrowser(open func(url string) error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.setup.browser = open
}

// ScriptConnect sets how the next sign-ins with p go.
func (f *Fake) ScriptConnect(p ui.Provider, s ConnectScript) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.setup.scripts == nil {
		f.setup.scripts = map[ui.Provider]ConnectScript{}
	}
	f.setup.scripts[p] = s
}

// BrowserReturns plays the browser coming back to the sign-in under way.
func (f *Fake) BrowserReturns() {
	f.mu.Lock()
	back := f.backLocked()
	f.mu.Unlock()
	select {
	case back <- struct{}{}:
	default:
	}
}

func (f *Fake) backLocked() chan struct{} {
	if f.setup.back == nil {
		f.setup.back = make(chan struct{}, 1)
	}
	return f.setup.back
}

// SignInsUnderway counts the sign-ins that have started and not ended.
func (f *Fake) SignInsUnderway() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.setup.flows
}

// Cancelled counts the sign-ins that ended because their context did.
func (f *Fake) Cancelled() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.setup.cancels
}

// LockKeychain makes the keychain unusable for reason, and the status
// say so as a stopped engine's does. "" unlocks it; the status keeps
// saying it until Restart, as the engine stays stopped until asked.
func (f *Fake) LockKeychain(reason string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.setup.keychain = reason
	if reason != "" {
		f.status.Keychain = reason
		f.emitLocked(ui.Event{Kind: ui.StatusChanged})
	}
}

// FailSaves makes SaveSecret and SaveSettings fail with err (nil stops).
func (f *Fake) FailSaves(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.setup.saveErr = err
}

// PutSecret stores a secret as if it had been saved earlier.
func (f *Fake) PutSecret(s ui.Secret, value string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.setup.saved == nil {
		f.setup.saved = map[ui.Secret]string{}
	}
	f.setup.saved[s] = value
}

// SecretValue returns what the keychain holds for s, for tests to check
// what the window saved.
func (f *Fake) SecretValue(s ui.Secret) (string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.setup.saved[s]
	return v, ok
}

// SetShopConnection records the shop's connection as the setup screen
// shows it; note, when not empty, says why it is disconnected (uninstalled
// from Shopify). The products panel follows: a disconnected shop is none.
func (f *Fake) SetShopConnection(shop, note string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.status.Shop = shop
	f.setup.shopNote = note
	switch {
	case note != "" || shop == "":
		f.reply.shop = store.Shop{}
	case f.reply.shop.Domain != shop:
		f.reply.shop = store.Shop{Domain: shop}
	}
	f.emitLocked(ui.Event{Kind: ui.StatusChanged})
	f.emitLocked(ui.Event{Kind: ui.ProductsChanged})
}

// SetupState implements ui.Setup.
func (f *Fake) SetupState(ctx context.Context) (ui.SetupState, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := ui.SetupState{
		Keychain:         f.setup.keychain,
		Saved:            map[ui.Secret]bool{},
		FacebookRedirect: FacebookRedirect,
		ShopifyRedirect:  ShopifyRedirect,
		Shop:             f.status.Shop,
		ShopNote:         f.setup.shopNote,
		Settings:         f.settings,
		DataDir:          "/home/merchant/.config/merchant-inbox",
		CanStartAtLogin:  true,
		Overrides:        slices.Clone(f.setup.overrides),
	}
	if s.Keychain == "" {
		for k := range f.setup.saved {
			s.Saved[k] = true
		}
	}
	for _, p := range f.pages {
		s.Pages = append(s.Pages, ui.ConnectedPage{ID: p.ID, Name: p.Name, NeedsSignIn: p.NeedsLogin, Disconnected: p.Disconnected})
	}
	return s, ctx.Err()
}

// SaveSecret implements ui.Setup, refusing what the keychain refuses.
func (f *Fake) SaveSecret(ctx context.Context, s ui.Secret, value string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case f.setup.keychain != "":
		return errors.New("the keychain is locked: " + f.setup.keychain)
	case f.setup.saveErr != nil:
		return f.setup.saveErr
	case !validValue(value):
		return ErrInvalidValue
	}
	if f.setup.saved == nil {
		f.setup.saved = map[ui.Secret]string{}
	}
	f.setup.saved[s] = value
	return ctx.Err()
}

func validValue(v string) bool {
	return v != "" && strings.TrimSpace(v) == v && !strings.ContainsFunc(v, unicode.IsControl)
}

// RemoveSecret implements ui.Setup.
func (f *Fake) RemoveSecret(ctx context.Context, s ui.Secret) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.setup.keychain != "" {
		return errors.New("the keychain is locked: " + f.setup.keychain)
	}
	delete(f.setup.saved, s)
	return ctx.Err()
}

// SaveSettings implements ui.Setup.
func (f *Fake) SaveSettings(ctx context.Context, s ui.Settings) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.setup.saveErr != nil {
		return f.setup.saveErr
	}
	f.settings = s
	f.emitLocked(ui.Event{Kind: ui.StatusChanged})
	return ctx.Err()
}

// Disconnect implements ui.Setup: pages stay, marked disconnected, or the
// shop is forgotten, as the store keeps them.
func (f *Fake) Disconnect(ctx context.Context, p ui.Provider) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if p == ui.Shopify {
		shop := f.status.Shop
		f.status.Shop = ""
		f.emitLocked(ui.Event{Kind: ui.StatusChanged})
		return "Disconnected " + shop + ". Its products stay on this computer.", nil
	}
	n := 0
	for i := range f.pages {
		if !f.pages[i].Disconnected {
			f.pages[i].Disconnected = true
			n++
		}
	}
	f.emitLocked(ui.Event{Kind: ui.PagesChanged})
	return fmt.Sprintf("Disconnected Facebook: %d page(s) and their conversations stay on this computer.", n), nil
}

// Restart implements ui.Setup: the keychain is asked again, so a status
// that said it was locked says so no longer once it is unlocked.
func (f *Fake) Restart(ctx context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.setup.restarts++
	if f.setup.keychain == "" && f.status.Keychain != "" {
		f.status.Keychain = ""
		f.emitLocked(ui.Event{Kind: ui.StatusChanged})
	}
	return ctx.Err()
}

// Restarts counts the calls to Restart.
func (f *Fake) Restarts() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.setup.restarts
}

var _ ui.Setup = (*Fake)(nil)
