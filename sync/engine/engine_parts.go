package engine

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
	"github.com/merchant-inbox/merchant-inbox/sync/shopify"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// parts is the engine assembled from what the keychain and the store hold
// at one moment: what a poll and the webhook routes need.
type parts struct {
	fbAppSecret   string // signs Graph calls; verifies Meta's webhooks
	fbVerifyToken string // answers Meta's webhook handshake
	graph         *facebook.Client
	poller        *Poller

	shop          string // connected shop, "" when none
	webhookShop   string // whose webhooks are accepted: shop, or the last one (see assemble)
	shopifySecret string // the app's client secret: verifies Shopify's webhooks
	shopTokens    *ShopifyTokens
	catalogue     *Catalogue
}

// OptionalSecret reads a secret the engine can run without. Missing is
// "", nil; an unreachable keychain is an error, never an empty value in
// disguise.
func OptionalSecret(ctx context.Context, s *secrets.Store, n secrets.Name) (string, error) {
	v, err := s.Get(ctx, n)
	if errors.Is(err, secrets.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read %s: %w", n, err)
	}
	return v, nil
}

// assemble reads the secrets and connections and builds the parts.
func (e *Engine) assemble(ctx context.Context) (*parts, error) {
	p := &parts{}
	var err error
	for _, s := range []struct {
		name secrets.Name
		dst  *string
	}{
		{secrets.FacebookAppSecret, &p.fbAppSecret},
		{secrets.FacebookVerifyToken, &p.fbVerifyToken},
		{secrets.ShopifyClientSecret, &p.shopifySecret},
	} {
		if *s.dst, err = OptionalSecret(ctx, e.o.Secrets, s.name); err != nil {
			return nil, err
		}
	}
	// One client for polls and replies: Meta's rate-limit blocks hold
	// for both.
	p.graph = e.o.Graph(p.fbAppSecret)
	p.poller = NewPoller(PollerOptions{
		Store:  e.o.Store,
		Graph:  p.graph,
		Tokens: e.o.Secrets,
		Logger: e.log,
		Notify: e.forwardPollEvent,
	})

	c, err := e.o.Store.Connection(ctx, store.ProviderShopify)
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
	clientID, err := OptionalSecret(ctx, e.o.Secrets, secrets.ShopifyClientID)
	if err != nil {
		return nil, err
	}
	// One token source for everything that calls Shopify: a refresh
	// rotates the refresh token, so two sources would kill each other's.
	p.shopTokens = NewShopifyTokens(e.o.Secrets, shopify.OAuth{
		ClientID: clientID, ClientSecret: p.shopifySecret, BaseURL: e.o.ShopifyURL,
	}, p.shop, nil)
	p.catalogue = NewCatalogue(CatalogueOptions{
		Store:  e.o.Store,
		API:    func(ctx context.Context) (ShopifyAPI, error) { return e.shopifyAPI(ctx, p) },
		Logger: e.log,
	})
	return p, nil
}

// forwardPollEvent passes the poller's events on, but for the start and
// end of its Facebook part: pollAll brackets the whole poll, catalogue
// included, with its own.
func (e *Engine) forwardPollEvent(ev Event) {
	switch ev.Kind {
	case PollStarted, PollProgress, PollFinished:
		var was Progress
		e.setState(func(s *State) { was, s.Progress = s.Progress, ev.Progress })
		if ev.Kind != PollProgress {
			return
		}
		if ev.Progress.Page != was.Page && ev.Progress.Page > 0 {
			e.log.Info("polling", "page", ev.Progress.Page, "of", ev.Progress.Pages, "id", ev.Progress.PageID,
				"name", ev.Progress.PageName, "conversations", ev.Progress.Conversations, "messages", ev.Progress.Messages)
		}
	case RateLimitWait:
		e.log.Info("Meta rate-limits calls; waiting", "scope", ev.Scope, "until", ev.Until.Local().Format(time.DateTime), "gives_up", ev.Err != nil)
	}
	e.publish(ev)
}

// shopifyAPI is an Admin API client with a live token.
func (e *Engine) shopifyAPI(ctx context.Context, p *parts) (*shopify.Client, error) {
	tok, err := p.shopTokens.Token(ctx)
	if err != nil {
		return nil, err
	}
	return shopify.NewClient(shopify.ClientOptions{Shop: p.shop, Token: tok, BaseURL: e.o.ShopifyURL, Logger: e.log}), nil
}

// PollReport is one poll of everything connected.
type PollReport struct {
	Facebook  Report
	Catalogue *CatalogueReport // nil: no shop connected, or only some pages polled
	ShopErr   error
}

// Err joins what failed.
func (r PollReport) Err() error { return errors.Join(r.Facebook.Err(), r.ShopErr) }

// sentence says what failed in words a merchant reads in a status line:
// each failed page by its name, with the failure's own sentence when it
// has one ("Boutique Lila: Facebook no longer accepts…"). err is why the
// poll could not run at all.
func (r PollReport) sentence(err error) string {
	var parts []string
	if err != nil {
		parts = append(parts, plain(err))
	}
	for _, p := range r.Facebook.Pages {
		if p.Err != nil {
			parts = append(parts, cmp.Or(p.Name, "page "+p.PageID)+": "+plain(p.Err))
		}
	}
	if r.ShopErr != nil {
		parts = append(parts, plain(r.ShopErr))
	}
	return strings.Join(parts, "; ")
}

// plain is err's sentence for the merchant, or its text.
func plain(err error) string {
	if u, ok := errors.AsType[interface {
		error
		UserMessage() string
	}](err); ok {
		return u.UserMessage()
	}
	return err.Error()
}

// Poll polls the given Facebook pages, or every page and the shop's
// catalogue when none are given, in the caller's goroutine, after any poll
// under way has finished. It uses the running engine's parts, or assembles
// them when the engine is not running (a sync from the command line).
func (e *Engine) Poll(ctx context.Context, pageIDs ...string) (PollReport, error) {
	e.mu.Lock()
	g := e.running
	e.mu.Unlock()
	var p *parts
	if g != nil {
		p = g.parts
	} else {
		var err error
		if p, err = e.assemble(ctx); err != nil {
			return PollReport{}, err
		}
	}
	return e.pollAll(ctx, p, pageIDs...)
}

// HasShop reports whether a shop is connected, so a sync with nothing to
// do can say so.
func (e *Engine) HasShop(ctx context.Context) (bool, error) {
	c, err := e.o.Store.Connection(ctx, store.ProviderShopify)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return false, nil
	case err != nil:
		return false, err
	}
	return !c.Disconnected, nil
}

// pollAll polls the Facebook pages, then the shop's catalogue, after any
// poll under way has finished. One failing does not stop the other.
func (e *Engine) pollAll(ctx context.Context, p *parts, pageIDs ...string) (PollReport, error) {
	var rep PollReport
	select {
	case e.polling <- struct{}{}:
		defer func() { <-e.polling }()
	case <-ctx.Done():
		return rep, ctx.Err()
	}
	started := time.Now()
	e.setState(func(s *State) { s.Polling, s.Progress = true, Progress{} })
	e.publish(Event{Kind: PollStarted})
	rep, err := e.pollParts(ctx, p, pageIDs)
	e.logPoll(rep, err)
	failed := errors.Join(err, rep.Err())
	var done Progress
	e.setState(func(s *State) {
		s.Polling, done = false, s.Progress
		if len(pageIDs) == 0 {
			s.LastPoll, s.LastPollErr = started, ""
			if failed != nil {
				s.LastPollErr = rep.sentence(err)
			}
		}
	})
	e.publish(Event{Kind: PollFinished, Err: failed, Progress: done})
	return rep, err
}

func (e *Engine) pollParts(ctx context.Context, p *parts, pageIDs []string) (PollReport, error) {
	var rep PollReport
	var err error
	if len(pageIDs) > 0 || e.hasPages(ctx) {
		if rep.Facebook, err = p.poller.Poll(ctx, pageIDs...); err != nil {
			return rep, err
		}
	}
	if p.catalogue != nil && len(pageIDs) == 0 {
		cr, err := p.catalogue.Poll(ctx)
		rep.Catalogue, rep.ShopErr = &cr, err
		if err != nil {
			rep.ShopErr = fmt.Errorf("shop %s: %w", p.shop, err)
		}
		if cr.Changed > 0 || cr.Removed > 0 {
			e.publish(Event{Kind: CatalogueChanged})
		}
	}
	return rep, nil
}

func (e *Engine) hasPages(ctx context.Context) bool {
	pages, err := e.o.Store.Pages(ctx)
	return err != nil || len(pages) > 0 // an error is the poller's to report
}

func (e *Engine) logPoll(rep PollReport, err error) {
	if err != nil {
		e.log.Warn("poll did not run", "err", err)
	}
	for _, p := range rep.Facebook.Pages {
		e.log.Info("polled page", "page", p.PageID, "conversations", p.Conversations, "messages", p.Messages, "err", p.Err)
	}
	if c := rep.Catalogue; c != nil {
		e.log.Info("polled catalogue", "shop", c.Shop, "products", c.Products, "changed", c.Changed, "removed", c.Removed, "err", rep.ShopErr)
	}
}
