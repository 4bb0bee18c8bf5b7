package app

import (
	"context"
	"net/http"

	"github.com/merchant-inbox/merchant-inbox/sync/authflow"
	"github.com/merchant-inbox/merchant-inbox/sync/connect"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// DefaultCallbackPort is where the sign-in callback listens unless --port
// says otherwise (see connect.DefaultCallbackPort).
const DefaultCallbackPort = connect.DefaultCallbackPort

// connector is the sign-in and disconnect flows over st and the
// environment's keychain and services. public, when set, also serves the
// callback on a public endpoint; without a browser the merchant opens the
// consent page by hand.
func (e *env) connector(st *store.Store, public connect.CallbackHost, browser bool) *connect.Connector {
	c := &connect.Connector{
		Store:          st,
		Secrets:        e.cfg.secrets(),
		Graph:          e.cfg.graph,
		FacebookWebURL: e.cfg.facebookWebURL,
		ShopifyURL:     e.cfg.shopifyURL,
		Public:         public,
		Logger:         e.log,
	}
	if browser {
		c.Browser = func(ctx context.Context, url string) error { return authflow.OpenBrowser(ctx, url, e.Getenv) }
	}
	return c
}

// hostCallback puts a sign-in run inside serve on serve's own endpoint
// (a second ngrok endpoint on the same domain could not be).
type hostCallback struct{ h *host }

func (c hostCallback) ServeCallback(ctx context.Context, cb http.Handler) (string, func(), error) {
	return c.h.serveCallback(ctx, cb)
}
