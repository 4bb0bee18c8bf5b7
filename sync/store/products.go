package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Product is one product of the shop's catalogue, as the merchant quotes
// it in replies: enough to answer "is it in stock, what does it cost, send
// me the link".
type Product struct {
	ID     string `json:"id"` // "gid://shopify/Product/123"
	Title  string `json:"title,omitempty"`
	Handle string `json:"handle,omitempty"`
	Vendor string `json:"vendor,omitempty"`
	// Status is ACTIVE, DRAFT or ARCHIVED, stored upper-case (GraphQL's
	// form; REST webhooks write it lower-case). Other values are kept
	// as they are, so a status Shopify adds later is not refused.
	Status         string    `json:"status,omitempty"`
	URL            string    `json:"url,omitempty"`
	ImageURL       string    `json:"image_url,omitempty"`
	TotalInventory int       `json:"total_inventory"`
	Variants       []Variant `json:"variants,omitempty"`
	// UpdatedAt is Shopify's updated_at. It orders deliveries of the same
	// product: see UpsertProducts.
	UpdatedAt time.Time `json:"updated_at"`
}

// Variant is one purchasable variant of a product.
type Variant struct {
	ID                string `json:"id"`
	Title             string `json:"title,omitempty"`
	SKU               string `json:"sku,omitempty"`
	Price             string `json:"price,omitempty"` // decimal string in the shop's currency
	InventoryQuantity int    `json:"inventory_quantity"`
}

// tombstoneTTL is how long a deletion is remembered. It only has to
// outlast the late deliveries it guards against: Shopify retries a
// webhook for 4 hours, and a catalogue poll takes minutes.
const tombstoneTTL = 7 * 24 * time.Hour

// normalizeProducts validates ps and returns them as stored (upper-case
// status, UTC time, own Variants), before any transaction: a bad product
// fails the call up front instead of a shared group commit, and the
// transaction, which may run again, never shares the caller's slices.
func normalizeProducts(list string, ps []Product) ([]Product, error) {
	out := make([]Product, len(ps))
	for i, p := range ps {
		if err := checkID(list, i, "ID", p.ID); err != nil {
			return nil, err
		}
		p.Status = strings.ToUpper(p.Status)
		p.UpdatedAt = p.UpdatedAt.UTC()
		p.Variants = slices.Clone(p.Variants)
		out[i] = p
	}
	return out, nil
}

// UpsertProducts stores ps, resolving out-of-order deliveries (a poll and
// webhooks, or webhook retries, can bring an older version after a newer
// one) by UpdatedAt:
//
//   - an incoming product older than the stored one is ignored;
//   - one not newer than its deletion tombstone is ignored (on equal
//     times the deletion wins), and a newer one re-creates the product;
//   - otherwise it replaces the stored record whole, so equal UpdatedAt
//     overwrites and redelivering the same product is a no-op.
//
// Within ps, later entries for the same ID are judged against earlier
// ones. It returns how many products were actually written: created or
// changed, not ignored as stale and not identical to what was stored.
func (s *Store) UpsertProducts(ctx context.Context, ps []Product) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("store: upsert products: %w", err)
	}
	ps, err := normalizeProducts("products", ps)
	if err != nil {
		return 0, fmt.Errorf("store: upsert products: %w", err)
	}
	if len(ps) == 0 {
		return 0, nil
	}
	var n int
	err = s.write(func(t *txn) error {
		var err error
		n, err = t.upsertProducts(ps) // assigned on every run; the last one counts
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: upsert products: %w", err)
	}
	return n, nil
}

func (t *txn) upsertProducts(ps []Product) (int, error) {
	n := 0
	for _, p := range ps {
		written, err := t.upsertProduct(p)
		if err != nil {
			return 0, err
		}
		if written {
			n++
		}
	}
	return n, nil
}

// upsertProduct applies the rules of UpsertProducts to one product (already
// normalized) and reports whether it wrote anything.
func (t *txn) upsertProduct(p Product) (bool, error) {
	id := []byte(p.ID)
	var old Product
	existed, err := getJSON(t.products, id, &old)
	if err != nil {
		return false, err
	}
	if existed && p.UpdatedAt.Before(old.UpdatedAt) {
		return false, nil
	}
	if !existed {
		deleted, ok, err := t.tombstone(id)
		if err != nil {
			return false, err
		}
		if ok && !p.UpdatedAt.After(deleted) {
			return false, nil
		}
	}
	data, err := json.Marshal(p)
	if err != nil {
		return false, fmt.Errorf("encode product %q: %w", p.ID, err)
	}
	if existed && bytes.Equal(t.products.Get(id), data) {
		return false, nil
	}
	if err := t.products.Put(id, data); err != nil {
		return false, err
	}
	if existed {
		if err := t.productSearch.Delete(productSearchKey(old)); err != nil {
			return false, err
		}
	}
	if err := t.productSearch.Put(productSearchKey(p), productWords(p)); err != nil {
		return false, err
	}
	newKey := titleKey(p.Title, p.ID)
	if existed {
		if oldKey := titleKey(old.Title, old.ID); !bytes.Equal(oldKey, newKey) {
			if err := t.productTitles.Delete(oldKey); err != nil {
				return false, err
			}
		}
	} else {
		t.addProducts(1)
		// A product re-created after its deletion no longer needs the
		// tombstone; the stored record now guards against older copies.
		if err := t.productTombs.Delete(id); err != nil {
			return false, err
		}
	}
	return true, t.productTitles.Put(newKey, nil)
}

// tombstone returns when the product was deleted, if a tombstone exists.
func (t *txn) tombstone(id []byte) (at time.Time, ok bool, err error) {
	ok, err = getJSON(t.productTombs, id, &at)
	return at, ok, err
}

// DeleteProduct removes a product and leaves a tombstone holding at, the
// deletion time: products/delete carries no updated_at, so the caller
// passes the delivery's X-Shopify-Triggered-At. The tombstone makes a
// late, older update leave the product deleted, while a newer one
// re-creates it (see UpsertProducts).
//
// The same rule runs the other way: a deletion older than the stored
// product is a late delivery about a version that has since been
// replaced, and is ignored (on equal times the deletion wins). Deleting
// an unknown product is not an error; it still leaves the tombstone, since
// the update it overtook may yet arrive. A zero at is ErrInvalid: it
// would order before every update and so delete nothing.
func (s *Store) DeleteProduct(ctx context.Context, id string, at time.Time) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: delete product: %w", err)
	}
	if err := checkDeletion("products", 0, id, at); err != nil {
		return fmt.Errorf("store: delete product: %w", err)
	}
	at = at.UTC()
	if err := s.write(func(t *txn) error { return t.deleteProduct(id, at) }); err != nil {
		return fmt.Errorf("store: delete product %s: %w", id, err)
	}
	return nil
}

// checkDeletion validates a product id and the deletion time.
func checkDeletion(list string, i int, id string, at time.Time) error {
	if err := checkID(list, i, "ID", id); err != nil {
		return err
	}
	if at.IsZero() {
		return fmt.Errorf("%w: deletion of %s has no time", ErrInvalid, id)
	}
	return nil
}

func (t *txn) deleteProduct(id string, at time.Time) error {
	key := []byte(id)
	var old Product
	existed, err := getJSON(t.products, key, &old)
	if err != nil {
		return err
	}
	if existed {
		if at.Before(old.UpdatedAt) {
			return nil
		}
		if err := t.removeProduct(old); err != nil {
			return err
		}
	}
	deleted, ok, err := t.tombstone(key)
	if err != nil {
		return err
	}
	if ok {
		at = later(deleted, at)
	}
	return putIfChanged(t.productTombs, key, at)
}

// removeProduct deletes a stored product and its title index entry.
func (t *txn) removeProduct(p Product) error {
	if err := t.products.Delete([]byte(p.ID)); err != nil {
		return err
	}
	if err := t.productTitles.Delete(titleKey(p.Title, p.ID)); err != nil {
		return err
	}
	if err := t.productSearch.Delete(productSearchKey(p)); err != nil {
		return err
	}
	t.addProducts(-1)
	return nil
}

// pruneSlack is how long before a poll's start a product not listed by it
// must have been updated to be pruned. UpdatedAt is Shopify's, in whole
// seconds and by Shopify's clock, while the poll's start is this
// machine's: a product created by a webhook in the second the poll began,
// or with a clock a little ahead, would otherwise look older than the
// poll and be deleted although the shop has it. Keeping a product the
// shop deleted until the next poll (its products/delete webhook normally
// removes it first) is the cheaper mistake.
const pruneSlack = 2 * time.Minute

// PruneProducts deletes the products that are not in keep and whose
// UpdatedAt is more than pruneSlack before before, and returns how many it
// deleted. It is the end of a full catalogue poll that started at before:
// what the shop no longer lists is gone, while a product created or
// updated since the poll began (known from a webhook) is kept. Call it
// only after a poll that completed; an empty keep empties the catalogue.
//
// Pruning leaves no tombstone: a prune is an inference, not a deletion
// Shopify reported, and a tombstone from it could hide a product a
// webhook brings in later if the machine's clock runs ahead of Shopify's.
// A stale update that resurrects a pruned product is pruned again by the
// next poll. PruneProducts also forgets deletions older than before by
// more than seven days, which no late delivery can still overtake, so the
// tombstones stay bounded.
func (s *Store) PruneProducts(ctx context.Context, keep map[string]bool, before time.Time) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("store: prune products: %w", err)
	}
	before = before.UTC()
	var n int
	err := s.write(func(t *txn) error {
		var err error
		n, err = t.pruneProducts(keep, before)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: prune products: %w", err)
	}
	return n, nil
}

func (t *txn) pruneProducts(keep map[string]bool, before time.Time) (int, error) {
	var gone []Product
	err := t.products.ForEach(func(k, v []byte) error {
		if keep[string(k)] {
			return nil
		}
		var p Product
		if err := decode(k, v, &p); err != nil {
			return err
		}
		if p.UpdatedAt.Before(before.Add(-pruneSlack)) {
			gone = append(gone, p)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, p := range gone {
		if err := t.removeProduct(p); err != nil {
			return 0, err
		}
	}
	return len(gone), t.pruneTombstones(before.Add(-tombstoneTTL))
}

// pruneTombstones forgets deletions before horizon. Tombstones are few
// (one per deleted product), so they are simply walked.
func (t *txn) pruneTombstones(horizon time.Time) error {
	var old [][]byte
	err := t.productTombs.ForEach(func(k, v []byte) error {
		var at time.Time
		if err := decode(k, v, &at); err != nil {
			return err
		}
		if at.Before(horizon) {
			old = append(old, bytes.Clone(k))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range old {
		if err := t.productTombs.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
