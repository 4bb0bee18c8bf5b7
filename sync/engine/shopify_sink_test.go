package engine

import (
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook/facebooktest"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
	"github.com/merchant-inbox/merchant-inbox/sync/shopify"
	"github.com/merchant-inbox/merchant-inbox/sync/shopify/shopifytest"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// sinkFixture serves the real Shopify webhook handler, over a ShopifySink
// writing the fixture's store, on 127.0.0.1. Deliveries come from the
// fake's Deliver, signed with the app's client secret as Shopify does.
type sinkFixture struct {
	*shopFixture
	url string
}

// connectedAt is when the merchant connected the shop in these tests.
var connectedAt = t0.Add(-24 * time.Hour)

func newSinkFixture(t *testing.T) *sinkFixture {
	t.Helper()
	f := &sinkFixture{shopFixture: newShopFixture(t)}
	sink := NewShopifySink(ShopifySinkOptions{
		Store: f.st, Shop: f.shop, Tokens: f.tokens,
		Logger: slog.New(slog.DiscardHandler),
		Notify: func(e Event) { f.events <- e },
		Now:    f.clock.Now,
	})
	srv := httptest.NewServer(shopify.NewWebhookHandler(shopify.WebhookOptions{
		ClientSecret: shopifytest.DefaultClientSecret, Sink: sink, Logger: slog.New(slog.DiscardHandler),
	}))
	t.Cleanup(srv.Close)
	f.url = srv.URL + "/webhooks/shopify"
	// `connect shopify` recorded the connection; the token is in the
	// keychain (newShopFixture).
	if err := f.st.PutConnection(t.Context(), store.Connection{
		Provider: store.ProviderShopify, Account: f.shop, Scopes: []string{"read_products", "read_orders"}, ConnectedAt: connectedAt,
	}); err != nil {
		t.Fatal(err)
	}
	return f
}

// deliver sends one webhook and returns the handler's status.
func (f *sinkFixture) deliver(t *testing.T, topic string, body []byte, opts ...shopifytest.DeliverOption) int {
	t.Helper()
	status, err := f.sf.Deliver(t.Context(), f.url, topic, body, opts...)
	if err != nil {
		t.Fatalf("deliver %s: %v", topic, err)
	}
	return status
}

// deliverOK sends one webhook and fails the test unless it got 200.
func (f *sinkFixture) deliverOK(t *testing.T, topic string, body []byte, opts ...shopifytest.DeliverOption) {
	t.Helper()
	if status := f.deliver(t, topic, body, opts...); status != http.StatusOK {
		t.Fatalf("deliver %s: HTTP %d, want 200", topic, status)
	}
}

func (f *sinkFixture) connection(t *testing.T) store.Connection {
	t.Helper()
	c, err := f.st.Connection(t.Context(), store.ProviderShopify)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// hasToken reports whether the shopify-token is in the keychain.
func (f *shopFixture) hasToken(t *testing.T) bool {
	t.Helper()
	_, err := f.tokens.Get(t.Context(), secrets.ShopifyToken)
	if errors.Is(err, secrets.ErrNotFound) {
		return false
	}
	if err != nil {
		t.Fatal(err)
	}
	return true
}

const mugID = 9554194432293

// mug is the product most sink tests move around.
func mug(title, price string, qty int) shopifytest.FakeProduct {
	return shopifytest.FakeProduct{
		ID: mugID, Title: title, ImageURL: "https://cdn.acme.example/mug.jpg",
		Variants: []shopifytest.FakeVariant{
			{ID: 123456789, Title: "Default Title", SKU: "MUG-001", Price: price, InventoryQuantity: qty},
		},
	}
}

func wantMug(title, handle, price string, qty int, updated time.Time) store.Product {
	return store.Product{
		ID: shopifytest.ProductGID(mugID), Title: title, Handle: handle, Vendor: "Acme Goods", Status: "ACTIVE",
		ImageURL: "https://cdn.acme.example/mug.jpg", TotalInventory: qty, UpdatedAt: updated,
		Variants: []store.Variant{{ID: shopifytest.VariantGID(123456789), Title: "Default Title", SKU: "MUG-001", Price: price, InventoryQuantity: qty}},
	}
}

func (f *sinkFixture) mustProduct(t *testing.T, want store.Product) {
	t.Helper()
	got, ok := f.product(t, want.ID)
	if !ok {
		t.Fatalf("product %s not stored", want.ID)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("product:\n got %+v\nwant %+v", got, want)
	}
}

func (f *sinkFixture) mustProducts(t *testing.T, n int) {
	t.Helper()
	if got := f.stats(t).Products; got != n {
		t.Fatalf("Stats.Products = %d, want %d", got, n)
	}
	if ps, err := f.st.Products(t.Context(), "", 0); err != nil || len(ps) != n {
		t.Fatalf("%d products listed (%v), want %d", len(ps), err, n)
	}
}

func TestShopifySinkCreateThenUpdate(t *testing.T) {
	f := newSinkFixture(t)
	f.sf.AddProduct(mug("Mug", "9.50", 3))
	f.deliverOK(t, "products/create", f.sf.ProductPayload(mugID))
	f.mustProduct(t, wantMug("Mug", "mug", "9.50", 3, t0))
	f.mustProducts(t, 1)
	select {
	case e := <-f.events:
		if e.Kind != CatalogueChanged {
			t.Fatalf("event %+v, want CatalogueChanged", e)
		}
	default:
		t.Fatal("no event after a stored product")
	}

	f.clock.Advance(time.Minute)
	f.sf.UpdateProduct(mug("Mug XL", "12.00", 5))
	f.deliverOK(t, "products/update", f.sf.ProductPayload(mugID))
	f.mustProduct(t, wantMug("Mug XL", "mug-xl", "12.00", 5, t0.Add(time.Minute)))
	f.mustProducts(t, 1)
}

// TestShopifySinkOutOfOrder: Shopify does not guarantee order; an update
// with an older updated_at arriving after a newer one changes nothing.
func TestShopifySinkOutOfOrder(t *testing.T) {
	f := newSinkFixture(t)
	f.sf.AddProduct(mug("Mug", "9.50", 3))
	f.deliverOK(t, "products/create", f.sf.ProductPayload(mugID))

	f.clock.Advance(time.Minute)
	f.sf.UpdateProduct(mug("Mug v2", "10.00", 2))
	older := f.sf.ProductPayload(mugID)
	f.clock.Advance(time.Minute)
	f.sf.UpdateProduct(mug("Mug v3", "11.00", 1))
	newer := f.sf.ProductPayload(mugID)

	f.deliverOK(t, "products/update", newer)
	f.deliverOK(t, "products/update", older)
	f.mustProduct(t, wantMug("Mug v3", "mug-v3", "11.00", 1, t0.Add(2*time.Minute)))
	f.mustProducts(t, 1)
}

// TestShopifySinkDuplicateDelivery: a delivery is applied once per
// X-Shopify-Webhook-Id, even when the redelivery's body differs.
func TestShopifySinkDuplicateDelivery(t *testing.T) {
	f := newSinkFixture(t)
	const id = "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043"
	f.sf.AddProduct(mug("Mug", "9.50", 3))
	f.deliverOK(t, "products/create", f.sf.ProductPayload(mugID), shopifytest.WithWebhookID(id))
	before := f.snapshot(t)

	f.clock.Advance(time.Minute)
	f.sf.UpdateProduct(mug("Mug v2", "10.00", 2))
	newer := f.sf.ProductPayload(mugID)
	other := f.sf.AddProduct(shopifytest.FakeProduct{ID: 777, Title: "Teapot"})
	redeliveries := []struct {
		topic string
		body  []byte
	}{
		{"products/update", newer},                                   // same product, newer content
		{"products/create", f.sf.ProductPayload(777)},                // another product
		{"products/delete", shopifytest.ProductDeletePayload(mugID)}, // another topic
	}
	for _, r := range redeliveries {
		f.deliverOK(t, r.topic, r.body, shopifytest.WithWebhookID(id))
		if after := f.snapshot(t); !reflect.DeepEqual(before, after) {
			t.Fatalf("redelivered %s changed the store:\nbefore %s\nafter %s", r.topic, before, after)
		}
	}
	if _, ok := f.product(t, other); ok {
		t.Fatal("a redelivered id created a product")
	}

	// The same content under a fresh id is a new event and is applied.
	f.deliverOK(t, "products/update", newer)
	f.mustProduct(t, wantMug("Mug v2", "mug-v2", "10.00", 2, t0.Add(time.Minute)))
	f.mustProducts(t, 1)
}

// TestShopifySinkDelete: products/delete removes the product, and a late
// update older than the deletion does not bring it back.
func TestShopifySinkDelete(t *testing.T) {
	f := newSinkFixture(t)
	f.sf.AddProduct(mug("Mug", "9.50", 3))
	original := f.sf.ProductPayload(mugID)
	f.deliverOK(t, "products/create", original)

	f.clock.Advance(time.Minute)
	f.sf.UpdateProduct(mug("Mug v2", "10.00", 2))
	late := f.sf.ProductPayload(mugID) // its delivery fails, and is retried later
	f.clock.Advance(time.Minute)
	f.sf.DeleteProduct(mugID)
	f.deliverOK(t, "products/delete", shopifytest.ProductDeletePayload(mugID))
	if _, ok := f.product(t, shopifytest.ProductGID(mugID)); ok {
		t.Fatal("deleted product still stored")
	}
	f.mustProducts(t, 0)

	f.clock.Advance(time.Hour)
	f.deliverOK(t, "products/update", late)
	f.deliverOK(t, "products/create", original)
	if p, ok := f.product(t, shopifytest.ProductGID(mugID)); ok {
		t.Fatalf("a late update resurrected the deleted product: %+v", p)
	}
	f.mustProducts(t, 0)

	// An update newer than the deletion is not stale: it re-creates it.
	f.sf.AddProduct(mug("Mug again", "8.00", 9))
	f.deliverOK(t, "products/update", f.sf.ProductPayload(mugID))
	f.mustProduct(t, wantMug("Mug again", "mug-again", "8.00", 9, t0.Add(time.Hour+2*time.Minute)))
	f.mustProducts(t, 1)
}

// TestShopifySinkRefused: a delivery with a bad signature is refused with
// 401, one for another shop is acknowledged and ignored; neither stores
// anything nor burns its webhook id.
func TestShopifySinkRefused(t *testing.T) {
	tests := []struct {
		name   string
		topic  string
		opt    shopifytest.DeliverOption
		status int
	}{
		{"bad HMAC", "products/create", shopifytest.WithWrongSignature(), http.StatusUnauthorized},
		{"bad HMAC on app/uninstalled", "app/uninstalled", shopifytest.WithWrongSignature(), http.StatusUnauthorized},
		{"bad HMAC on shop/redact", "shop/redact", shopifytest.WithWrongSignature(), http.StatusUnauthorized},
		{"another shop", "products/create", shopifytest.WithShopDomain("other-shop.myshopify.com"), http.StatusOK},
		{"another shop's app/uninstalled", "app/uninstalled", shopifytest.WithShopDomain("other-shop.myshopify.com"), http.StatusOK},
		{"another shop's shop/redact", "shop/redact", shopifytest.WithShopDomain("other-shop.myshopify.com"), http.StatusOK},
		{"no webhook id", "products/create", shopifytest.WithoutHeader(shopify.HeaderWebhookID), http.StatusBadRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newSinkFixture(t)
			f.sf.AddProduct(mug("Mug", "9.50", 3))
			body := map[string][]byte{
				"products/create": f.sf.ProductPayload(mugID),
				"app/uninstalled": appUninstalledPayload,
				"shop/redact":     shopRedactPayload,
			}[tc.topic]
			before := f.snapshot(t)
			const id = "7d4c0a8e-refused"
			if status := f.deliver(t, tc.topic, body, tc.opt, shopifytest.WithWebhookID(id)); status != tc.status {
				t.Fatalf("HTTP %d, want %d", status, tc.status)
			}
			if after := f.snapshot(t); !reflect.DeepEqual(before, after) {
				t.Fatalf("the refused delivery changed the store:\nbefore %s\nafter %s", before, after)
			}
			if !f.hasToken(t) {
				t.Fatal("the refused delivery removed the shop's token")
			}

			// The genuine delivery with the same id is still applied.
			f.deliverOK(t, tc.topic, body, shopifytest.WithWebhookID(id))
			if after := f.snapshot(t); reflect.DeepEqual(before, after) {
				t.Fatal("the genuine delivery after a refused one changed nothing: its id was burnt")
			}
		})
	}
}

// appUninstalledPayload is app/uninstalled's body: the shop resource.
var appUninstalledPayload = []byte(`{"id":548380009,"name":"Acme Goods","email":"owner@acme.example",` +
	`"domain":"shop.acme.example","myshopify_domain":"acme.myshopify.com","plan_name":"basic","currency":"EUR"}`)

// shopRedactPayload is shop/redact's body, as documented.
var shopRedactPayload = []byte(`{"shop_id":548380009,"shop_domain":"acme.myshopify.com"}`)

func TestShopifySinkAppUninstalled(t *testing.T) {
	f := newSinkFixture(t)
	f.seedCatalogue(4)
	f.pollCatalogue(t)
	catalogue := f.snapshot(t)

	const id = "uninstall-1"
	f.deliverOK(t, "app/uninstalled", appUninstalledPayload, shopifytest.WithWebhookID(id))
	c := f.connection(t)
	if !c.Disconnected || !c.DisconnectedAt.Equal(t0) || !strings.Contains(c.Note, "uninstalled") ||
		c.Account != f.shop || !c.ConnectedAt.Equal(connectedAt) {
		t.Fatalf("connection after app/uninstalled: %+v, want disconnected at %v with a note", c, t0)
	}
	if f.hasToken(t) {
		t.Fatal("the shopify-token is still in the keychain after app/uninstalled")
	}
	// What the shop held stays until shop/redact asks for it.
	if s := f.snapshot(t); !reflect.DeepEqual(s.Products, catalogue.Products) || !reflect.DeepEqual(s.Shop, catalogue.Shop) {
		t.Fatalf("app/uninstalled changed the catalogue:\n%s", s)
	}
	// The catalogue poll now knows it is not connected.
	if _, err := f.cat.Poll(t.Context()); !errors.Is(err, ErrShopifyNotConnected) {
		t.Fatalf("catalogue poll after uninstall: %v, want ErrShopifyNotConnected", err)
	}

	// Shopify may send app/uninstalled again, as a retry (same id) or a
	// new event: both are acknowledged and leave the shop disconnected.
	f.clock.Advance(time.Minute)
	f.deliverOK(t, "app/uninstalled", appUninstalledPayload, shopifytest.WithWebhookID(id))
	f.deliverOK(t, "app/uninstalled", appUninstalledPayload)
	if c := f.connection(t); !c.Disconnected || c.Note == "" || c.Account != f.shop {
		t.Fatalf("connection after a second app/uninstalled: %+v", c)
	}
	if f.hasToken(t) {
		t.Fatal("a token reappeared")
	}
}

// TestShopifySinkLateUninstallAfterReconnect: an app/uninstalled about an
// install the merchant has since replaced (a retry arriving after they
// reinstalled and connected again) must not disconnect the new
// connection or delete its token.
func TestShopifySinkLateUninstallAfterReconnect(t *testing.T) {
	f := newSinkFixture(t)
	f.deliverOK(t, "app/uninstalled", appUninstalledPayload, shopifytest.WithTriggeredAt(connectedAt.Add(-time.Hour)))
	if c := f.connection(t); c.Disconnected {
		t.Fatalf("a stale app/uninstalled disconnected the current connection: %+v", c)
	}
	if !f.hasToken(t) {
		t.Fatal("a stale app/uninstalled deleted the current token")
	}
	// An uninstall of the current install still disconnects.
	f.deliverOK(t, "app/uninstalled", appUninstalledPayload)
	if c := f.connection(t); !c.Disconnected || !c.DisconnectedAt.Equal(t0) {
		t.Fatalf("connection: %+v, want disconnected at %v", c, t0)
	}
	if f.hasToken(t) {
		t.Fatal("token kept after app/uninstalled")
	}
}

// TestShopifySinkShopRedact: shop/redact erases the shop and its
// catalogue, disconnects and drops the token; the Facebook data in the
// same store is not Shopify's and stays.
func TestShopifySinkShopRedact(t *testing.T) {
	f := newSinkFixture(t)
	f.addPage(t, "100", "Shop One")
	f.fb.AddMessage("100", "9001", "Jane", facebooktest.FakeMessage{ID: "m_jane_1", Text: "is the mug in stock?", At: t0.Add(-2 * time.Hour)})
	f.fb.AddMessage("100", "9001", "Jane", facebooktest.FakeMessage{ID: "m_jane_2", Text: "yes", At: t0.Add(-time.Hour), FromPage: true})
	if err := f.poll(t).Err(); err != nil {
		t.Fatal(err)
	}
	f.seedCatalogue(6)
	f.pollCatalogue(t)
	fbStats := f.stats(t)
	fbStats.Products = 0
	messages := f.messages(t, "100", "9001")
	pages, err := f.st.Pages(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(messages) != 2 || fbStats.Pages != 1 || fbStats.Conversations != 1 {
		t.Fatalf("Facebook seed: %+v, %d messages", fbStats, len(messages))
	}

	f.clock.Advance(48 * time.Hour)
	f.deliverOK(t, "shop/redact", shopRedactPayload)

	if _, err := f.st.Shop(t.Context()); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("shop record after shop/redact: %v, want ErrNotFound", err)
	}
	f.mustProducts(t, 0)
	if got := f.stats(t); got != fbStats {
		t.Fatalf("stats after shop/redact %+v, want %+v (Facebook untouched, no products)", got, fbStats)
	}
	if got := f.messages(t, "100", "9001"); !reflect.DeepEqual(got, messages) {
		t.Fatalf("Facebook messages changed by shop/redact:\n got %+v\nwant %+v", got, messages)
	}
	if got, _ := f.st.Pages(t.Context()); !reflect.DeepEqual(got, pages) {
		t.Fatalf("Facebook pages changed by shop/redact: %+v", got)
	}
	if f.hasToken(t) {
		t.Fatal("the shopify-token is still in the keychain after shop/redact")
	}
	if c := f.connection(t); !c.Disconnected || !strings.Contains(c.Note, "redact") {
		t.Fatalf("connection after shop/redact: %+v", c)
	}
}

// TestShopifySinkCustomerCompliance: the app keeps no customer records,
// so customers/redact and customers/data_request are acknowledged and
// change nothing.
func TestShopifySinkCustomerCompliance(t *testing.T) {
	tests := []struct {
		topic string
		body  string
	}{
		{"customers/redact", `{"shop_id":548380009,"shop_domain":"acme.myshopify.com",` +
			`"customer":{"id":191167,"email":"john@example.com","phone":"555-625-1199"},"orders_to_redact":[299938,280263,220458]}`},
		{"customers/data_request", `{"shop_id":548380009,"shop_domain":"acme.myshopify.com","orders_requested":[299938,280263,220458],` +
			`"customer":{"id":191167,"email":"john@example.com","phone":"555-625-1199"},"data_request":{"id":9999}}`},
	}
	for _, tc := range tests {
		t.Run(tc.topic, func(t *testing.T) {
			f := newSinkFixture(t)
			f.seedCatalogue(3)
			f.pollCatalogue(t)
			before := f.snapshot(t)
			f.deliverOK(t, tc.topic, []byte(tc.body))
			if after := f.snapshot(t); !reflect.DeepEqual(before, after) {
				t.Fatalf("%s changed the store:\nbefore %s\nafter %s", tc.topic, before, after)
			}
			if !f.hasToken(t) {
				t.Fatalf("%s removed the token", tc.topic)
			}
		})
	}
}

// TestShopifySinkKeepsPolledURL: webhook payloads carry no storefront
// URL; an update through a webhook keeps the one the last poll read.
func TestShopifySinkKeepsPolledURL(t *testing.T) {
	f := newSinkFixture(t)
	const url = "https://shop.acme.example/products/mug"
	p := mug("Mug", "9.50", 3)
	p.URL = url
	f.sf.AddProduct(p)
	f.pollCatalogue(t)
	if got, _ := f.product(t, shopifytest.ProductGID(mugID)); got.URL != url {
		t.Fatalf("polled URL %q, want %q", got.URL, url)
	}

	f.clock.Advance(time.Minute)
	p = mug("Mug XL", "12.00", 5)
	p.URL = url
	f.sf.UpdateProduct(p)
	payload := f.sf.ProductPayload(mugID)
	if wp, err := shopify.ParseProductWebhook(payload); err != nil || wp.URL != "" {
		t.Fatalf("the payload carries a URL (%q, %v): the test proves nothing", wp.URL, err)
	}
	f.deliverOK(t, "products/update", payload)
	want := wantMug("Mug XL", "mug-xl", "12.00", 5, t0.Add(time.Minute))
	want.URL = url
	f.mustProduct(t, want)
}
