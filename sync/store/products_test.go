package store

import (
	"context"
	"errors"
	"maps"
	"slices"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"
)

// prod is a product version updated at t0+at.
func prod(id, title string, at time.Duration) Product {
	return Product{ID: id, Title: title, Handle: id, Status: "active", UpdatedAt: t0.Add(at)}
}

func productIDs(ps []Product) []string {
	ids := []string{}
	for _, p := range ps {
		ids = append(ids, p.ID)
	}
	return ids
}

func upsert(t testing.TB, s *Store, ps ...Product) int {
	t.Helper()
	n, err := s.UpsertProducts(context.Background(), ps)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func deleteProduct(t testing.TB, s *Store, id string, at time.Duration) {
	t.Helper()
	if err := s.DeleteProduct(context.Background(), id, t0.Add(at)); err != nil {
		t.Fatal(err)
	}
}

// bucketLen counts the keys of one bucket.
func bucketLen(t testing.TB, s *Store, name string) int {
	t.Helper()
	var n int
	err := s.db.View(func(tx *bbolt.Tx) error {
		n = tx.Bucket([]byte(name)).Stats().KeyN
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// checkCounts asserts that every Stats counter, products included, matches
// the records actually stored, and that the title index has exactly one
// entry per product. It returns the product count.
func checkCounts(t testing.TB, s *Store) int {
	t.Helper()
	got, err := s.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	walked := countRecords(t, s)
	walked.Products = bucketLen(t, s, bucketProducts)
	if got != walked {
		t.Errorf("Stats = %+v, but the buckets hold %+v", got, walked)
	}
	if n := bucketLen(t, s, bucketProductTitles); n != walked.Products {
		t.Errorf("title index holds %d entries for %d products", n, walked.Products)
	}
	return got.Products
}

func TestUpsertProductsOutOfOrder(t *testing.T) {
	type step struct {
		ps    []Product
		wantN int
	}
	for _, tc := range []struct {
		name      string
		steps     []step
		wantTitle string
	}{
		{"newer wins", []step{{[]Product{prod("p", "A", 1)}, 1}, {[]Product{prod("p", "B", 2)}, 1}}, "B"},
		{"older ignored", []step{{[]Product{prod("p", "B", 2)}, 1}, {[]Product{prod("p", "A", 1)}, 0}}, "B"},
		{"equal time overwrites", []step{{[]Product{prod("p", "A", 1)}, 1}, {[]Product{prod("p", "A2", 1)}, 1}}, "A2"},
		{"identical redelivery writes nothing", []step{{[]Product{prod("p", "A", 1)}, 1}, {[]Product{prod("p", "A", 1)}, 0}}, "A"},
		{"newest in one call wins", []step{{[]Product{prod("p", "B", 2), prod("p", "C", 3), prod("p", "A", 1)}, 2}}, "C"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := openTemp(t)
			for i, st := range tc.steps {
				before := dump(t, s)
				if n := upsert(t, s, st.ps...); n != st.wantN {
					t.Errorf("step %d: UpsertProducts = %d, want %d", i, n, st.wantN)
				}
				if st.wantN == 0 && !maps.Equal(before, dump(t, s)) {
					t.Errorf("step %d wrote nothing but changed the file", i)
				}
			}
			p, err := s.Product(context.Background(), "p")
			if err != nil {
				t.Fatal(err)
			}
			if p.Title != tc.wantTitle || p.Status != "ACTIVE" {
				t.Errorf("Product = %+v, want title %q, status ACTIVE", p, tc.wantTitle)
			}
			if n := checkCounts(t, s); n != 1 {
				t.Errorf("Products counter = %d, want 1", n)
			}
		})
	}
}

func TestDeleteThenUpdate(t *testing.T) {
	const sec = time.Second
	type op struct {
		delete bool
		at     time.Duration
	}
	up := func(at time.Duration) op { return op{at: at} }
	del := func(at time.Duration) op { return op{delete: true, at: at} }
	for _, tc := range []struct {
		name     string
		ops      []op
		wantAt   time.Duration // UpdatedAt of the surviving product
		wantGone bool
	}{
		{"older update after delete ignored", []op{up(1 * sec), del(5 * sec), up(3 * sec)}, 0, true},
		{"update tied with delete ignored", []op{del(5 * sec), up(5 * sec)}, 0, true},
		{"newer update re-creates", []op{up(1 * sec), del(5 * sec), up(6 * sec)}, 6 * sec, false},
		{"stale delete of a newer product ignored", []op{up(5 * sec), del(3 * sec)}, 5 * sec, false},
		{"delete tied with product wins", []op{up(5 * sec), del(5 * sec)}, 0, true},
		{"delete before create: late create ignored", []op{del(5 * sec), up(1 * sec)}, 0, true},
		{"later tombstone kept", []op{del(5 * sec), del(2 * sec), up(3 * sec)}, 0, true},
		{"late delete after re-create ignored", []op{up(1 * sec), up(6 * sec), del(5 * sec)}, 6 * sec, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := openTemp(t)
			ctx := context.Background()
			for _, o := range tc.ops {
				if o.delete {
					deleteProduct(t, s, "p", o.at)
				} else {
					upsert(t, s, prod("p", "T", o.at))
				}
			}
			p, err := s.Product(ctx, "p")
			switch {
			case tc.wantGone:
				if !errors.Is(err, ErrNotFound) {
					t.Errorf("Product = %+v, %v; want ErrNotFound", p, err)
				}
			case err != nil:
				t.Errorf("Product err = %v", err)
			case !p.UpdatedAt.Equal(t0.Add(tc.wantAt)):
				t.Errorf("Product.UpdatedAt = %v, want %v", p.UpdatedAt, t0.Add(tc.wantAt))
			}
			wantProducts, wantTombs := 1, 0
			if tc.wantGone {
				wantProducts, wantTombs = 0, 1
			}
			if n := checkCounts(t, s); n != wantProducts {
				t.Errorf("Products counter = %d, want %d", n, wantProducts)
			}
			if n := bucketLen(t, s, bucketProductTombs); n != wantTombs {
				t.Errorf("%d tombstones, want %d", n, wantTombs)
			}
			if ps, _ := s.Products(ctx, "", 0); len(ps) != wantProducts {
				t.Errorf("Products lists %d, want %d", len(ps), wantProducts)
			}
		})
	}
}

func TestDeleteProductInvalid(t *testing.T) {
	s := openTemp(t)
	upsert(t, s, prod("p", "T", 0))
	before := dump(t, s)
	for _, tc := range []struct {
		id string
		at time.Time
	}{{"", t0}, {"p\x00", t0}, {"p", time.Time{}}} {
		if err := s.DeleteProduct(context.Background(), tc.id, tc.at); !errors.Is(err, ErrInvalid) {
			t.Errorf("DeleteProduct(%q, %v) err = %v, want ErrInvalid", tc.id, tc.at, err)
		}
	}
	for _, ps := range [][]Product{{{ID: ""}}, {prod("ok", "x", 0), {ID: "a\x00b"}}} {
		if _, err := s.UpsertProducts(context.Background(), ps); !errors.Is(err, ErrInvalid) {
			t.Errorf("UpsertProducts(%+v) err = %v, want ErrInvalid", ps, err)
		}
	}
	if !maps.Equal(before, dump(t, s)) {
		t.Errorf("rejected writes changed the file")
	}
}

func TestPruneProducts(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	upsert(t, s,
		prod("kept-old", "a", -2*time.Hour), // listed by the poll
		prod("gone", "b", -time.Hour),       // not listed: deleted
		prod("gone-too", "d", -3*time.Hour), // not listed: deleted
		prod("new", "c", time.Minute),       // created by a webhook during the poll
		prod("edge", "e", 0),                // updated exactly when the poll began
		// Created by a webhook in the second the poll began: Shopify's
		// updated_at is whole seconds, so it reads as before the start.
		prod("same-second", "f", 0),
		// Shopify's clock a little behind this machine's.
		prod("skewed", "g", -40*time.Second),
	)
	deleteProduct(t, s, "ancient", -8*24*time.Hour) // beyond the tombstone TTL
	deleteProduct(t, s, "recent", -24*time.Hour)

	n, err := s.PruneProducts(ctx, map[string]bool{"kept-old": true}, t0.Add(700*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("PruneProducts = %d, want 2", n)
	}
	ps, err := s.Products(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := productIDs(ps), []string{"kept-old", "new", "edge", "same-second", "skewed"}; !slices.Equal(got, want) {
		t.Errorf("after prune Products = %v, want %v", got, want)
	}
	if n := checkCounts(t, s); n != 5 {
		t.Errorf("Products counter = %d, want 5", n)
	}
	tombs := dumpBucket(t, s, bucketProductTombs)
	if _, ok := tombs[bucketProductTombs+"/recent"]; !ok || len(tombs) != 1 {
		t.Errorf("tombstones after prune = %v, want only the recent one", tombs)
	}
	// A prune leaves no tombstone: a late copy of a pruned product comes
	// back (and the next poll prunes it again).
	if n := upsert(t, s, prod("gone", "b", -time.Hour)); n != 1 {
		t.Errorf("re-upsert of a pruned product wrote %d, want 1", n)
	}
	// The next poll, an hour later, lists neither of the two kept by the
	// slack: now they are old enough to be gone.
	if n, err := s.PruneProducts(ctx, map[string]bool{"kept-old": true, "new": true, "edge": true}, t0.Add(time.Hour)); err != nil || n != 3 {
		t.Errorf("second PruneProducts = %d, %v; want 3", n, err)
	}
	checkCounts(t, s)
}

func TestProductsSearchAndOrder(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	upsert(t, s,
		Product{ID: "4", Title: "banana", Handle: "banana", UpdatedAt: t0},
		Product{ID: "2", Title: "apple", Handle: "green-apple", UpdatedAt: t0},
		Product{ID: "1", Title: "Apple", Handle: "red-apple", UpdatedAt: t0,
			Variants: []Variant{{ID: "v1", SKU: "FRU-001"}, {ID: "v2", SKU: "fru-002"}}},
		Product{ID: "3", Title: "Apple pie", Handle: "pie", UpdatedAt: t0},
		Product{ID: "5", Title: "Cherry", Handle: "cherry", UpdatedAt: t0,
			Variants: []Variant{{ID: "v3", SKU: "XL-RED"}}},
		Product{ID: "6", Title: "", Handle: "untitled", UpdatedAt: t0},
	)
	for _, tc := range []struct {
		query string
		limit int
		want  []string
	}{
		// Case-insensitive title order; "apple" ties broken by ID; an
		// empty title first; "Apple" before "Apple pie".
		{"", 0, []string{"6", "1", "2", "3", "4", "5"}},
		{"   ", 0, []string{"6", "1", "2", "3", "4", "5"}},
		{"", 2, []string{"6", "1"}},
		{"", -1, []string{"6", "1", "2", "3", "4", "5"}},
		{"APPLE", 0, []string{"1", "2", "3"}},
		{"apple", 2, []string{"1", "2"}},
		{"green", 0, []string{"2"}},    // handle
		{"fru-00", 0, []string{"1"}},   // SKU, case folded, matched once
		{"xl-red", 0, []string{"5"}},   // SKU
		{"ANAN", 0, []string{"4"}},     // inside the title
		{"untitled", 0, []string{"6"}}, // handle of an untitled product
		{"nothing like it", 0, []string{}},
	} {
		got, err := s.Products(ctx, tc.query, tc.limit)
		if err != nil {
			t.Fatal(err)
		}
		if ids := productIDs(got); !slices.Equal(ids, tc.want) {
			t.Errorf("Products(%q, %d) = %v, want %v", tc.query, tc.limit, ids, tc.want)
		}
	}
	// A rename moves the product in the listing and leaves no stale
	// index entry behind.
	upsert(t, s, Product{ID: "4", Title: "Aardvark", Handle: "banana", UpdatedAt: t0.Add(time.Second)})
	got, err := s.Products(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if ids, want := productIDs(got), []string{"6", "4", "1", "2", "3", "5"}; !slices.Equal(ids, want) {
		t.Errorf("after rename Products = %v, want %v", ids, want)
	}
	checkCounts(t, s)
	if _, err := s.Product(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Product(unknown) err = %v, want ErrNotFound", err)
	}
	if p, err := s.Product(ctx, "1"); err != nil || len(p.Variants) != 2 || p.Variants[1].SKU != "fru-002" {
		t.Errorf("Product(1) = %+v, %v", p, err)
	}
}

func TestStatsProductsCounter(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	apply(t, s, Changes{Messages: []Message{{ID: "m", PageID: "pg", PSID: "u", CreatedAt: t0, Text: "hi"}}})
	for _, tc := range []struct {
		name string
		do   func() error
		want int
	}{
		{"three new", func() error {
			_, err := s.UpsertProducts(ctx, []Product{prod("a", "A", 0), prod("b", "B", 0), prod("c", "C", 0)})
			return err
		}, 3},
		{"updates and a duplicate in one call", func() error {
			_, err := s.UpsertProducts(ctx, []Product{prod("a", "A2", 1), prod("a", "A3", 2), prod("d", "D", 0)})
			return err
		}, 4},
		{"stale update", func() error { _, err := s.UpsertProducts(ctx, []Product{prod("b", "old", -1)}); return err }, 4},
		{"delete", func() error { return s.DeleteProduct(ctx, "b", t0.Add(time.Minute)) }, 3},
		{"delete again", func() error { return s.DeleteProduct(ctx, "b", t0.Add(2*time.Minute)) }, 3},
		{"delete unknown", func() error { return s.DeleteProduct(ctx, "zz", t0) }, 3},
		{"webhook create", func() error {
			_, err := s.ApplyShopifyWebhook(ctx, "w1", t0, ShopifyChange{Upsert: []Product{prod("e", "E", 0)}})
			return err
		}, 4},
		{"webhook redelivered", func() error {
			_, err := s.ApplyShopifyWebhook(ctx, "w1", t0, ShopifyChange{Upsert: []Product{prod("e", "E", 0)}})
			return err
		}, 4},
		{"webhook delete", func() error {
			_, err := s.ApplyShopifyWebhook(ctx, "w2", t0, ShopifyChange{Delete: []string{"e", "a"}, DeletedAt: t0.Add(time.Hour)})
			return err
		}, 2},
		{"re-create after delete", func() error { _, err := s.UpsertProducts(ctx, []Product{prod("b", "B", time.Hour)}); return err }, 3},
		{"prune", func() error {
			_, err := s.PruneProducts(ctx, map[string]bool{"b": true}, t0.Add(time.Hour))
			return err
		}, 1},
		{"erase", func() error { return s.DeleteShopData(ctx) }, 0},
	} {
		if err := tc.do(); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		st, err := s.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.Products != tc.want {
			t.Errorf("%s: Stats.Products = %d, want %d", tc.name, st.Products, tc.want)
		}
		if st.Pages != 1 || st.Conversations != 1 || st.Messages != 1 {
			t.Errorf("%s: Facebook counters moved: %+v", tc.name, st)
		}
		checkCounts(t, s)
	}
}

func TestOpenAddsShopifyBuckets(t *testing.T) {
	s := openTemp(t)
	// Make the file look like one written before these buckets existed.
	err := s.db.Update(func(tx *bbolt.Tx) error {
		for _, name := range []string{bucketConns, bucketShop, bucketProducts, bucketProductTitles,
			bucketProductTombs, bucketShopifyHooks, bucketShopifyHookTimes} {
			if err := tx.DeleteBucket([]byte(name)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(s.Path(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if n, err := s2.UpsertProducts(context.Background(), []Product{prod("p", "T", 0)}); err != nil || n != 1 {
		t.Errorf("UpsertProducts after upgrade = %d, %v", n, err)
	}
	checkCounts(t, s2)
}

func TestShopifyCanceledContext(t *testing.T) {
	s := openTemp(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for name, err := range map[string]error{
		"PutConnection":  s.PutConnection(ctx, Connection{Provider: ProviderShopify}),
		"PutShop":        s.PutShop(ctx, Shop{Domain: "x.myshopify.com"}),
		"DeleteProduct":  s.DeleteProduct(ctx, "p", t0),
		"DeleteShopData": s.DeleteShopData(ctx),
	} {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s(canceled) err = %v", name, err)
		}
	}
	if _, err := s.UpsertProducts(ctx, []Product{prod("p", "T", 0)}); !errors.Is(err, context.Canceled) {
		t.Errorf("UpsertProducts(canceled) err = %v", err)
	}
	if _, err := s.ApplyShopifyWebhook(ctx, "w", t0, ShopifyChange{}); !errors.Is(err, context.Canceled) {
		t.Errorf("ApplyShopifyWebhook(canceled) err = %v", err)
	}
	if _, err := s.Products(ctx, "", 0); !errors.Is(err, context.Canceled) {
		t.Errorf("Products(canceled) err = %v", err)
	}
	if n := checkCounts(t, s); n != 0 {
		t.Errorf("canceled writes stored %d products", n)
	}
}
