// Package connect connects Merchant Inbox to the merchant's Facebook Pages
// and Shopify store through the system browser, and disconnects them, for
// whichever front end drives it: the command line prints and reads stdin,
// the window shows a "Waiting for the browser…" screen and a checklist. Both
// implement Prompter; everything else (the callback server, the state, the
// code exchange, what lands in the keychain and the database) is done here,
// once.
//
// A connection is written whole or not at all: nothing is stored until the
// provider has answered and the merchant has chosen, a cancelled context
// (the window's Cancel, Ctrl-C) before that leaves everything as it was,
// and once writing starts it finishes, or puts the keychain back, whatever
// the context says.
//
// Errors explain themselves: the first error in the chain with a
// UserMessage gives the sentence for the merchant, and package fix finds
// the remedy, if any (set a secret, sign in again).
package connect

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// DefaultCallbackPort is where the sign-in callback listens unless the
// caller picks another port. It is fixed because providers compare
// redirect URIs as exact strings: the merchant registers
// http://localhost:53682/callback/... once.
const DefaultCallbackPort = 53682

// AnyPort asks for any free callback port (tests, and a merchant whose
// provider accepts any localhost port).
const AnyPort = -1

// The callback paths the providers redirect the browser to.
const (
	FacebookCallbackPath = "/callback/facebook"
	ShopifyCallbackPath  = "/callback/shopify"
)

// Secrets is the keychain, as the flows use it. *secrets.Store satisfies
// it; a missing secret is an error matching secrets.ErrNotFound.
type Secrets interface {
	Get(ctx context.Context, name secrets.Name) (string, error)
	Set(ctx context.Context, name secrets.Name, value string) error
	Delete(ctx context.Context, name secrets.Name) error
}

// CallbackHost serves a sign-in's callback routes where the provider can
// reach them over the internet (the tunnel's static domain), for as long
// as the sign-in lasts: Meta accepts plain-http localhost redirects only
// for apps in development mode. It returns that endpoint's base URL, which
// becomes the redirect URI, and stop, which takes the routes down.
type CallbackHost interface {
	ServeCallback(ctx context.Context, h http.Handler) (base string, stop func(), err error)
}

// Prompter is the front end of a sign-in: how the merchant sees where it
// stands and answers its one question. Its methods are called from the
// goroutine running the flow, in this order: RedirectURI, ConsentURL,
// Waiting, then ChoosePages when there is a choice, Notice any number of
// times, and Done on success. Only ChoosePages may block.
type Prompter interface {
	// RedirectURI shows the address the merchant must register with the
	// provider, exactly as given, before the consent page opens.
	RedirectURI(uri string)
	// ConsentURL shows the provider's consent page. browserErr is nil
	// when the browser was started on it, ErrNoBrowser when none is to be
	// opened (the merchant opens it), or why the browser did not start.
	ConsentURL(url string, browserErr error)
	// Waiting says the flow now waits for the browser to come back.
	Waiting()
	// ChoosePages asks which of the Pages the merchant granted to sync,
	// and returns their IDs. It is asked only when the merchant granted
	// several and the caller named none. An error ends the sign-in with
	// nothing stored; return ctx.Err() when ctx ends first.
	ChoosePages(ctx context.Context, pages []Page) ([]string, error)
	// Notice reports a problem that did not stop the connection (a Page
	// not subscribed to webhooks yet, the shop's details unread).
	Notice(msg string)
	// Done reports the outcome in one sentence.
	Done(msg string)
}

// ErrNoBrowser is given to Prompter.ConsentURL when Connector.Browser is
// nil: the merchant opens the address.
var ErrNoBrowser = errors.New("connect: no browser is opened; the merchant opens the address")

// Page is a Facebook Page the merchant granted, as ChoosePages offers it.
type Page struct {
	ID, Name, Category string
}

// Connector runs the sign-ins and disconnections over its dependencies.
// Store and Secrets are required; the zero value of every other field is
// usable. A Connector holds no state of its own and may run several flows
// at once, though the callback server can listen only once on a port.
type Connector struct {
	Store   *store.Store
	Secrets Secrets
	// Graph returns a Graph API client; appSecret, when not empty, signs
	// every call with appsecret_proof. Default: the real Graph API.
	Graph func(appSecret string) *facebook.Client
	// FacebookWebURL is the host of the Login dialog; default
	// facebook.DefaultWebURL.
	FacebookWebURL string
	// ShopifyURL replaces https://{shop} for every shop (tests, sandbox).
	ShopifyURL string
	// Browser opens the consent page in the merchant's browser (for
	// example authflow.OpenBrowser, or the window toolkit's opener); nil
	// leaves it to the merchant (see ErrNoBrowser).
	Browser func(ctx context.Context, url string) error
	// Public, when set, also serves the sign-in's callback there and uses
	// its URL as the redirect URI (see CallbackHost).
	Public CallbackHost
	// SignInTimeout bounds the wait for the browser; default 10 minutes.
	SignInTimeout time.Duration
	// Now reads the clock for the dates stored; default time.Now.
	Now    func() time.Time
	Logger *slog.Logger
}

func (c *Connector) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Connector) log() *slog.Logger {
	if c.Logger != nil {
		return c.Logger
	}
	return slog.New(slog.DiscardHandler)
}

func (c *Connector) graph(appSecret string) *facebook.Client {
	if c.Graph != nil {
		return c.Graph(appSecret)
	}
	return facebook.NewClient(facebook.Options{AppSecret: appSecret})
}

// commitTimeout bounds the writes of a connection once they have begun,
// when the caller's context no longer can.
const commitTimeout = 30 * time.Second

// committing returns the context the writes of a connection run under:
// ctx's values without its cancellation, since a connection half written
// (a token without its page, pages without their connection) is worse
// than one finished a moment after Cancel was pressed.
func committing(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), commitTimeout)
}
