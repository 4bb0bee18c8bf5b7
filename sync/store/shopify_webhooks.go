package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"time"
)

// webhookIDTTL is how long a delivery's X-Shopify-Webhook-Id is
// remembered. Shopify retries a failed delivery 8 times over 4 hours, so
// a week catches every retry with room for a machine that was asleep,
// and the record stays bounded by a week of deliveries.
const webhookIDTTL = 7 * 24 * time.Hour

// ShopifyChange is what one Shopify webhook delivery changes. It is
// applied in this order: EraseShop, Upsert, Delete, Disconnect.
type ShopifyChange struct {
	Upsert []Product // products/create, products/update; see UpsertProducts
	// Delete lists product ids removed at DeletedAt (products/delete; the
	// delivery's X-Shopify-Triggered-At); see DeleteProduct.
	Delete    []string
	DeletedAt time.Time
	// EraseShop erases the shop and its catalogue (shop/redact); see
	// DeleteShopData.
	EraseShop bool
	// Disconnect, when set, marks the Shopify connection disconnected
	// (app/uninstalled, shop/redact). When the stored connection was made
	// after Disconnect.At, the delivery is about an install the merchant
	// has since replaced: then neither EraseShop nor Disconnect applies
	// (ShopifyStale). Deciding it inside the write means a connect that
	// commits meanwhile is never overwritten.
	Disconnect *Disconnect
}

// Disconnect is a Shopify connection ending.
type Disconnect struct {
	Account string    // the shop, for when no record exists yet
	At      time.Time // when it happened (the delivery's time)
	Note    string    // why, for status
}

// ShopifyOutcome is what ApplyShopifyWebhook did with a delivery.
type ShopifyOutcome int

const (
	// ShopifyApplied: the change was made and the id recorded.
	ShopifyApplied ShopifyOutcome = iota
	// ShopifyDuplicate: a delivery with the same id was applied before;
	// nothing changed.
	ShopifyDuplicate
	// ShopifyStale: the delivery predates the current connection (see
	// ShopifyChange.Disconnect); only its id was recorded.
	ShopifyStale
)

// normalized validates ch and returns it as it will be applied, before
// any transaction.
func (ch ShopifyChange) normalized() (ShopifyChange, error) {
	ps, err := normalizeProducts("upsert", ch.Upsert)
	if err != nil {
		return ShopifyChange{}, err
	}
	ch.Upsert = ps
	for i, id := range ch.Delete {
		if err := checkDeletion("delete", i, id, ch.DeletedAt); err != nil {
			return ShopifyChange{}, err
		}
	}
	ch.Delete = append([]string(nil), ch.Delete...)
	ch.DeletedAt = ch.DeletedAt.UTC()
	if d := ch.Disconnect; d != nil {
		if d.At.IsZero() || !validID(d.Account) {
			return ShopifyChange{}, fmt.Errorf("%w: disconnect needs a time and the shop", ErrInvalid)
		}
		ch.Disconnect = &Disconnect{Account: d.Account, At: d.At.UTC(), Note: d.Note}
	}
	return ch, nil
}

// ApplyShopifyWebhook applies the change one delivery carries, unless a
// delivery with the same X-Shopify-Webhook-Id was applied before. The id
// is recorded in the transaction that makes the change, so a crash never
// leaves a change applied without its id (it would run twice) or an id
// recorded without its change (it would be lost). The outcome tells a
// redelivery or a stale delivery, which change nothing; the caller still
// answers 200.
//
// at is when the delivery happened: its X-Shopify-Triggered-At, or the
// time it was received when that header is missing; zero is ErrInvalid.
// Each id is kept with at, and the same write forgets ids seen more than
// seven days before at, so the record stays bounded. An empty change
// still records the id, which dedupes topics that change nothing here.
func (s *Store) ApplyShopifyWebhook(ctx context.Context, webhookID string, at time.Time, change ShopifyChange) (ShopifyOutcome, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("store: shopify webhook %s: %w", webhookID, err)
	}
	if err := checkID("shopify webhook", 0, "ID", webhookID); err != nil {
		return 0, fmt.Errorf("store: shopify webhook: %w", err)
	}
	if at.IsZero() {
		return 0, fmt.Errorf("store: shopify webhook %s: %w: no delivery time", webhookID, ErrInvalid)
	}
	at = at.UTC()
	ch, err := change.normalized()
	if err != nil {
		return 0, fmt.Errorf("store: shopify webhook %s: %w", webhookID, err)
	}
	var out ShopifyOutcome
	err = s.write(func(t *txn) error {
		// Assigned on every run: a batched run can be rolled back and
		// repeated, and only the last one counts.
		if t.shopifyHooks.Get([]byte(webhookID)) != nil {
			out = ShopifyDuplicate
			return nil
		}
		var err error
		if out, err = t.applyShopify(ch); err != nil {
			return err
		}
		return t.recordWebhook(webhookID, at)
	})
	if err != nil {
		return 0, fmt.Errorf("store: shopify webhook %s: %w", webhookID, err)
	}
	return out, nil
}

func (t *txn) applyShopify(ch ShopifyChange) (ShopifyOutcome, error) {
	var next *Connection
	if d := ch.Disconnect; d != nil {
		c := Connection{Provider: ProviderShopify, Account: d.Account}
		found, err := getJSON(t.conns, []byte(ProviderShopify), &c)
		if err != nil {
			return 0, err
		}
		if found && !c.Disconnected && c.ConnectedAt.After(d.At) {
			return ShopifyStale, nil
		}
		c.Disconnected, c.DisconnectedAt, c.Note = true, d.At, d.Note
		next = &c
	}
	if ch.EraseShop {
		if err := t.eraseShop(); err != nil {
			return 0, err
		}
	}
	if _, err := t.upsertProducts(ch.Upsert); err != nil {
		return 0, err
	}
	for _, id := range ch.Delete {
		if err := t.deleteProduct(id, ch.DeletedAt); err != nil {
			return 0, err
		}
	}
	if next != nil {
		if err := t.putConnection(*next); err != nil {
			return 0, err
		}
	}
	return ShopifyApplied, nil
}

// recordWebhook remembers webhookID as seen at at, and forgets the ids
// seen more than webhookIDTTL before at. The time index is walked from its
// oldest end, so the cost is what is forgotten, not what is kept.
func (t *txn) recordWebhook(webhookID string, at time.Time) error {
	if err := putJSON(t.shopifyHooks, []byte(webhookID), at); err != nil {
		return err
	}
	if err := t.shopifyHookTimes.Put(hookTimeKey(at, webhookID), nil); err != nil {
		return err
	}
	horizon := stamp(at.Add(-webhookIDTTL))
	var old [][]byte
	c := t.shopifyHookTimes.Cursor()
	for k, _ := c.First(); k != nil && len(k) >= stampLen && binary.BigEndian.Uint64(k) < horizon; k, _ = c.Next() {
		old = append(old, bytes.Clone(k))
	}
	for _, k := range old {
		if err := t.shopifyHooks.Delete(k[stampLen:]); err != nil {
			return err
		}
		if err := t.shopifyHookTimes.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
