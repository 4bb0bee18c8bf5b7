package ui

import (
	"context"
	"errors"
)

// Setup is everything the window needs to set the app up without a
// terminal: the keychain's app credentials, the browser sign-ins, and the
// settings. app implements it over the same code the commands run
// (secrets set, connect, disconnect, settings). The UI calls it off the
// UI goroutine: each call may wait on the keychain, the disk or the
// network.
//
// Secret values only ever travel from the window to the keychain: no
// method returns one, and SetupState says only which are saved.
type Setup interface {
	// SetupState reads what is set up. A keychain that cannot be asked
	// is not an error: SetupState.Keychain says why.
	SetupState(ctx context.Context) (SetupState, error)
	// SaveSecret checks value and stores it in the keychain.
	SaveSecret(ctx context.Context, s Secret, value string) error
	// RemoveSecret deletes a saved secret; removing one not saved is not
	// an error.
	RemoveSecret(ctx context.Context, s Secret) error
	// ConnectFacebook runs the Facebook sign-in, telling p where it
	// stands. Cancelling ctx ends it with nothing stored.
	ConnectFacebook(ctx context.Context, p Prompter) error
	// ConnectShopify runs the Shopify sign-in for shop (NAME or
	// NAME.myshopify.com), as ConnectFacebook does.
	ConnectShopify(ctx context.Context, shop string, p Prompter) error
	// Disconnect removes a provider's tokens and keeps what was synced;
	// it returns the sentence that says what was kept.
	Disconnect(ctx context.Context, p Provider) (string, error)
	// SaveSettings checks s and saves it; the engine applies it at once.
	SaveSettings(ctx context.Context, s Settings) error
	// Restart starts the engine again after it stopped (the keychain was
	// locked, its port was taken); it returns once it has been asked.
	Restart(ctx context.Context) error
}

// Secret names a value the window stores in the keychain. Its values are
// the keychain's own names for them.
type Secret string

const (
	FacebookAppID       Secret = "facebook-app-id"
	FacebookAppSecret   Secret = "facebook-app-secret"
	FacebookVerifyToken Secret = "facebook-verify-token"
	ShopifyClientID     Secret = "shopify-client-id"
	ShopifyClientSecret Secret = "shopify-client-secret"
	NgrokAuthtoken      Secret = "ngrok-authtoken"
)

// Provider is an account the app connects to.
type Provider string

const (
	Facebook Provider = "facebook"
	Shopify  Provider = "shopify"
)

// SetupState is what is set up, as the setup screen shows it.
type SetupState struct {
	// Keychain is why the OS keychain cannot be used (locked, absent),
	// "" when it answers. Saved is unknown while it is set.
	Keychain string
	// Saved says which secrets the keychain holds.
	Saved map[Secret]bool
	// FacebookRedirect and ShopifyRedirect are the redirect URIs to
	// register with each provider, exactly as the sign-in will use them.
	FacebookRedirect, ShopifyRedirect string
	// Pages are the connected Facebook pages.
	Pages []ConnectedPage
	// Shop is the connected shop's domain, "" when none; ShopNote says
	// why it is disconnected (uninstalled), "" when it is not.
	Shop, ShopNote string
	// Settings are the saved settings.
	Settings Settings
	// DataDir is the folder that holds the database and the log.
	DataDir string
	// CanStartAtLogin is false where the app cannot register itself to
	// start at login; the setting is then not offered.
	CanStartAtLogin bool
	// Overrides say what this run was told on its command line that
	// outweighs the saved settings (e.g. "webhooks are off (--no-tunnel)"),
	// so the settings screen does not claim what the app is not doing.
	Overrides []string
}

// ConnectedPage is a Facebook page the app syncs.
type ConnectedPage struct {
	ID, Name string
	// NeedsSignIn: Meta reported its token dead.
	NeedsSignIn bool
	// Disconnected: the merchant disconnected it; what was synced stays
	// readable.
	Disconnected bool
}

// FacebookReady reports whether the Facebook app's credentials are saved,
// which a sign-in needs.
func (s SetupState) FacebookReady() bool {
	return s.Saved[FacebookAppID] && s.Saved[FacebookAppSecret]
}

// ShopifyReady reports whether the Shopify app's credentials are saved.
func (s SetupState) ShopifyReady() bool {
	return s.Saved[ShopifyClientID] && s.Saved[ShopifyClientSecret]
}

// Prompter is the window's side of a sign-in, called from the goroutine
// that runs it, in this order: RedirectURI, ConsentURL, Waiting, then
// ChoosePages when the merchant granted several pages, Notice any number
// of times, and Done on success. Only ChoosePages blocks. app adapts it to
// the sign-in's own prompter, so the window and the command line say the
// same sentences.
type Prompter interface {
	RedirectURI(uri string)
	// ConsentURL is the provider's consent page; opened reports whether a
	// browser was started on it (else the merchant opens it).
	ConsentURL(url string, opened bool)
	Waiting()
	// ChoosePages returns the IDs of the pages to sync; ctx.Err() when
	// ctx ends first.
	ChoosePages(ctx context.Context, pages []ConnectPage) ([]string, error)
	Notice(msg string)
	Done(msg string)
}

// ConnectPage is a page the merchant granted, offered in the checklist.
type ConnectPage struct {
	ID, Name, Category string
}

// Check validates one field's text before anything is stored; its
// error's text is the reason shown under the field. A nil Check accepts
// anything (the Setup checks again).
type Check func(string) error

// Checks are the field validators, shared with the command line.
type Checks struct {
	Shop, Domain, TimeOfDay, Listen Check
	// Secret checks a value for the keychain entry s: each kind (an app
	// ID, a secret, an authtoken) has its own rule and words. Nil accepts
	// anything.
	Secret func(s Secret, value string) error
}

// secret is the check of the field that holds s.
func (c Checks) secret(s Secret) Check {
	if c.Secret == nil {
		return nil
	}
	return func(v string) error { return c.Secret(s, v) }
}

func (c Check) run(s string) error {
	if c == nil {
		return nil
	}
	return c(s)
}

// sentence is what the merchant reads of err: the sentence it carries for
// them when it has one, else its text.
func sentence(err error) string {
	if m, ok := errors.AsType[interface {
		error
		UserMessage() string
	}](err); ok && m.UserMessage() != "" {
		return m.UserMessage()
	}
	return err.Error()
}
