package store

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"
)

func TestSearchProducts(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	upsert(t, s,
		Product{ID: "1", Title: "Café Mug", Handle: "cafe-mug", Vendor: "Kaffee & Co", Status: "ACTIVE", UpdatedAt: t0,
			Variants: []Variant{{ID: "v1", SKU: "MUG-1234"}}},
		Product{ID: "2", Title: "Blue Mug", Handle: "blue-mug", Vendor: "Potter", Status: "DRAFT", UpdatedAt: t0},
		Product{ID: "3", Title: "Mug, Blue (old)", Handle: "old-blue-mug", Vendor: "Potter", Status: "ARCHIVED", UpdatedAt: t0},
		Product{ID: "4", Title: "Apron", Handle: "apron", Vendor: "Ørsted Textiles", Status: "active", UpdatedAt: t0,
			Variants: []Variant{{ID: "v4", SKU: "APR-RED"}}},
		Product{ID: "5", Title: "Teapot", Handle: "teapot", Vendor: "Potter", Status: "ACTIVE", UpdatedAt: t0},
	)
	for _, tc := range []struct {
		query string
		limit int
		want  []string
	}{
		// Active first (by title), then drafts, then archived.
		{"", 0, []string{"4", "1", "5", "2", "3"}},
		{"", 2, []string{"4", "1"}},
		{"mug", 0, []string{"1", "2", "3"}},
		{"MUG", 1, []string{"1"}},
		{"cafe", 0, []string{"1"}},          // accent folded
		{"CAFÉ", 0, []string{"1"}},          // both ways
		{"blue mug", 0, []string{"2", "3"}}, // every word, any order
		{"1234", 0, []string{"1"}},          // inside a SKU
		{"mug-12", 0, []string{"1"}},        // SKU as typed
		{"apr-red", 0, []string{"4"}},
		{"potter", 0, []string{"5", "2", "3"}}, // vendor
		{"orsted", 0, []string{"4"}},           // ø spelt out
		{"old-blue", 0, []string{"3"}},         // handle
		{"teapot blue", 0, []string{}},
	} {
		got, err := s.SearchProducts(ctx, tc.query, tc.limit)
		if err != nil {
			t.Fatal(err)
		}
		if ids := productIDs(got); !slices.Equal(ids, tc.want) {
			t.Errorf("SearchProducts(%q, %d) = %v, want %v", tc.query, tc.limit, ids, tc.want)
		}
	}

	// A status change moves the product; a rename changes what it is
	// found by; a deletion and a prune drop it. No stale entry is left.
	upsert(t, s, Product{ID: "2", Title: "Blue Mug", Handle: "blue-mug", Vendor: "Potter", Status: "ACTIVE", UpdatedAt: t0.Add(time.Second)})
	upsert(t, s, Product{ID: "5", Title: "Kettle", Handle: "kettle", Vendor: "Smith", Status: "ACTIVE", UpdatedAt: t0.Add(time.Second)})
	deleteProduct(t, s, "4", 2*time.Second)
	if got := searchIDs(t, s, ""); !slices.Equal(got, []string{"2", "1", "5", "3"}) {
		t.Errorf("after changes: %v", got)
	}
	if got := searchIDs(t, s, "potter"); !slices.Equal(got, []string{"2", "3"}) {
		t.Errorf("vendor after rename: %v", got)
	}
	if _, err := s.PruneProducts(ctx, map[string]bool{"1": true}, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got := searchIDs(t, s, ""); !slices.Equal(got, []string{"1"}) {
		t.Errorf("after prune: %v", got)
	}
	if n := bucketLen(t, s, bucketProductSearch); n != 1 {
		t.Errorf("%d search entries for 1 product", n)
	}
	// Connecting another shop erases the old catalogue, index included.
	if err := s.PutShop(ctx, Shop{Domain: "a.myshopify.com"}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutShop(ctx, Shop{Domain: "b.myshopify.com"}); err != nil {
		t.Fatal(err)
	}
	if got := searchIDs(t, s, ""); len(got) != 0 {
		t.Errorf("after another shop: %v", got)
	}
	if n := bucketLen(t, s, bucketProductSearch); n != 0 {
		t.Errorf("%d search entries left of the old shop", n)
	}
}

func searchIDs(t *testing.T, s *Store, q string) []string {
	t.Helper()
	got, err := s.SearchProducts(context.Background(), q, 0)
	if err != nil {
		t.Fatal(err)
	}
	return productIDs(got)
}

// catalogue is n products with varied titles, vendors, SKUs and statuses.
func catalogue(n int) []Product {
	adjectives := []string{"Blue", "Red", "Café", "Large", "Small", "Organic", "Vintage", "Ceramic"}
	nouns := []string{"Mug", "Teapot", "Apron", "Bowl", "Plate", "Candle", "Scarf", "Poster"}
	vendors := []string{"Potter", "Kaffee & Co", "Ørsted Textiles", "Smith", "Atelier Noël"}
	statuses := []string{"ACTIVE", "ACTIVE", "ACTIVE", "DRAFT", "ARCHIVED"}
	ps := make([]Product, n)
	for i := range ps {
		a, b := adjectives[i%len(adjectives)], nouns[(i/len(adjectives))%len(nouns)]
		ps[i] = Product{
			ID:     fmt.Sprintf("gid://shopify/Product/%d", 1000000+i),
			Title:  fmt.Sprintf("%s %s no. %d", a, b, i),
			Handle: fmt.Sprintf("%s-%s-%d", a, b, i), Vendor: vendors[i%len(vendors)], Status: statuses[i%len(statuses)],
			URL: fmt.Sprintf("https://shop.example/products/p%d", i), ImageURL: fmt.Sprintf("https://cdn.example/p%d.jpg", i),
			TotalInventory: i % 40, UpdatedAt: t0,
			Variants: []Variant{
				{ID: fmt.Sprintf("v%d-s", i), Title: "S", SKU: fmt.Sprintf("SKU-%06d-S", i), Price: "12.50"},
				{ID: fmt.Sprintf("v%d-l", i), Title: "L", SKU: fmt.Sprintf("SKU-%06d-L", i), Price: "14.50"},
			},
		}
	}
	return ps
}

// BenchmarkSearchProducts is the products panel's search over 10,000
// products, 50 results shown: a word most products hold (stops early), a
// rarer one, a SKU matching one product, and one that matches nothing
// (the whole index is read).
func BenchmarkSearchProducts(b *testing.B) {
	s := openTemp(b)
	if _, err := s.UpsertProducts(context.Background(), catalogue(10000)); err != nil {
		b.Fatal(err)
	}
	for _, q := range []string{"", "mug", "vintage candle", "sku-004242", "nothing"} {
		b.Run(fmt.Sprintf("q=%q", q), func(b *testing.B) {
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.SearchProducts(ctx, q, 50); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
