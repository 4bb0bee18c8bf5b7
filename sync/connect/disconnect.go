package connect

import (
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// DisconnectResult is what a disconnection did.
type DisconnectResult struct {
	Provider string // store.ProviderFacebook or store.ProviderShopify
	// TokensRemoved counts the tokens taken out of the keychain.
	TokensRemoved int
	// Unsubscribed are the Pages Meta was told to stop sending webhooks
	// for.
	Unsubscribed []string
	// Problems went wrong at the provider without stopping the local
	// disconnection: an *UnsubscribeError for each Page Meta could not be
	// told about. Its webhooks are dropped on arrival all the same.
	Problems []error
	// Kept is what stays readable in the database.
	Kept store.Stats
}

// UnsubscribeError is a Page Meta could not be told to stop sending
// webhooks for.
type UnsubscribeError struct {
	PageID string
	Err    error
}

func (e *UnsubscribeError) Error() string {
	return fmt.Sprintf("page %s: stop its webhooks at Meta: %v", e.PageID, e.Err)
}

func (e *UnsubscribeError) Unwrap() error { return e.Err }

func (e *UnsubscribeError) UserMessage() string {
	return fmt.Sprintf("Meta was not told to stop sending the webhooks of page %s (%s); Merchant Inbox ignores them from now on.",
		e.PageID, unsubscribeReason(e.Err))
}

func unsubscribeReason(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, facebook.ErrTokenInvalid):
		return "its token was no longer valid"
	case errors.Is(err, facebook.ErrRateLimited):
		return "Facebook is limiting requests for now"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne):
		return "Facebook could not be reached"
	}
	return "Facebook refused"
}

// Disconnect removes a connection's tokens from the keychain and records
// the disconnection; what was synced stays in the database, readable, and
// the app credentials stay in the keychain. For Facebook it first tells
// Meta to stop sending each Page's webhooks (which needs the Page's token,
// so it comes before the token goes), then marks the Pages disconnected so
// that webhooks still on their way are dropped. A Page Meta could not be
// told about is reported in Problems, and its local disconnection still
// completes.
//
// When ctx ends while Meta is being told, nothing local has changed yet and
// Disconnect returns ctx's error; Pages already unsubscribed are
// subscribed again when the engine next brings its tunnel up. Once the
// local part has begun it finishes.
func (c *Connector) Disconnect(ctx context.Context, provider string) (DisconnectResult, error) {
	res := DisconnectResult{Provider: provider}
	var names []secrets.Name
	var pages []store.Page
	switch provider {
	case store.ProviderFacebook:
		var err error
		if pages, err = c.Store.Pages(ctx); err != nil {
			return res, err
		}
		if err := c.unsubscribePages(ctx, pages, &res); err != nil {
			return res, err
		}
		for _, p := range pages {
			names = append(names, secrets.PageToken(p.ID))
		}
	case store.ProviderShopify:
		names = append(names, secrets.ShopifyToken)
	default:
		return res, fmt.Errorf("connect: unknown provider %q: want %s or %s", provider, store.ProviderFacebook, store.ProviderShopify)
	}

	ctx, cancel := committing(ctx)
	defer cancel()
	for _, n := range names {
		switch err := c.Secrets.Delete(ctx, n); {
		case err == nil:
			res.TokensRemoved++
		case !errors.Is(err, secrets.ErrNotFound):
			return res, fmt.Errorf("remove %s from the keychain: %w", n, err)
		}
		if id, ok := n.PageID(); ok {
			if err := c.Store.SetDisconnected(ctx, id, true); err != nil {
				return res, err
			}
		}
	}
	// Record the disconnection only for a connection that exists (a pasted
	// page token leaves none).
	conn, err := c.Store.Connection(ctx, provider)
	switch {
	case err == nil:
		conn.Disconnected, conn.DisconnectedAt, conn.Note = true, c.now(), "disconnected by you"
		if err := c.Store.PutConnection(ctx, conn); err != nil {
			return res, err
		}
	case !errors.Is(err, store.ErrNotFound):
		return res, err
	}
	if res.Kept, err = c.Store.Stats(ctx); err != nil {
		return res, err
	}
	return res, nil
}

// unsubscribePages tells Meta to stop sending the webhooks of every Page
// whose token is still in the keychain.
func (c *Connector) unsubscribePages(ctx context.Context, pages []store.Page, res *DisconnectResult) error {
	appSecret, err := c.optionalSecret(ctx, secrets.FacebookAppSecret)
	if err != nil {
		return err
	}
	graph := c.graph(appSecret)
	for _, p := range pages {
		token, err := c.optionalSecret(ctx, secrets.PageToken(p.ID))
		if err != nil {
			return err
		}
		if token == "" {
			continue // disconnected before, or its token was deleted
		}
		if err := graph.UnsubscribePage(ctx, p.ID, token); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			c.log().Warn("disconnect: Meta was not told to stop a page's webhooks", "page", p.ID, "err", err)
			res.Problems = append(res.Problems, &UnsubscribeError{PageID: p.ID, Err: err})
			continue
		}
		res.Unsubscribed = append(res.Unsubscribed, p.ID)
	}
	return nil
}
