package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// Paths of the webhook endpoints under the public URL.
const (
	FacebookWebhookPath = "/webhooks/facebook"
	ShopifyWebhookPath  = "/webhooks/shopify"
)

// FacebookSubscriber registers where Meta sends webhooks.
type FacebookSubscriber interface {
	SubscribeApp(ctx context.Context, appID, appSecret, callbackURL, verifyToken string, fields []string) error
	SubscribePage(ctx context.Context, pageID, token string, fields []string) error
}

// ShopifyHooks points the shop's webhook subscriptions at a URL.
type ShopifyHooks interface {
	EnsureWebhooks(ctx context.Context, callbackURL string) error
}

// AnnouncerOptions configures an Announcer. Store and Tokens are required.
type AnnouncerOptions struct {
	Store    *store.Store
	Tokens   Tokens
	Facebook FacebookSubscriber
	// Shopify returns the shop's webhook registrar, or nil when no shop is
	// connected. It is a function because the token behind it may need a
	// refresh at the moment of the call.
	Shopify func(ctx context.Context) (ShopifyHooks, error)
	// CatchUp starts a poll (without waiting for it): whatever arrived
	// while no URL reached this machine is only to be had by polling.
	CatchUp func()
	Logger  *slog.Logger
}

// Announcer tells Meta and Shopify where this machine now receives
// webhooks. It runs after every tunnel (re)connect: a free ngrok URL
// changes each time, and Meta unsubscribes pages whose webhooks failed for
// an hour, so pages are subscribed again every time too.
type Announcer struct{ o AnnouncerOptions }

// NewAnnouncer returns an Announcer.
func NewAnnouncer(o AnnouncerOptions) *Announcer {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Announcer{o: o}
}

// Announce registers baseURL's webhook endpoints everywhere it can and
// starts a catch-up poll. A part that fails is reported in the joined
// error and does not stop the others.
func (a *Announcer) Announce(ctx context.Context, baseURL string) error {
	var errs []error
	if a.o.Facebook != nil {
		errs = append(errs, a.facebook(ctx, baseURL+FacebookWebhookPath)...)
	}
	if a.o.Shopify != nil {
		if hooks, err := a.o.Shopify(ctx); err != nil {
			errs = append(errs, fmt.Errorf("shopify: %w", err))
		} else if hooks != nil {
			if err := hooks.EnsureWebhooks(ctx, baseURL+ShopifyWebhookPath); err != nil {
				errs = append(errs, fmt.Errorf("shopify webhooks: %w", err))
			}
		}
	}
	if a.o.CatchUp != nil {
		a.o.CatchUp()
	}
	return errors.Join(errs...)
}

// facebook sets the app-level callback (when the app credentials are in
// the keychain) and subscribes every page that has a live token.
func (a *Announcer) facebook(ctx context.Context, callback string) []error {
	var errs []error
	appID, err1 := a.secret(ctx, secrets.FacebookAppID)
	appSecret, err2 := a.secret(ctx, secrets.FacebookAppSecret)
	verify, err3 := a.secret(ctx, secrets.FacebookVerifyToken)
	if err := errors.Join(err1, err2, err3); err != nil {
		errs = append(errs, err)
	}
	if appID != "" && appSecret != "" && verify != "" {
		if err := a.o.Facebook.SubscribeApp(ctx, appID, appSecret, callback, verify, facebook.DefaultPageFields()); err != nil {
			errs = append(errs, fmt.Errorf("facebook app subscription: %w", err))
		} else {
			a.o.Logger.Info("facebook webhooks registered", "callback", callback)
		}
	} else {
		a.o.Logger.Warn("facebook app credentials incomplete; Meta's callback URL not updated (set facebook-app-id, facebook-app-secret, facebook-verify-token)")
	}

	pages, err := a.o.Store.Pages(ctx)
	if err != nil {
		return append(errs, err)
	}
	for _, p := range pages {
		if p.NeedsLogin || p.Disconnected {
			continue
		}
		token, err := a.secret(ctx, secrets.PageToken(p.ID))
		if err != nil || token == "" {
			errs = append(errs, fmt.Errorf("page %s: %w", p.ID, errors.Join(err, ErrNoToken)))
			continue
		}
		if err := a.o.Facebook.SubscribePage(ctx, p.ID, token, facebook.DefaultPageFields()); err != nil {
			errs = append(errs, fmt.Errorf("subscribe page %s: %w", p.ID, err))
		}
	}
	return errs
}

// secret reads an optional secret: missing is "", nil.
func (a *Announcer) secret(ctx context.Context, n secrets.Name) (string, error) {
	v, err := a.o.Tokens.Get(ctx, n)
	if errors.Is(err, secrets.ErrNotFound) {
		return "", nil
	}
	return v, err
}
