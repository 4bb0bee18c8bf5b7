package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"

	"github.com/merchant-inbox/merchant-inbox/sync/engine"
	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
	"github.com/merchant-inbox/merchant-inbox/sync/shopify"
	"github.com/merchant-inbox/merchant-inbox/sync/tunnel"
)

// webhookRoute is one provider's webhook endpoint.
type webhookRoute struct{ provider, path string }

// webhookRoutes builds the handler served on the local address and the
// tunnel alike, and lists the endpoints that are on. A
// provider whose secret is missing gets no route: nothing could verify
// its deliveries.
func webhookRoutes(ctx context.Context, e *env, p *engineParts, callbacks http.Handler, background *sync.WaitGroup) (http.Handler, []webhookRoute) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	mux.Handle("/callback/", callbacks) // a sign-in run inside serve (see host.serveCallback)
	var on []webhookRoute
	if p.fbAppSecret != "" && p.fbVerifyToken != "" {
		ingester := engine.NewIngester(engine.IngesterOptions{
			Store:  p.st,
			Logger: e.log,
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
		mux.Handle(engine.FacebookWebhookPath, facebook.NewWebhookHandler(facebook.HandlerOptions{
			AppSecret: p.fbAppSecret, VerifyToken: p.fbVerifyToken, Sink: ingester, Logger: e.log,
		}))
		on = append(on, webhookRoute{"facebook", engine.FacebookWebhookPath})
	} else {
		e.log.Warn("facebook webhooks off: set facebook-app-secret and facebook-verify-token with 'merchant-inbox secrets set'; polling only")
	}
	if p.webhookShop != "" && p.shopifySecret != "" {
		sink := engine.NewShopifySink(engine.ShopifySinkOptions{Store: p.st, Shop: p.webhookShop, Tokens: p.secrets, Logger: e.log})
		mux.Handle("POST "+engine.ShopifyWebhookPath, shopify.NewWebhookHandler(shopify.WebhookOptions{
			ClientSecret: p.shopifySecret, Sink: sink, Logger: e.log,
		}))
		on = append(on, webhookRoute{"shopify", engine.ShopifyWebhookPath})
	} else if p.webhookShop != "" {
		e.log.Warn("shopify webhooks off: set shopify-client-secret; the catalogue is polled only")
	}
	return mux, on
}

// opener picks the public endpoint: ngrok with the stored authtoken, or
// --tunnel loopback.
func (e *env) opener(ctx context.Context, o serveOptions) (tunnel.Opener, error) {
	if o.tunnel == "loopback" {
		return tunnel.Loopback{Addr: "127.0.0.1:0"}, nil
	}
	token, err := e.ngrokAuthtoken(ctx)
	if err != nil {
		return nil, err
	}
	if token == "" {
		return nil, errors.New("no ngrok-authtoken in the keychain (webhooks reach only the local address; polling covers the rest)")
	}
	return tunnel.Ngrok{Authtoken: token, Domain: o.domain, Logger: e.log}, nil
}

// newSupervisor keeps the tunnel up and announces each new URL.
func newSupervisor(opener tunnel.Opener, routes http.Handler, a *engine.Announcer, state *serveState, h *host, log *slog.Logger) *tunnel.Supervisor {
	return tunnel.NewSupervisor(tunnel.SupervisorOptions{
		Opener:  opener,
		Handler: routes,
		Logger:  log,
		OnUp: func(ctx context.Context, url string) {
			log.Info("tunnel up", "url", url)
			state.update(func(rs *runState) { rs.PublicURL, rs.Tunnel = url, "up" })
			h.setPublicURL(url)
			if err := a.Announce(ctx, url); err != nil {
				log.Warn("registering the public URL", "err", err)
			}
		},
		OnDown: func(err error) {
			log.Warn("tunnel down; reconnecting", "err", err)
			state.update(func(rs *runState) { rs.PublicURL, rs.Tunnel = "", "reconnecting: "+err.Error() })
			h.setPublicURL("")
		},
	})
}

// serveState is the running engine's published state (see runState).
type serveState struct {
	e   *env
	log *slog.Logger
	mu  sync.Mutex
	rs  runState
}

func newServeState(e *env, rs runState, log *slog.Logger) *serveState {
	s := &serveState{e: e, log: log, rs: rs}
	s.update(func(*runState) {})
	return s
}

// update changes the state and rewrites the file status reads.
func (s *serveState) update(f func(*runState)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(&s.rs)
	if err := s.e.cfg.writeRunState(s.rs); err != nil {
		s.log.Warn("status will not see this engine", "err", err)
	}
}
