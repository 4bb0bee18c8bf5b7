package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
	"github.com/merchant-inbox/merchant-inbox/sync/shopify"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// Shopify webhook topics the app subscribes to through the API. The three
// compliance topics are configured in the app's settings on Shopify's
// side, not by API, but arrive at the same endpoint.
func ShopifyTopics() []string {
	return []string{"products/create", "products/update", "products/delete", "app/uninstalled"}
}

// maxTriggeredAhead is how far ahead of the local clock a delivery's
// X-Shopify-Triggered-At may be: clock skew, not more.
const maxTriggeredAhead = 5 * time.Minute

// TokenDeleter removes a secret from the keychain.
type TokenDeleter interface {
	Delete(ctx context.Context, name secrets.Name) error
}

// ShopifySinkOptions configures a ShopifySink. Store, Shop and Tokens are
// required.
type ShopifySinkOptions struct {
	Store  *store.Store
	Shop   string // the connected shop, name.myshopify.com
	Tokens TokenDeleter
	Logger *slog.Logger
	Notify func(Event)
	Now    func() time.Time
}

// ShopifySink stores verified Shopify webhook deliveries. Each delivery is
// applied at most once (deduplicated on X-Shopify-Webhook-Id in the same
// transaction as its change) and committed before the handler answers.
type ShopifySink struct{ o ShopifySinkOptions }

// NewShopifySink returns a ShopifySink.
func NewShopifySink(o ShopifySinkOptions) *ShopifySink {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Notify == nil {
		o.Notify = func(Event) {}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &ShopifySink{o: o}
}

// HandleShopify applies one delivery. Topics the app does not act on, and
// deliveries for another shop, are logged and acknowledged. A body that
// does not fit its topic (the topic header is not signed) is an error
// wrapping shopify.ErrBadPayload, which the handler acknowledges without
// storing anything.
func (s *ShopifySink) HandleShopify(ctx context.Context, d shopify.Delivery) error {
	if d.Shop != s.o.Shop {
		// Acknowledged: the merchant's app installed on another shop too
		// (a development store) may send here, and a refusal would only
		// have Shopify retry for 4 hours and then drop that shop's
		// subscription.
		s.o.Logger.Warn("shopify webhook for another shop; ignored", "shop", d.Shop, "topic", d.Topic)
		return nil
	}
	// X-Shopify-Triggered-At is not covered by the HMAC. A time far ahead
	// would make a replayed delivery look newer than every connection and
	// push every remembered webhook id out of the dedupe window, so it
	// counts only within a few minutes of this machine's clock.
	now := s.o.Now()
	at := d.TriggeredAt
	if at.IsZero() || at.After(now.Add(maxTriggeredAhead)) {
		at = now
	}
	ch, dropToken, err := s.change(ctx, d, at)
	if err != nil {
		return err
	}
	out, err := s.o.Store.ApplyShopifyWebhook(ctx, d.WebhookID, at, ch)
	if err != nil {
		return fmt.Errorf("shopify %s: %w", d.Topic, err)
	}
	switch out {
	case store.ShopifyDuplicate:
		s.o.Logger.Info("shopify webhook redelivered; already applied", "topic", d.Topic)
	case store.ShopifyStale:
		// A retry, or a repeat (Shopify may send app/uninstalled more
		// than once), about an install the merchant has since replaced
		// by connecting again: the new connection and its data stay.
		s.o.Logger.Warn("shopify webhook older than the current connection; ignored", "topic", d.Topic, "triggered_at", at)
	}
	if dropToken && out == store.ShopifyApplied {
		// After the commit: the record says why the shop is disconnected
		// even if the keychain is unreachable now. Not for a redelivery
		// or a stale delivery: the token in the keychain may be a newer
		// connection's.
		if err := s.o.Tokens.Delete(ctx, secrets.ShopifyToken); err != nil && !errors.Is(err, secrets.ErrNotFound) {
			s.o.Logger.Warn("could not remove the shopify token from the keychain", "err", err)
		}
	}
	s.o.Notify(Event{Kind: CatalogueChanged})
	return nil
}

// change maps a delivery onto a store change, and says whether the shop's
// token must go.
func (s *ShopifySink) change(ctx context.Context, d shopify.Delivery, at time.Time) (store.ShopifyChange, bool, error) {
	var ch store.ShopifyChange
	switch d.Topic {
	case "products/create", "products/update":
		p, err := shopify.ParseProductWebhook(d.Body)
		if err != nil {
			return ch, false, err
		}
		sp := storeProduct(p)
		if sp.URL == "" {
			// Webhook payloads carry no storefront URL; keep the one the
			// last poll read.
			if old, err := s.o.Store.Product(ctx, sp.ID); err == nil {
				sp.URL = old.URL
			}
		}
		ch.Upsert = []store.Product{sp}
	case "products/delete":
		// The body is {"id": N} alone: no shop to compare. Its exact shape
		// is what keeps any other signed body from deleting a product, and
		// product ids are unique across Shopify, so a delete signed for
		// another shop of the same app names a product this catalogue
		// does not hold.
		id, err := shopify.ParseProductDelete(d.Body)
		if err != nil {
			return ch, false, err
		}
		ch.Delete, ch.DeletedAt = []string{id}, at
	case "app/uninstalled":
		u, err := shopify.ParseAppUninstalled(d.Body)
		if err != nil {
			return ch, false, err
		}
		if err := s.aboutThisShop(d.Topic, u.MyshopifyDomain); err != nil {
			return ch, false, err
		}
		ch.Disconnect = &store.Disconnect{Account: s.o.Shop, At: at, Note: "the app was uninstalled from the shop"}
		return ch, true, nil
	case "shop/redact":
		r, err := shopify.ParseShopRedact(d.Body)
		if err != nil {
			return ch, false, err
		}
		if err := s.aboutThisShop(d.Topic, r.ShopDomain); err != nil {
			return ch, false, err
		}
		ch.EraseShop = true
		ch.Disconnect = &store.Disconnect{Account: s.o.Shop, At: at, Note: "Shopify asked to erase the shop's data (shop/redact); it was erased"}
		return ch, true, nil
	case "customers/redact":
		// The app keeps no Shopify customer records (only the catalogue),
		// so there is nothing to erase; parsing proves the payload is sane.
		r, err := shopify.ParseCustomerRedact(d.Body)
		if err != nil {
			return ch, false, err
		}
		if err := s.aboutThisShop(d.Topic, r.ShopDomain); err != nil {
			return ch, false, err
		}
		s.o.Logger.Info("shopify customers/redact: no customer data is kept for the shop")
	case "customers/data_request":
		r, err := shopify.ParseCustomerDataRequest(d.Body)
		if err != nil {
			return ch, false, err
		}
		if err := s.aboutThisShop(d.Topic, r.ShopDomain); err != nil {
			return ch, false, err
		}
		s.o.Logger.Info("shopify customers/data_request: no customer data is kept for the shop")
	default:
		s.o.Logger.Info("shopify webhook topic not handled; acknowledged", "topic", d.Topic)
	}
	return ch, false, nil
}

// aboutThisShop checks the shop a signed body names against the connected
// one: the X-Shopify-Shop-Domain header was checked already, but headers
// are not covered by the HMAC, so a body about another shop replayed under
// this shop's headers must not disconnect or erase this one. Shopify never
// sends a body that disagrees with its header, so it is a body that does
// not fit its delivery: ErrBadPayload, acknowledged and dropped, with
// nothing recorded.
func (s *ShopifySink) aboutThisShop(topic, shop string) error {
	if shop == s.o.Shop {
		return nil
	}
	return fmt.Errorf("%w: the %s body is about shop %s, not %s", shopify.ErrBadPayload, topic, shop, s.o.Shop)
}
