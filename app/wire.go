package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/merchant-inbox/merchant-inbox/sync/engine"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
	"github.com/merchant-inbox/merchant-inbox/sync/shopify"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// optionalSecret reads a secret the app can run without. Missing is "",
// nil; an unreachable keychain is an error, never an empty value in
// disguise.
func optionalSecret(ctx context.Context, s *secrets.Store, n secrets.Name) (string, error) {
	v, err := s.Get(ctx, n)
	if errors.Is(err, secrets.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read %s: %w", n, err)
	}
	return v, nil
}

// engineParts is the engine assembled over one open store: what sync and
// serve share.
type engineParts struct {
	st      *store.Store
	secrets *secrets.Store

	fbAppSecret   string // signs Graph calls; verifies Meta's webhooks
	fbVerifyToken string // answers Meta's webhook handshake
	poller        *engine.Poller
	events        *engine.Broadcaster // what the poller publishes (sync prints it)

	shop          string // connected shop, "" when none
	webhookShop   string // whose webhooks are accepted: shop, or the last one (see assemble)
	shopifySecret string // the app's client secret: verifies Shopify's webhooks
	shopTokens    *engine.ShopifyTokens
	catalogue     *engine.Catalogue

	// polling holds one token while a poll runs: serve's scheduled poll
	// and a sync it runs for the command line never overlap.
	polling chan struct{}
}

// assemble reads the secrets and connections and builds the engine.
func (e *env) assemble(ctx context.Context, st *store.Store) (*engineParts, error) {
	p := &engineParts{st: st, secrets: e.cfg.secrets(), events: engine.NewBroadcaster(), polling: make(chan struct{}, 1)}
	var err error
	for _, s := range []struct {
		name secrets.Name
		dst  *string
	}{
		{secrets.FacebookAppSecret, &p.fbAppSecret},
		{secrets.FacebookVerifyToken, &p.fbVerifyToken},
		{secrets.ShopifyClientSecret, &p.shopifySecret},
	} {
		if *s.dst, err = optionalSecret(ctx, p.secrets, s.name); err != nil {
			return nil, err
		}
	}
	p.poller = engine.NewPoller(engine.PollerOptions{
		Store:  st,
		Graph:  e.cfg.graph(p.fbAppSecret),
		Tokens: p.secrets,
		Logger: e.log,
		Notify: p.events.Publish,
	})

	c, err := st.Connection(ctx, store.ProviderShopify)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return p, nil
	case err != nil:
		return nil, err
	}
	// A disconnected shop's webhooks are still accepted: shop/redact comes
	// 48 hours after the uninstall, usually after a restart, and must
	// still erase what the app kept.
	p.webhookShop = c.Account
	if c.Disconnected {
		return p, nil
	}
	p.shop = c.Account
	clientID, err := optionalSecret(ctx, p.secrets, secrets.ShopifyClientID)
	if err != nil {
		return nil, err
	}
	// One token source for everything that calls Shopify: a refresh
	// rotates the refresh token, so two sources would kill each other's.
	p.shopTokens = engine.NewShopifyTokens(p.secrets, shopify.OAuth{
		ClientID: clientID, ClientSecret: p.shopifySecret, BaseURL: e.cfg.shopifyURL,
	}, p.shop, nil)
	p.catalogue = engine.NewCatalogue(engine.CatalogueOptions{
		Store:  st,
		API:    func(ctx context.Context) (engine.ShopifyAPI, error) { return e.shopifyAPI(ctx, p.shop, p.shopTokens) },
		Logger: e.log,
	})
	return p, nil
}

// shopifyAPI is an Admin API client with a live token.
func (e *env) shopifyAPI(ctx context.Context, shop string, tokens *engine.ShopifyTokens) (*shopify.Client, error) {
	tok, err := tokens.Token(ctx)
	if err != nil {
		return nil, err
	}
	return e.shopifyClient(shop, tok), nil
}

// pollReport is one poll of everything connected.
type pollReport struct {
	facebook  engine.Report
	catalogue *engine.CatalogueReport // nil: no shop connected
	shopErr   error
}

// err joins what failed.
func (r pollReport) err() error { return errors.Join(r.facebook.Err(), r.shopErr) }

// pollAll polls the Facebook pages, then the shop's catalogue, after any
// poll under way has finished. One failing does not stop the other.
func (p *engineParts) pollAll(ctx context.Context, pageIDs ...string) (pollReport, error) {
	var rep pollReport
	select {
	case p.polling <- struct{}{}:
		defer func() { <-p.polling }()
	case <-ctx.Done():
		return rep, ctx.Err()
	}
	var err error
	if len(pageIDs) > 0 || p.hasPages(ctx) {
		if rep.facebook, err = p.poller.Poll(ctx, pageIDs...); err != nil {
			return rep, err
		}
	}
	if p.catalogue != nil && len(pageIDs) == 0 {
		cr, err := p.catalogue.Poll(ctx)
		rep.catalogue, rep.shopErr = &cr, err
		if err != nil {
			rep.shopErr = fmt.Errorf("shop %s: %w", p.shop, err)
		}
	}
	return rep, nil
}

func (p *engineParts) hasPages(ctx context.Context) bool {
	pages, err := p.st.Pages(ctx)
	return err != nil || len(pages) > 0 // an error is the poller's to report
}

// shopifyHooks points the shop's webhooks at a URL; nil when no shop.
func (p *engineParts) shopifyHooks(e *env) func(ctx context.Context) (engine.ShopifyHooks, error) {
	if p.catalogue == nil {
		return nil
	}
	return func(ctx context.Context) (engine.ShopifyHooks, error) {
		c, err := e.shopifyAPI(ctx, p.shop, p.shopTokens)
		if err != nil {
			return nil, err
		}
		return topicHooks{c}, nil
	}
}

// topicHooks subscribes the app's Shopify topics.
type topicHooks struct{ c *shopify.Client }

func (h topicHooks) EnsureWebhooks(ctx context.Context, url string) error {
	return h.c.EnsureWebhooks(ctx, url, engine.ShopifyTopics()...)
}
