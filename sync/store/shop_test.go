package store

import (
	"context"
	"errors"
	"maps"
	"strings"
	"testing"
	"time"
)

func TestShopRoundTrip(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	if _, err := s.Shop(ctx); !errors.Is(err, ErrNotFound) {
		t.Errorf("Shop(none) err = %v, want ErrNotFound", err)
	}
	zone := time.FixedZone("X", -5*3600)
	for _, tc := range []struct {
		name         string
		put          Shop
		want         Shop
		wantProducts int // catalogue left after the put
	}{
		{"first", Shop{Domain: "Demo.myshopify.com", Name: "Demo", Currency: "EUR", UpdatedAt: time.Date(2025, 1, 1, 0, 0, 0, 0, zone)},
			Shop{Domain: "demo.myshopify.com", Name: "Demo", Currency: "EUR", UpdatedAt: time.Date(2025, 1, 1, 5, 0, 0, 0, time.UTC)}, 2},
		{"same shop updated keeps the catalogue", Shop{Domain: "demo.myshopify.com", Name: "Demo Store", PrimaryDomain: "demo.example", Currency: "EUR"},
			Shop{Domain: "demo.myshopify.com", Name: "Demo Store", PrimaryDomain: "demo.example", Currency: "EUR"}, 2},
		{"another shop replaces the old one and its catalogue", Shop{Domain: "other.myshopify.com", Name: "Other"},
			Shop{Domain: "other.myshopify.com", Name: "Other"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "first" {
				upsert(t, s, prod("p1", "A", 0), prod("p2", "B", 0))
				deleteProduct(t, s, "p3", 0)
			}
			if err := s.PutShop(ctx, tc.put); err != nil {
				t.Fatal(err)
			}
			got, err := s.Shop(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got.Domain != tc.want.Domain || got.Name != tc.want.Name || got.PrimaryDomain != tc.want.PrimaryDomain ||
				got.Currency != tc.want.Currency || !got.UpdatedAt.Equal(tc.want.UpdatedAt) || got.UpdatedAt.Location() != time.UTC {
				t.Errorf("Shop = %+v, want %+v", got, tc.want)
			}
			if n := bucketLen(t, s, bucketShop); n != 1 {
				t.Errorf("shop bucket holds %d records, want 1", n)
			}
			if n := checkCounts(t, s); n != tc.wantProducts {
				t.Errorf("Products counter = %d, want %d", n, tc.wantProducts)
			}
			if tc.wantProducts == 0 && bucketLen(t, s, bucketProductTombs) != 0 {
				t.Errorf("the previous shop's tombstones survived")
			}
		})
	}
	before := dump(t, s)
	for _, domain := range []string{"", "a\x00b", strings.Repeat("x", maxIDLen+1)} {
		if err := s.PutShop(ctx, Shop{Domain: domain}); !errors.Is(err, ErrInvalid) {
			t.Errorf("PutShop(%q) err = %v, want ErrInvalid", domain, err)
		}
	}
	if !maps.Equal(before, dump(t, s)) {
		t.Errorf("rejected PutShop changed the file")
	}
}

// shopBuckets are the buckets DeleteShopData must empty.
var shopBuckets = []string{bucketShop, bucketProducts, bucketProductTitles, bucketProductTombs, bucketProductSearch}

func TestDeleteShopDataKeepsFacebook(t *testing.T) {
	for _, tc := range []struct {
		name  string
		erase func(s *Store) error
	}{
		{"DeleteShopData", func(s *Store) error { return s.DeleteShopData(context.Background()) }},
		{"shop/redact webhook", func(s *Store) error {
			_, err := s.ApplyShopifyWebhook(context.Background(), "redact-1", t0, ShopifyChange{EraseShop: true})
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := openTemp(t)
			ctx := context.Background()
			apply(t, s, Changes{
				Pages:     []Page{{ID: "pg", Name: "Page"}},
				Messages:  []Message{{ID: "m1", PageID: "pg", PSID: "u", Direction: Incoming, CreatedAt: t0, Text: "is the mug in stock?"}},
				Reactions: []Reaction{{MessageID: "m-later", Emoji: "👍", At: t0}},
			})
			if err := s.PutSyncState(ctx, SyncState{PageID: "pg", LastSuccess: t0}); err != nil {
				t.Fatal(err)
			}
			for _, c := range []Connection{{Provider: ProviderFacebook, Account: "Ann"}, {Provider: ProviderShopify, Account: "demo.myshopify.com"}} {
				if err := s.PutConnection(ctx, c); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.PutShop(ctx, Shop{Domain: "demo.myshopify.com", Name: "Demo"}); err != nil {
				t.Fatal(err)
			}
			upsert(t, s, prod("p1", "Mug", 0), prod("p2", "Cup", 0))
			deleteProduct(t, s, "p3", 0)
			if _, err := s.ApplyShopifyWebhook(ctx, "w-old", t0, ShopifyChange{}); err != nil {
				t.Fatal(err)
			}
			before := dump(t, s)

			if err := tc.erase(s); err != nil {
				t.Fatal(err)
			}

			after := dump(t, s)
			for _, name := range shopBuckets {
				if n := bucketLen(t, s, name); n != 0 {
					t.Errorf("bucket %s still holds %d keys", name, n)
				}
			}
			if _, err := s.Shop(ctx); !errors.Is(err, ErrNotFound) {
				t.Errorf("Shop after erase err = %v, want ErrNotFound", err)
			}
			if ps, err := s.Products(ctx, "", 0); err != nil || len(ps) != 0 {
				t.Errorf("Products after erase = %+v, %v", ps, err)
			}
			// Everything else is exactly as it was: Facebook data,
			// connections, seen webhook ids (plus the redact's own).
			for k, v := range before {
				if isShopKey(k) || k == bucketMeta+"/"+metaStats {
					continue
				}
				if after[k] != v {
					t.Errorf("%q changed: %q -> %q", k, v, after[k])
				}
			}
			for k := range after {
				if _, ok := before[k]; !ok && !strings.HasPrefix(k, bucketShopifyHooks+"/") && !strings.HasPrefix(k, bucketShopifyHookTimes+"/") {
					t.Errorf("erase added %q", k)
				}
			}
			st, err := s.Stats(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if want := (Stats{Pages: 1, Conversations: 1, Messages: 1}); st != want {
				t.Errorf("Stats = %+v, want %+v", st, want)
			}
			checkCounts(t, s)
		})
	}
}

func isShopKey(k string) bool {
	for _, name := range shopBuckets {
		if strings.HasPrefix(k, name+"/") {
			return true
		}
	}
	return false
}
