package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"reflect"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
	"github.com/merchant-inbox/merchant-inbox/sync/shopify"
	"github.com/merchant-inbox/merchant-inbox/sync/shopify/shopifytest"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// testShopToken is the shop's non-expiring Admin API token, known to the
// fake through AddToken and pasted into the keychain as a plain value.
const testShopToken = "shpat_engine_test_token"

// shopFixture is the engine fixture (real bbolt store, in-memory keychain,
// fake clock) plus a fake Shopify playing acme.myshopify.com on the same
// clock, and a Catalogue reading it through a real shopify.Client whose
// token comes from the keychain through ShopifyTokens, as the app wires it.
type shopFixture struct {
	*fixture
	sf        *shopifytest.Server
	shop      string
	rec       *gqlRecorder
	shopToken *ShopifyTokens
	cat       *Catalogue
}

func newShopFixture(t *testing.T) *shopFixture {
	t.Helper()
	f := &shopFixture{fixture: newFixture(t), sf: shopifytest.NewServer(t)}
	f.sf.SetClock(f.clock.Now)
	f.sf.SetMyshopifyDomain("acme")
	f.sf.SetShop("Acme Goods", "shop.acme.example", "EUR")
	f.sf.AddToken(testShopToken, "read_products,read_orders")
	f.shop = f.sf.Shop()
	f.rec = &gqlRecorder{base: f.sf.Client().Transport}
	if err := f.tokens.Set(t.Context(), secrets.ShopifyToken, testShopToken); err != nil {
		t.Fatal(err)
	}
	f.shopToken = NewShopifyTokens(f.tokens, f.oauth(), f.shop, f.clock.Now)
	f.cat = NewCatalogue(CatalogueOptions{
		Store: f.st,
		API: func(ctx context.Context) (ShopifyAPI, error) {
			tok, err := f.shopToken.Token(ctx)
			if err != nil {
				return nil, err
			}
			return shopify.NewClient(shopify.ClientOptions{
				Shop: f.shop, Token: tok, BaseURL: f.sf.URL,
				HTTPClient: &http.Client{Transport: f.rec, Timeout: 10 * time.Second},
				Sleep:      f.clock.Sleep,
				Logger:     slog.New(slog.DiscardHandler),
			}), nil
		},
		Now: f.clock.Now,
	})
	return f
}

// oauth is the app's OAuth configuration against the fake.
func (f *shopFixture) oauth() shopify.OAuth {
	return shopify.OAuth{
		ClientID: shopifytest.DefaultClientID, ClientSecret: shopifytest.DefaultClientSecret,
		BaseURL: f.sf.URL, HTTPClient: f.sf.Client(), Now: f.clock.Now,
	}
}

func (f *shopFixture) pollCatalogue(t *testing.T) CatalogueReport {
	t.Helper()
	rep, err := f.cat.Poll(t.Context())
	if err != nil {
		t.Fatalf("catalogue poll: %v", err)
	}
	return rep
}

// operations counts the GraphQL requests the fake received for op.
func (f *shopFixture) operations(op string) int {
	n := 0
	for _, r := range f.sf.Requests() {
		if r.Operation == op {
			n++
		}
	}
	return n
}

func (f *shopFixture) product(t *testing.T, id string) (store.Product, bool) {
	t.Helper()
	p, err := f.st.Product(t.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return store.Product{}, false
	}
	if err != nil {
		t.Fatal(err)
	}
	return p, true
}

// snapshot is everything Shopify-related the store holds, to show that
// something left it alone.
type snapshot struct {
	Shop     *store.Shop
	Products []store.Product
	Stats    store.Stats
	Conn     *store.Connection
}

func (f *shopFixture) snapshot(t *testing.T) snapshot {
	t.Helper()
	ctx := t.Context()
	var s snapshot
	if sh, err := f.st.Shop(ctx); err == nil {
		s.Shop = &sh
	} else if !errors.Is(err, store.ErrNotFound) {
		t.Fatal(err)
	}
	ps, err := f.st.Products(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	s.Products = ps
	s.Stats = f.stats(t)
	if c, err := f.st.Connection(ctx, store.ProviderShopify); err == nil {
		s.Conn = &c
	} else if !errors.Is(err, store.ErrNotFound) {
		t.Fatal(err)
	}
	return s
}

func (s snapshot) String() string {
	b, _ := json.MarshalIndent(s, "", " ")
	return string(b)
}

// exchange is one GraphQL round trip as the client saw it on the wire.
type exchange struct {
	Op     string
	Status int
	// Throttled: HTTP 200 with errors[].extensions.code THROTTLED.
	// Requested, Available and Restore are the answer's extensions.cost
	// (requestedQueryCost, throttleStatus.currentlyAvailable, restoreRate).
	Throttled bool
	Requested float64
	Available float64
	Restore   float64
	// RetryAfter is the Retry-After header of an HTTP 429.
	RetryAfter string
}

// gqlRecorder is the client's transport: it records every GraphQL
// exchange and lets a test act (ThrottleNext, FailNext) just before the
// n-th request of an operation reaches the fake.
type gqlRecorder struct {
	base http.RoundTripper

	mu     sync.Mutex
	before func(op string, n int)
	seen   map[string]int
	log    []exchange
}

func (r *gqlRecorder) setBefore(fn func(op string, n int)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.before = fn
}

func (r *gqlRecorder) exchanges() []exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]exchange(nil), r.log...)
}

func (r *gqlRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	body, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return nil, err
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	var q struct {
		OperationName string `json:"operationName"`
	}
	json.Unmarshal(body, &q)
	r.mu.Lock()
	if r.seen == nil {
		r.seen = map[string]int{}
	}
	r.seen[q.OperationName]++
	n, before := r.seen[q.OperationName], r.before
	r.mu.Unlock()
	if before != nil {
		before(q.OperationName, n)
	}
	resp, err := r.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(raw))
	ex := exchange{Op: q.OperationName, Status: resp.StatusCode, RetryAfter: resp.Header.Get("Retry-After")}
	var a struct {
		Errors []struct {
			Extensions struct {
				Code string `json:"code"`
			} `json:"extensions"`
		} `json:"errors"`
		Extensions struct {
			Cost struct {
				Requested float64 `json:"requestedQueryCost"`
				Throttle  struct {
					Available float64 `json:"currentlyAvailable"`
					Restore   float64 `json:"restoreRate"`
				} `json:"throttleStatus"`
			} `json:"cost"`
		} `json:"extensions"`
	}
	if json.Unmarshal(raw, &a) == nil {
		for _, e := range a.Errors {
			ex.Throttled = ex.Throttled || e.Extensions.Code == "THROTTLED"
		}
		c := a.Extensions.Cost
		ex.Requested, ex.Available, ex.Restore = c.Requested, c.Throttle.Available, c.Throttle.Restore
	}
	r.mu.Lock()
	r.log = append(r.log, ex)
	r.mu.Unlock()
	return resp, nil
}

// seedCatalogue adds n products to the fake: product i has i%3+1
// variants, every third one is unpublished (no URL), every fourth has an
// image. It returns the fake's numeric ids in order.
func (f *shopFixture) seedCatalogue(n int) []int64 {
	ids := make([]int64, n)
	for i := range n {
		p := shopifytest.FakeProduct{
			ID:        int64(9554194432100 + i),
			Title:     fmt.Sprintf("Product %02d", i),
			Status:    []string{"ACTIVE", "DRAFT", "ARCHIVED"}[i%3],
			UpdatedAt: t0.Add(-time.Duration(n-i) * time.Hour),
		}
		if i%3 != 0 {
			p.URL = fmt.Sprintf("https://shop.acme.example/products/product-%02d", i)
		}
		if i%4 == 0 {
			p.ImageURL = fmt.Sprintf("https://cdn.acme.example/p%02d.jpg", i)
		}
		for v := range i%3 + 1 {
			p.Variants = append(p.Variants, shopifytest.FakeVariant{
				ID:    int64(40000000000000 + i*10 + v),
				Title: fmt.Sprintf("Size %d", v), SKU: fmt.Sprintf("SKU-%02d-%d", i, v),
				Price: fmt.Sprintf("%d.%02d", 10+i, v*25), InventoryQuantity: i + v,
			})
		}
		f.sf.AddProduct(p)
		ids[i] = p.ID
	}
	return ids
}

// wantProduct is product i of seedCatalogue as the store must hold it.
func wantProduct(n, i int) store.Product {
	p := store.Product{
		ID:        shopifytest.ProductGID(int64(9554194432100 + i)),
		Title:     fmt.Sprintf("Product %02d", i),
		Handle:    fmt.Sprintf("product-%02d", i),
		Vendor:    "Acme Goods", // the fake fills in the shop's name, as Shopify does
		Status:    []string{"ACTIVE", "DRAFT", "ARCHIVED"}[i%3],
		UpdatedAt: t0.Add(-time.Duration(n-i) * time.Hour),
	}
	if i%3 != 0 {
		p.URL = fmt.Sprintf("https://shop.acme.example/products/product-%02d", i)
	}
	if i%4 == 0 {
		p.ImageURL = fmt.Sprintf("https://cdn.acme.example/p%02d.jpg", i)
	}
	for v := range i%3 + 1 {
		p.Variants = append(p.Variants, store.Variant{
			ID:    shopifytest.VariantGID(int64(40000000000000 + i*10 + v)),
			Title: fmt.Sprintf("Size %d", v), SKU: fmt.Sprintf("SKU-%02d-%d", i, v),
			Price: fmt.Sprintf("%d.%02d", 10+i, v*25), InventoryQuantity: i + v,
		})
		p.TotalInventory += i + v
	}
	return p
}

const catalogueSize = 23

func TestCatalogueFullSyncThenChanges(t *testing.T) {
	f := newShopFixture(t)
	ids := f.seedCatalogue(catalogueSize)

	rep := f.pollCatalogue(t)
	if want := (CatalogueReport{Shop: "acme.myshopify.com", Products: catalogueSize, Changed: catalogueSize}); rep != want {
		t.Fatalf("first poll: %+v, want %+v", rep, want)
	}
	// The client caps a page at MaxProductsPageSize products: 23 take
	// several GraphQL requests, following endCursor.
	pages := f.operations(shopifytest.OpProducts)
	if want := (catalogueSize + shopify.MaxProductsPageSize - 1) / shopify.MaxProductsPageSize; pages <= 1 || pages != want {
		t.Fatalf("%d products requests, want %d (more than one)", pages, want)
	}
	for _, r := range f.sf.Requests() {
		if r.Operation != shopifytest.OpProducts {
			continue
		}
		if first, _ := r.Variables["first"].(float64); first < 1 || int(first) > shopify.MaxProductsPageSize {
			t.Fatalf("products page size %v, want 1..%d", r.Variables["first"], shopify.MaxProductsPageSize)
		}
	}
	if got := f.stats(t).Products; got != catalogueSize {
		t.Fatalf("Stats.Products = %d, want %d", got, catalogueSize)
	}
	sh, err := f.st.Shop(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if want := (store.Shop{Domain: "acme.myshopify.com", Name: "Acme Goods", PrimaryDomain: "shop.acme.example", Currency: "EUR", UpdatedAt: t0}); !reflect.DeepEqual(sh, want) {
		t.Fatalf("shop %+v, want %+v", sh, want)
	}
	for i := range catalogueSize {
		want := wantProduct(catalogueSize, i)
		got, ok := f.product(t, want.ID)
		if !ok {
			t.Fatalf("product %d (%s) not stored", i, want.ID)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("product %d:\n got %+v\nwant %+v", i, got, want)
		}
	}

	// The shop deletes one product (the webhook never came) and edits
	// another, an hour later.
	f.clock.Advance(time.Hour)
	gone, edited := ids[5], ids[7]
	f.sf.DeleteProduct(gone)
	f.sf.UpdateProduct(shopifytest.FakeProduct{
		ID: edited, Title: "Product 07 (new)", URL: "https://shop.acme.example/products/product-07-new",
		Variants: []shopifytest.FakeVariant{{ID: 777, Title: "One size", SKU: "NEW-07", Price: "99.90", InventoryQuantity: 4}},
	})
	rep = f.pollCatalogue(t)
	if want := (CatalogueReport{Shop: "acme.myshopify.com", Products: catalogueSize - 1, Changed: 1, Removed: 1}); rep != want {
		t.Fatalf("second poll: %+v, want %+v", rep, want)
	}
	if _, ok := f.product(t, shopifytest.ProductGID(gone)); ok {
		t.Fatal("the product deleted in the shop is still stored")
	}
	got, _ := f.product(t, shopifytest.ProductGID(edited))
	want := store.Product{
		ID: shopifytest.ProductGID(edited), Title: "Product 07 (new)", Handle: "product-07-new", Vendor: "Acme Goods", Status: "ACTIVE",
		URL: "https://shop.acme.example/products/product-07-new", TotalInventory: 4, UpdatedAt: t0.Add(time.Hour),
		Variants: []store.Variant{{ID: shopifytest.VariantGID(777), Title: "One size", SKU: "NEW-07", Price: "99.90", InventoryQuantity: 4}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("edited product:\n got %+v\nwant %+v", got, want)
	}
	if got := f.stats(t).Products; got != catalogueSize-1 {
		t.Fatalf("Stats.Products = %d, want %d", got, catalogueSize-1)
	}
	if sh, _ := f.st.Shop(t.Context()); !sh.UpdatedAt.Equal(t0.Add(time.Hour)) {
		t.Fatalf("shop UpdatedAt %v, want the second poll's start", sh.UpdatedAt)
	}

	// Nothing changed: a third poll writes nothing.
	f.clock.Advance(time.Hour)
	before := f.snapshot(t)
	rep = f.pollCatalogue(t)
	if want := (CatalogueReport{Shop: "acme.myshopify.com", Products: catalogueSize - 1}); rep != want {
		t.Fatalf("third poll: %+v, want %+v", rep, want)
	}
	after := f.snapshot(t)
	after.Shop, before.Shop = nil, nil // UpdatedAt moves with every poll
	if !reflect.DeepEqual(before, after) {
		t.Fatalf("an unchanged shop changed the store:\n%s\n%s", before, after)
	}
}

// TestCatalogueWaitsWhenThrottled: Shopify's cost throttle (HTTP 200,
// THROTTLED) and HTTP 429 with Retry-After are waited out through the
// injected Sleep, for the documented time, and the poll still completes.
//
// Every wait is checked against the answer that caused it: THROTTLED
// answers by ceil((requestedQueryCost - currentlyAvailable) /
// restoreRate) seconds from their own extensions.cost, 429s by their
// Retry-After. The bucket only refills while the client sleeps (the fake
// runs on the test clock), so a forced throttle can leave it too low for
// a later page, which is then throttled for real and waited out the same
// way.
func TestCatalogueWaitsWhenThrottled(t *testing.T) {
	// A products page asks for 2 + 9 × (1 + 1 + 2 + 100) = 938 points;
	// ThrottleNext empties the bucket, so the answer says
	// currentlyAvailable 0 and restoreRate 100: ceil(938 / 100) = 10 s.
	pageCost := float64(2 + shopify.MaxProductsPageSize*(1+1+2+100))
	pageWait := time.Duration(math.Ceil(pageCost/100)) * time.Second
	tests := []struct {
		name string
		op   string // the operation, and which of its requests, to act on
		nth  int
		act  func(sf *shopifytest.Server)
		// wantFirst are the first waits, worked out by hand.
		wantFirst []time.Duration
		forced    int // THROTTLED answers forced by the test
		http429   int
	}{
		{
			name: "first products page throttled", op: shopifytest.OpProducts, nth: 1,
			act:       func(sf *shopifytest.Server) { sf.ThrottleNext(1) },
			wantFirst: []time.Duration{pageWait}, forced: 1,
		},
		{
			name: "last products page throttled twice", op: shopifytest.OpProducts, nth: 3,
			act:       func(sf *shopifytest.Server) { sf.ThrottleNext(2) },
			wantFirst: []time.Duration{pageWait, pageWait}, forced: 2,
		},
		{
			// The shop query costs 2 (shop + primaryDomain): ceil(2 / 100) = 1 s.
			name: "shop query throttled", op: shopifytest.OpShop, nth: 1,
			act:       func(sf *shopifytest.Server) { sf.ThrottleNext(1) },
			wantFirst: []time.Duration{time.Second}, forced: 1,
		},
		{
			name: "429 with Retry-After on a products page", op: shopifytest.OpProducts, nth: 2,
			act: func(sf *shopifytest.Server) {
				sf.FailNext(http.StatusTooManyRequests, map[string]string{"Retry-After": "7"})
			},
			wantFirst: []time.Duration{7 * time.Second}, http429: 1,
		},
		{
			name: "429 with Retry-After 2.0 on the shop query", op: shopifytest.OpShop, nth: 1,
			act: func(sf *shopifytest.Server) {
				sf.FailNext(http.StatusTooManyRequests, map[string]string{"Retry-After": "2.0"})
			},
			wantFirst: []time.Duration{2 * time.Second}, http429: 1,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newShopFixture(t)
			f.seedCatalogue(catalogueSize)
			forced := 0
			f.rec.setBefore(func(op string, n int) {
				if op == tc.op && n == tc.nth {
					tc.act(f.sf)
					forced++
				}
			})

			rep := f.pollCatalogue(t)
			if forced != 1 {
				t.Fatalf("the test acted %d times, want once", forced)
			}
			if rep.Products != catalogueSize || rep.Changed != catalogueSize {
				t.Fatalf("report %+v, want all %d products read and stored", rep, catalogueSize)
			}
			if got := f.stats(t).Products; got != catalogueSize {
				t.Fatalf("Stats.Products = %d, want %d", got, catalogueSize)
			}
			sleeps := f.clock.Sleeps()
			if len(sleeps) < len(tc.wantFirst) || !reflect.DeepEqual(sleeps[:len(tc.wantFirst)], tc.wantFirst) {
				t.Fatalf("sleeps %v, want them to start with %v", sleeps, tc.wantFirst)
			}

			// Walk the wire: each THROTTLED or 429 answer is followed by
			// exactly one wait, of the length it asked for.
			var retries []exchange
			throttled, tooMany, productRetries := 0, 0, 0
			for _, ex := range f.rec.exchanges() {
				if !ex.Throttled && ex.Status != http.StatusTooManyRequests {
					continue
				}
				retries = append(retries, ex)
				if ex.Throttled {
					throttled++
				} else {
					tooMany++
				}
				if ex.Op == shopifytest.OpProducts {
					productRetries++
				}
			}
			if len(retries) != len(sleeps) {
				t.Fatalf("%d throttled answers but %d sleeps (%v)", len(retries), len(sleeps), sleeps)
			}
			if throttled < tc.forced || tooMany != tc.http429 {
				t.Fatalf("%d THROTTLED and %d HTTP 429 answers, want at least %d and exactly %d", throttled, tooMany, tc.forced, tc.http429)
			}
			for i, ex := range retries {
				var want time.Duration
				if ex.Throttled {
					if ex.Restore <= 0 || ex.Requested <= ex.Available {
						t.Fatalf("THROTTLED answer without a usable cost: %+v", ex)
					}
					want = time.Duration(math.Ceil((ex.Requested-ex.Available)/ex.Restore)) * time.Second
				} else {
					secs, err := strconv.ParseFloat(ex.RetryAfter, 64)
					if err != nil {
						t.Fatalf("429 without Retry-After: %+v", ex)
					}
					want = time.Duration(math.Ceil(secs)) * time.Second
				}
				if sleeps[i] != want {
					t.Fatalf("wait %d after %+v is %v, want %v", i, ex, sleeps[i], want)
				}
			}
			// Every page was read once, plus once more per retry of a page.
			wantPages := (catalogueSize+shopify.MaxProductsPageSize-1)/shopify.MaxProductsPageSize + productRetries
			if got := f.operations(shopifytest.OpProducts); got != wantPages {
				t.Fatalf("%d products requests, want %d", got, wantPages)
			}
		})
	}
}

// TestCatalogueRevokedToken: a 401 (the merchant uninstalled the app, or
// revoked the token) fails the poll with ErrUnauthorized and writes
// nothing: not the shop, not a product, no prune.
func TestCatalogueRevokedToken(t *testing.T) {
	f := newShopFixture(t)
	ids := f.seedCatalogue(catalogueSize)
	f.pollCatalogue(t)
	before := f.snapshot(t)

	f.clock.Advance(time.Hour)
	f.sf.RevokeToken(testShopToken)
	f.sf.SetShop("Renamed", "renamed.example", "USD")
	f.sf.DeleteProduct(ids[0])
	f.sf.UpdateProduct(shopifytest.FakeProduct{ID: ids[1], Title: "Changed"})

	rep, err := f.cat.Poll(t.Context())
	if !errors.Is(err, shopify.ErrUnauthorized) {
		t.Fatalf("Poll with a revoked token: %v, want ErrUnauthorized", err)
	}
	if rep.Products != 0 || rep.Changed != 0 || rep.Removed != 0 {
		t.Fatalf("report %+v after a failed poll", rep)
	}
	if after := f.snapshot(t); !reflect.DeepEqual(before, after) {
		t.Fatalf("a failed poll changed the store:\nbefore %s\nafter %s", before, after)
	}
	if got := f.clock.Sleeps(); len(got) != 0 {
		t.Fatalf("slept %v: a 401 is not retried", got)
	}
}

// TestCatalogueNotConnected: without a token in the keychain the poll
// says so and never calls Shopify.
func TestCatalogueNotConnected(t *testing.T) {
	f := newShopFixture(t)
	f.seedCatalogue(3)
	if err := f.tokens.Delete(t.Context(), secrets.ShopifyToken); err != nil {
		t.Fatal(err)
	}
	if _, err := f.cat.Poll(t.Context()); !errors.Is(err, ErrShopifyNotConnected) {
		t.Fatalf("Poll: %v, want ErrShopifyNotConnected", err)
	}
	if n := len(f.sf.Requests()); n != 0 {
		t.Fatalf("%d requests to Shopify without a token", n)
	}
	if s := f.snapshot(t); s.Shop != nil || len(s.Products) != 0 {
		t.Fatalf("store written: %s", s)
	}
}

// TestCatalogueFailureMidwayPrunesNothing: a poll that fails after some
// pages must not treat the products it did not get to as deleted.
func TestCatalogueFailureMidwayPrunesNothing(t *testing.T) {
	tests := []struct {
		name      string
		failures  []int // statuses queued before the second products page
		want      error
		wantSleep []time.Duration
	}{
		{"revoked token", []int{http.StatusUnauthorized}, shopify.ErrUnauthorized, nil},
		{"server errors after retries", []int{500, 502, 503}, shopify.ErrServerError, []time.Duration{time.Second, 2 * time.Second}},
		{"shop frozen", []int{http.StatusPaymentRequired}, shopify.ErrShopFrozen, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newShopFixture(t)
			f.seedCatalogue(catalogueSize)
			f.pollCatalogue(t)
			before := f.snapshot(t)

			f.clock.Advance(time.Hour)
			f.rec.setBefore(func(op string, n int) {
				if op == shopifytest.OpProducts && n == 5 { // page 2 of the second poll
					for _, s := range tc.failures {
						f.sf.FailNext(s, nil)
					}
				}
			})
			rep, err := f.cat.Poll(t.Context())
			if !errors.Is(err, tc.want) {
				t.Fatalf("Poll: %v, want %v", err, tc.want)
			}
			if rep.Removed != 0 || rep.Products != shopify.MaxProductsPageSize {
				t.Fatalf("report %+v, want the first page read and nothing removed", rep)
			}
			after := f.snapshot(t)
			after.Shop, before.Shop = nil, nil // the shop was read before the failure
			if !reflect.DeepEqual(before, after) {
				t.Fatalf("a failed poll changed the catalogue:\nbefore %s\nafter %s", before, after)
			}
			if got := f.clock.Sleeps(); !reflect.DeepEqual(got, tc.wantSleep) {
				t.Fatalf("sleeps %v, want %v", got, tc.wantSleep)
			}
		})
	}
}
