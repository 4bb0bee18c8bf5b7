package engine

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
	"github.com/merchant-inbox/merchant-inbox/sync/shopify"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// CallbackPath prefixes a sign-in's callback routes on the engine's
// listeners (see ServeCallback).
const CallbackPath = "/callback/"

// Webhooks says which webhook endpoints can verify deliveries, and why the
// others cannot.
type Webhooks struct {
	Facebook    bool
	FacebookWhy string // why not, when !Facebook
	Shopify     bool
	ShopifyWhy  string // why not, when !Shopify ("" and !Shopify: no shop)
}

func (w Webhooks) summary() string {
	fb, sh := "on", "on"
	if !w.Facebook {
		fb = "off (" + w.FacebookWhy + ")"
	}
	if !w.Shopify {
		sh = "not connected"
		if w.ShopifyWhy != "" {
			sh = "off (" + w.ShopifyWhy + ")"
		}
	}
	return "facebook " + fb + "; shopify " + sh
}

// String is the one-line summary status prints.
func (w Webhooks) String() string { return w.summary() }

// webhooks builds the webhook endpoints of p. A provider whose secret is
// missing gets no route: nothing could verify its deliveries.
func (e *Engine) webhooks(ctx context.Context, p *parts, background *sync.WaitGroup) (http.Handler, Webhooks) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	var on Webhooks
	if p.fbAppSecret != "" && p.fbVerifyToken != "" {
		names := newNamer(ctx, p.poller, background, e.log)
		ingester := NewIngester(IngesterOptions{
			Store:  e.o.Store,
			Logger: e.log,
			Notify: func(ev Event) {
				e.publish(ev)
				if ev.Kind == MessageStored && ev.Direction == store.Incoming {
					names.name(ev.PageID, ev.PSID)
				}
			},
			PageChanged: func(pageID string) {
				if ctx.Err() != nil {
					return // shutting down: the next poll refreshes the page
				}
				background.Go(func() {
					if err := p.poller.RefreshPage(ctx, pageID); err != nil {
						e.log.Warn("refresh page after webhook", "page", pageID, "err", err)
					}
				})
			},
		})
		mux.Handle(FacebookWebhookPath, facebook.NewWebhookHandler(facebook.HandlerOptions{
			AppSecret: p.fbAppSecret, VerifyToken: p.fbVerifyToken, Sink: ingester, Logger: e.log,
		}))
		on.Facebook = true
	} else {
		on.FacebookWhy = "needs facebook-app-secret and facebook-verify-token"
		e.log.Warn("facebook webhooks off: the app secret or verify token is not in the keychain; polling only")
	}
	switch {
	case p.webhookShop != "" && p.shopifySecret != "":
		sink := NewShopifySink(ShopifySinkOptions{Store: e.o.Store, Shop: p.webhookShop, Tokens: e.o.Secrets, Logger: e.log, Notify: e.publish})
		mux.Handle("POST "+ShopifyWebhookPath, shopify.NewWebhookHandler(shopify.WebhookOptions{
			ClientSecret: p.shopifySecret, Sink: sink, Logger: e.log,
		}))
		on.Shopify = p.shop != ""
		if !on.Shopify {
			on.ShopifyWhy = "disconnected; still accepting the shop's data-erasure requests"
		}
	case p.webhookShop != "":
		on.ShopifyWhy = "needs shopify-client-secret"
		e.log.Warn("shopify webhooks off: the client secret is not in the keychain; the catalogue is polled only")
	}
	return mux, on
}

// withCallback adds the sign-in callback routes to hooks.
func (e *Engine) withCallback(hooks http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, CallbackPath) {
			hooks.ServeHTTP(w, r)
			return
		}
		e.mu.Lock()
		cb := e.callback
		e.mu.Unlock()
		if cb == nil {
			http.NotFound(w, r)
			return
		}
		cb.ServeHTTP(w, r)
	})
}

// ServeCallback puts a sign-in's callback routes on the engine's public
// endpoint, which a second ngrok endpoint on the same static domain could
// not be, and returns its base URL; stop takes them off.
func (e *Engine) ServeCallback(_ context.Context, cb http.Handler) (base string, stop func(), err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	switch {
	case e.state.Tunnel.URL == "":
		return "", nil, errors.New("the tunnel is not up; the public callback needs it")
	case e.callback != nil:
		return "", nil, errors.New("another sign-in is waiting for its callback; finish it first")
	}
	e.callback = cb
	return e.state.Tunnel.URL, func() {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.callback = nil
	}, nil
}

// PublicURL is the tunnel's URL while it is up, else "".
func (e *Engine) PublicURL() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.state.Tunnel.URL
}
