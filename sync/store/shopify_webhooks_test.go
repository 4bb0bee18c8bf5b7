package store

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestApplyShopifyWebhookDedupe(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		change ShopifyChange
		check  func(t *testing.T, s *Store)
	}{
		{"upsert", ShopifyChange{Upsert: []Product{prod("p1", "Mug v2", time.Hour)}}, func(t *testing.T, s *Store) {
			if p, err := s.Product(ctx, "p1"); err != nil || p.Title != "Mug v2" {
				t.Errorf("Product = %+v, %v; want the update", p, err)
			}
		}},
		{"delete", ShopifyChange{Delete: []string{"p1"}, DeletedAt: t0.Add(time.Hour)}, func(t *testing.T, s *Store) {
			if _, err := s.Product(ctx, "p1"); !errors.Is(err, ErrNotFound) {
				t.Errorf("Product err = %v, want ErrNotFound", err)
			}
		}},
		{"uninstall", ShopifyChange{Disconnect: &Disconnect{Account: "demo.myshopify.com", At: t0, Note: "app uninstalled from Shopify"}},
			func(t *testing.T, s *Store) {
				c, err := s.Connection(ctx, ProviderShopify)
				if err != nil || !c.Disconnected || !c.DisconnectedAt.Equal(t0) || c.Note == "" || len(c.Scopes) != 1 {
					t.Errorf("Connection = %+v, %v; want disconnected at t0, scopes kept", c, err)
				}
			}},
		{"redact", ShopifyChange{EraseShop: true}, func(t *testing.T, s *Store) {
			if n := checkCounts(t, s); n != 0 {
				t.Errorf("%d products after redact", n)
			}
		}},
		{"nothing to change", ShopifyChange{}, func(t *testing.T, s *Store) {}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := openTemp(t)
			upsert(t, s, prod("p1", "Mug", 0))
			if err := s.PutConnection(ctx, Connection{Provider: ProviderShopify, Account: "demo.myshopify.com",
				Scopes: []string{"read_products"}, ConnectedAt: t0.Add(-time.Hour)}); err != nil {
				t.Fatal(err)
			}
			out, err := s.ApplyShopifyWebhook(ctx, "wh-1", t0, tc.change)
			if err != nil || out != ShopifyApplied {
				t.Fatalf("first delivery: outcome %v, err %v", out, err)
			}
			tc.check(t, s)
			if _, ok := dumpBucket(t, s, bucketShopifyHooks)[bucketShopifyHooks+"/wh-1"]; !ok {
				t.Errorf("webhook id not recorded")
			}
			before := dump(t, s)
			// A redelivery, even one carrying a different change, is
			// recognised by its id alone and changes nothing.
			out, err = s.ApplyShopifyWebhook(ctx, "wh-1", t0.Add(time.Minute), ShopifyChange{
				Upsert: []Product{prod("p9", "Other", 2*time.Hour)}, EraseShop: true})
			if err != nil || out != ShopifyDuplicate {
				t.Fatalf("redelivery: outcome %v, err %v; want ShopifyDuplicate", out, err)
			}
			if !maps.Equal(before, dump(t, s)) {
				t.Errorf("redelivery changed the file")
			}
			checkCounts(t, s)
		})
	}
}

func TestApplyShopifyWebhookInvalid(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	upsert(t, s, prod("p1", "Mug", 0))
	before := dump(t, s)
	for _, tc := range []struct {
		name   string
		id     string
		at     time.Time
		change ShopifyChange
	}{
		{"no webhook id", "", t0, ShopifyChange{}},
		{"NUL in webhook id", "w\x00", t0, ShopifyChange{}},
		{"no delivery time", "w", time.Time{}, ShopifyChange{}},
		{"product without id", "w", t0, ShopifyChange{Upsert: []Product{prod("ok", "x", 0), {Title: "no id"}}}},
		{"delete without time", "w", t0, ShopifyChange{Delete: []string{"p1"}}},
		{"delete of empty id", "w", t0, ShopifyChange{Delete: []string{""}, DeletedAt: t0}},
		{"disconnect without time", "w", t0, ShopifyChange{Disconnect: &Disconnect{Account: "demo.myshopify.com"}}},
		{"disconnect without shop", "w", t0, ShopifyChange{Disconnect: &Disconnect{At: t0}}},
	} {
		if _, err := s.ApplyShopifyWebhook(ctx, tc.id, tc.at, tc.change); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", tc.name, err)
		}
	}
	if !maps.Equal(before, dump(t, s)) {
		t.Errorf("rejected deliveries changed the file (and would now be deduped)")
	}
}

func TestShopifyWebhookIDsPruned(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	const day = 24 * time.Hour
	deliver := func(id string, at time.Time) bool {
		t.Helper()
		out, err := s.ApplyShopifyWebhook(ctx, id, at, ShopifyChange{})
		if err != nil {
			t.Fatal(err)
		}
		return out == ShopifyDuplicate
	}
	deliver("old", t0)
	deliver("edge", t0.Add(day))
	deliver("mid", t0.Add(3*day))
	// A late delivery stamped earlier than what was seen prunes nothing
	// newer than its own horizon.
	deliver("late", t0.Add(2*day))
	if n := bucketLen(t, s, bucketShopifyHooks); n != 4 {
		t.Fatalf("%d ids kept before any is 7 days old, want 4", n)
	}
	// Exactly 7 days after "edge": "old" (8 days) goes, "edge" stays.
	deliver("new", t0.Add(8*day))
	for _, tc := range []struct {
		id   string
		kept bool
	}{{"old", false}, {"edge", true}, {"late", true}, {"mid", true}, {"new", true}} {
		_, kept := dumpBucket(t, s, bucketShopifyHooks)[bucketShopifyHooks+"/"+tc.id]
		if kept != tc.kept {
			t.Errorf("id %q kept = %v, want %v", tc.id, kept, tc.kept)
		}
	}
	if a, b := bucketLen(t, s, bucketShopifyHooks), bucketLen(t, s, bucketShopifyHookTimes); a != 4 || b != 4 {
		t.Errorf("ids %d, time index %d; want 4 and 4", a, b)
	}
	if !deliver("mid", t0.Add(8*day)) {
		t.Errorf("a kept id was not recognised as a redelivery")
	}
	if deliver("old", t0.Add(8*day)) {
		t.Errorf("a pruned id was still reported as a redelivery")
	}
}

// TestShopifyConcurrent races webhooks (each delivered twice), polls and
// deletions for the same products in random order, beside writes that fail
// inside the shared transaction and so make the committer re-run the
// others. Because every merge rule orders by time, the result must be the
// same as in any sequential order.
func TestShopifyConcurrent(t *testing.T) {
	const (
		products = 10
		versions = 5
	)
	s := openTemp(t)
	ctx := context.Background()
	var ops []func() error
	var firsts atomic.Int64 // deliveries that were not duplicates
	for p := range products {
		id := fmt.Sprintf("p%d", p)
		// Products 0-4 are deleted between versions 3 and 4 and so
		// re-created by version 4; 5-9 are deleted after version 5.
		deletedAt := t0.Add(3*time.Second + 500*time.Millisecond)
		if p >= products/2 {
			deletedAt = t0.Add(10 * time.Second)
		}
		ops = append(ops, func() error { return s.DeleteProduct(ctx, id, deletedAt) })
		for v := 1; v <= versions; v++ {
			pv := prod(id, fmt.Sprintf("%s v%d", id, v), time.Duration(v)*time.Second)
			hook := fmt.Sprintf("%s-v%d", id, v)
			for range 2 { // every webhook is delivered twice, concurrently
				ops = append(ops, func() error {
					out, err := s.ApplyShopifyWebhook(ctx, hook, t0, ShopifyChange{Upsert: []Product{pv}})
					if err == nil && out == ShopifyApplied {
						firsts.Add(1)
					}
					return err
				})
			}
			ops = append(ops, func() error { _, err := s.UpsertProducts(ctx, []Product{pv}); return err })
		}
	}
	for range 10 {
		ops = append(ops, func() error {
			if err := s.SetNeedsLogin(ctx, "no-such-page", true); !errors.Is(err, ErrNotFound) {
				return fmt.Errorf("SetNeedsLogin(unknown) err = %v, want ErrNotFound", err)
			}
			return nil
		}, func() error {
			_, err := s.Products(ctx, "v", 0) // readers beside the writers
			return err
		})
	}
	rand.Shuffle(len(ops), func(i, j int) { ops[i], ops[j] = ops[j], ops[i] })

	var wg sync.WaitGroup
	errs := make(chan error, len(ops))
	for _, op := range ops {
		wg.Go(func() { errs <- op() })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}

	if n := firsts.Load(); n != products*versions {
		t.Errorf("%d deliveries applied, want %d (one per webhook id)", n, products*versions)
	}
	for p := range products {
		id := fmt.Sprintf("p%d", p)
		got, err := s.Product(ctx, id)
		if p >= products/2 {
			if !errors.Is(err, ErrNotFound) {
				t.Errorf("%s = %+v, %v; want deleted", id, got, err)
			}
			continue
		}
		if want := fmt.Sprintf("%s v%d", id, versions); err != nil || got.Title != want {
			t.Errorf("%s = %+v, %v; want title %q", id, got, err, want)
		}
	}
	if n := checkCounts(t, s); n != products/2 {
		t.Errorf("Products counter = %d, want %d", n, products/2)
	}
	if n := bucketLen(t, s, bucketProductTombs); n != products/2 {
		t.Errorf("%d tombstones, want %d", n, products/2)
	}
}

// TestApplyShopifyWebhookStale: an uninstall or redact about an install the
// merchant has since replaced changes nothing but is remembered; the check
// is made inside the write, against the record as it is then.
func TestApplyShopifyWebhookStale(t *testing.T) {
	ctx := context.Background()
	reconnected := Connection{Provider: ProviderShopify, Account: "demo.myshopify.com", ConnectedAt: t0.Add(time.Hour)}
	for _, tc := range []struct {
		name   string
		stored Connection
		at     time.Time
		want   ShopifyOutcome
	}{
		{"uninstall before the reconnect", reconnected, t0, ShopifyStale},
		{"uninstall after the connect", reconnected, t0.Add(2 * time.Hour), ShopifyApplied},
		{"uninstall at the connect's instant", reconnected, t0.Add(time.Hour), ShopifyApplied},
		{"already disconnected", Connection{Provider: ProviderShopify, Account: "demo.myshopify.com", ConnectedAt: t0.Add(time.Hour),
			Disconnected: true, DisconnectedAt: t0.Add(90 * time.Minute)}, t0, ShopifyApplied},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := openTemp(t)
			upsert(t, s, prod("p1", "Mug", 0))
			if err := s.PutConnection(ctx, tc.stored); err != nil {
				t.Fatal(err)
			}
			before := dump(t, s)
			out, err := s.ApplyShopifyWebhook(ctx, "redact-1", tc.at, ShopifyChange{EraseShop: true,
				Disconnect: &Disconnect{Account: "demo.myshopify.com", At: tc.at, Note: "redact"}})
			if err != nil || out != tc.want {
				t.Fatalf("outcome %v, err %v; want %v", out, err, tc.want)
			}
			c, _ := s.Connection(ctx, ProviderShopify)
			_, errProduct := s.Product(ctx, "p1")
			switch tc.want {
			case ShopifyStale:
				after := dump(t, s)
				for k, v := range before {
					if after[k] != v {
						t.Errorf("a stale delivery changed %s", k)
					}
				}
				if c.Disconnected || errProduct != nil {
					t.Errorf("stale delivery: connection %+v, product err %v; want both untouched", c, errProduct)
				}
				if out, _ := s.ApplyShopifyWebhook(ctx, "redact-1", tc.at, ShopifyChange{}); out != ShopifyDuplicate {
					t.Errorf("the stale delivery's id was not remembered: %v", out)
				}
			default:
				if !c.Disconnected || !c.DisconnectedAt.Equal(tc.at) || !errors.Is(errProduct, ErrNotFound) {
					t.Errorf("applied delivery: connection %+v, product err %v", c, errProduct)
				}
			}
		})
	}
}
