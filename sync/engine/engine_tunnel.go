package engine

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
	"github.com/merchant-inbox/merchant-inbox/sync/tunnel"
)

// errNoAuthtoken says why there is no public endpoint without an ngrok
// authtoken, in the words status and the tray show.
var errNoAuthtoken = errors.New("no ngrok authtoken in the keychain: webhooks reach only the local address, polling covers the rest")

// startTunnel opens the public endpoint in the background and announces
// each URL it gets to Meta and Shopify. Without one it records why.
func (e *Engine) startTunnel(ctx context.Context, set Settings, p *parts, routes http.Handler, sched *Scheduler, background *sync.WaitGroup) {
	opener, err := e.opener(ctx, set)
	if err != nil || opener == nil {
		reason := "off"
		if err != nil {
			reason = err.Error()
			e.log.Warn("webhooks only on the local address", "reason", err)
		}
		e.setTunnel(TunnelState{Kind: TunnelIsNone, Reason: reason, Stopped: true})
		return
	}
	announcer := NewAnnouncer(AnnouncerOptions{
		Store:    e.o.Store,
		Tokens:   e.o.Secrets,
		Facebook: e.o.Graph(p.fbAppSecret),
		Shopify:  e.shopifyHooks(p),
		CatchUp: func() {
			if err := sched.SyncNow(); err != nil {
				e.log.Warn("catch-up poll", "err", err)
			}
		},
		Logger: e.log,
	})
	sup := tunnel.NewSupervisor(tunnel.SupervisorOptions{
		Opener:  opener,
		Handler: routes,
		Logger:  e.log,
		OnUp: func(ctx context.Context, url string) {
			e.log.Info("tunnel up", "url", url)
			e.setTunnel(TunnelState{Kind: TunnelIsUp, URL: url})
			if err := announcer.Announce(ctx, url); err != nil {
				e.log.Warn("registering the public URL", "err", err)
			}
		},
		OnDown: func(err error) {
			e.log.Warn("tunnel down; reconnecting", "err", err)
			e.setTunnel(TunnelState{Kind: TunnelIsDown, Reason: tunnel.Explain(err), DownSince: e.downSince()})
		},
	})
	background.Go(func() {
		if err := sup.Run(ctx); err != nil {
			e.log.Error("tunnel stopped", "err", err)
			e.setTunnel(TunnelState{Kind: TunnelIsDown, Reason: tunnel.Explain(err), Stopped: true})
		}
	})
}

// downSince is when the tunnel went down: now, unless it was down already.
func (e *Engine) downSince() time.Time {
	if t := e.State().Tunnel; t.Kind == TunnelIsDown && !t.DownSince.IsZero() {
		return t.DownSince
	}
	return e.now()
}

// setTunnel records the tunnel's state and tells subscribers.
func (e *Engine) setTunnel(t TunnelState) {
	e.setState(func(s *State) { s.Tunnel = t })
	switch t.Kind {
	case TunnelIsUp:
		e.publish(Event{Kind: TunnelUp, URL: t.URL})
	default:
		e.publish(Event{Kind: TunnelDown, Err: errors.New(t.Reason)})
	}
}

// opener picks the public endpoint: the injected one, ngrok with the
// stored authtoken, a loopback stand-in, or none (nil, nil).
func (e *Engine) opener(ctx context.Context, set Settings) (tunnel.Opener, error) {
	switch {
	case e.o.Opener != nil:
		return e.o.Opener, nil
	case set.Tunnel == TunnelOff:
		return nil, nil
	case set.Tunnel == TunnelLoopback:
		return tunnel.Loopback{Addr: "127.0.0.1:0"}, nil
	}
	token, err := OptionalSecret(ctx, e.o.Secrets, secrets.NgrokAuthtoken)
	if err != nil {
		return nil, err
	}
	if token == "" {
		return nil, errNoAuthtoken
	}
	return tunnel.Ngrok{Authtoken: token, Domain: set.Domain, Logger: e.log}, nil
}

// shopifyHooks points the shop's webhooks at a URL; nil when no shop.
func (e *Engine) shopifyHooks(p *parts) func(ctx context.Context) (ShopifyHooks, error) {
	if p.catalogue == nil {
		return nil
	}
	return func(ctx context.Context) (ShopifyHooks, error) {
		c, err := e.shopifyAPI(ctx, p)
		if err != nil {
			return nil, err
		}
		return topicHooks{c}, nil
	}
}

// topicHooks subscribes the app's Shopify topics.
type topicHooks struct {
	c interface {
		EnsureWebhooks(ctx context.Context, url string, topics ...string) error
	}
}

func (h topicHooks) EnsureWebhooks(ctx context.Context, url string) error {
	return h.c.EnsureWebhooks(ctx, url, ShopifyTopics()...)
}
