package store

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	bbolt "go.etcd.io/bbolt"
)

// Shop is the Shopify shop the app is installed on. An install serves one
// shop, so the store holds at most one.
type Shop struct {
	// Domain is the shop's myshopify domain ("name.myshopify.com"), its
	// stable identity and the record's key. It is stored lower-case, as
	// Shopify writes it, so a differently cased copy is the same shop.
	Domain        string    `json:"domain"`
	Name          string    `json:"name,omitempty"`
	PrimaryDomain string    `json:"primary_domain,omitempty"` // what customers see, e.g. "shop.example.com"
	Currency      string    `json:"currency,omitempty"`       // ISO 4217
	UpdatedAt     time.Time `json:"updated_at,omitzero"`
}

// PutShop records the shop, replacing the stored record.
//
// When sh is a different shop from the stored one (the merchant connected
// another store), the previous shop's record, catalogue and tombstones
// are erased in the same transaction: an install serves one shop, and
// the old catalogue would otherwise show up as the new shop's products.
func (s *Store) PutShop(ctx context.Context, sh Shop) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: put shop: %w", err)
	}
	sh.Domain = strings.ToLower(sh.Domain)
	if err := checkID("shop", 0, "Domain", sh.Domain); err != nil {
		return fmt.Errorf("store: put shop: %w", err)
	}
	sh.UpdatedAt = sh.UpdatedAt.UTC()
	err := s.write(func(t *txn) error {
		if k, _ := t.shop.Cursor().First(); k != nil && !bytes.Equal(k, []byte(sh.Domain)) {
			if err := t.eraseShop(); err != nil {
				return err
			}
		}
		return putIfChanged(t.shop, []byte(sh.Domain), sh)
	})
	if err != nil {
		return fmt.Errorf("store: put shop %s: %w", sh.Domain, err)
	}
	return nil
}

// Shop returns the shop, or ErrNotFound before one is connected (or after
// DeleteShopData).
func (s *Store) Shop(ctx context.Context) (Shop, error) {
	if err := ctx.Err(); err != nil {
		return Shop{}, fmt.Errorf("store: shop: %w", err)
	}
	var sh Shop
	err := s.view(func(b buckets) error {
		k, v := b.shop.Cursor().First()
		if k == nil {
			return ErrNotFound
		}
		return decode(k, v, &sh)
	})
	if err != nil {
		return Shop{}, fmt.Errorf("store: shop: %w", err)
	}
	return sh, nil
}

// DeleteShopData erases the shop record and every product and tombstone,
// in one transaction: it is how shop/redact (and the cleanup after
// app/uninstalled) is honoured, and what Shopify asks to delete is then
// gone, not half gone.
//
// Left in place: the Facebook data, which is not Shopify's; the
// connection records, which status needs to say why Shopify is
// disconnected; and the seen webhook ids, which hold no shop data and
// keep a redelivered shop/redact from being run twice.
func (s *Store) DeleteShopData(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: delete shop data: %w", err)
	}
	if err := s.write(func(t *txn) error { return t.eraseShop() }); err != nil {
		return fmt.Errorf("store: delete shop data: %w", err)
	}
	return nil
}

// eraseShop empties every shop bucket and zeroes the product counter.
func (t *txn) eraseShop() error {
	for _, b := range []*bbolt.Bucket{t.shop, t.products, t.productTitles, t.productTombs, t.productSearch} {
		if err := clearBucket(b); err != nil {
			return err
		}
	}
	t.addProducts(-t.stats.Products)
	return nil
}

// clearBucket deletes every key of b. The keys are collected first:
// deleting under a cursor that is walking the same bucket can skip keys.
// A catalogue is thousands of keys, so holding them is cheap.
func clearBucket(b *bbolt.Bucket) error {
	var keys [][]byte
	c := b.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		keys = append(keys, bytes.Clone(k))
	}
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// addProducts moves the product counter by delta.
func (t *txn) addProducts(delta int) {
	if delta != 0 {
		t.stats.Products += delta
		t.statsDirty = true
	}
}
