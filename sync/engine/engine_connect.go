package engine

import (
	"context"

	"github.com/merchant-inbox/merchant-inbox/sync/connect"
)

// ConnectFacebook runs the Facebook sign-in for a front end that drives it
// while the engine runs (the window), then reassembles the engine with the
// pages it added. The callback goes on the engine's public endpoint when
// it has a static domain (the redirect URI a live Meta app registered);
// else on localhost.
func (e *Engine) ConnectFacebook(ctx context.Context, o connect.FacebookOptions, p connect.Prompter) (connect.FacebookResult, error) {
	res, err := e.connector().ConnectFacebook(ctx, o, p)
	if err == nil {
		e.changed()
	}
	return res, err
}

// ConnectShopify runs the Shopify sign-in as ConnectFacebook does.
func (e *Engine) ConnectShopify(ctx context.Context, o connect.ShopifyOptions, p connect.Prompter) (connect.ShopifyResult, error) {
	res, err := e.connector().ConnectShopify(ctx, o, p)
	if err == nil {
		e.changed()
	}
	return res, err
}

// Disconnect removes a provider's tokens (and, for Facebook, unsubscribes
// its pages at Meta), keeps what was synced, and reassembles the engine.
func (e *Engine) Disconnect(ctx context.Context, provider string) (connect.DisconnectResult, error) {
	res, err := e.connector().Disconnect(ctx, provider)
	if err == nil {
		e.changed()
	}
	return res, err
}

// changed tells subscribers and the running engine that connections
// changed.
func (e *Engine) changed() {
	e.publish(Event{Kind: PageChanged})
	e.publish(Event{Kind: StateChanged})
	e.Reload()
}

func (e *Engine) connector() *connect.Connector {
	c := &connect.Connector{
		Store:          e.o.Store,
		Secrets:        e.o.Secrets,
		Graph:          e.o.Graph,
		FacebookWebURL: e.o.FacebookWebURL,
		ShopifyURL:     e.o.ShopifyURL,
		Browser:        e.o.Browser,
		Logger:         e.log,
	}
	e.mu.Lock()
	static := e.settings.Domain != ""
	e.mu.Unlock()
	if static && e.PublicURL() != "" {
		c.Public = e
	}
	return c
}
