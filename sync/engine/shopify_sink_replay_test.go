package engine

import (
	"reflect"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
	"github.com/merchant-inbox/merchant-inbox/sync/shopify/shopifytest"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// reconnect records a new connection and token, as `connect shopify` does
// after the merchant reinstalls the app.
func (f *sinkFixture) reconnect(t *testing.T, at time.Time) {
	t.Helper()
	if err := f.st.PutConnection(t.Context(), store.Connection{
		Provider: store.ProviderShopify, Account: f.shop, Scopes: []string{"read_products"}, ConnectedAt: at,
	}); err != nil {
		t.Fatal(err)
	}
	if err := f.tokens.Set(t.Context(), secrets.ShopifyToken, testShopToken); err != nil {
		t.Fatal(err)
	}
}

// TestShopifySinkLateDeliveriesSpareANewConnection: deliveries about an
// install the merchant has since replaced, redelivered or late, must not
// disconnect the new connection, delete its token or erase its data.
func TestShopifySinkLateDeliveriesSpareANewConnection(t *testing.T) {
	tests := []struct {
		name  string
		topic string
		body  []byte
		// late is sent after the reconnect; first, when set, before it.
		first, late []shopifytest.DeliverOption
	}{
		{"shop/redact redelivered", "shop/redact", shopRedactPayload,
			[]shopifytest.DeliverOption{shopifytest.WithWebhookID("redact-1")},
			[]shopifytest.DeliverOption{shopifytest.WithWebhookID("redact-1")}},
		{"app/uninstalled redelivered", "app/uninstalled", appUninstalledPayload,
			[]shopifytest.DeliverOption{shopifytest.WithWebhookID("uninstall-1")},
			[]shopifytest.DeliverOption{shopifytest.WithWebhookID("uninstall-1")}},
		{"shop/redact retried late under a new id", "shop/redact", shopRedactPayload, nil,
			[]shopifytest.DeliverOption{shopifytest.WithTriggeredAt(t0)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newSinkFixture(t)
			if tt.first != nil {
				f.deliverOK(t, tt.topic, tt.body, tt.first...)
			}
			f.clock.Advance(time.Hour)
			f.reconnect(t, f.clock.Now())
			f.seedCatalogue(2)
			f.pollCatalogue(t)
			before := f.snapshot(t)

			f.clock.Advance(time.Minute)
			f.deliverOK(t, tt.topic, tt.body, tt.late...)
			if c := f.connection(t); c.Disconnected {
				t.Errorf("the new connection was disconnected: %+v", c)
			}
			if !f.hasToken(t) {
				t.Error("the new connection's token was deleted")
			}
			if after := f.snapshot(t); !reflect.DeepEqual(before, after) {
				t.Errorf("the new connection's data changed:\nbefore %s\nafter %s", before, after)
			}
		})
	}
}

// TestShopifySinkChecksTheShopInTheBody: the shop headers are not signed;
// a signed body about another shop, replayed under this shop's headers,
// changes nothing and does not use up its webhook id.
func TestShopifySinkChecksTheShopInTheBody(t *testing.T) {
	tests := []struct {
		topic string
		body  string
		// genuine is this shop's own body, applied after the replay under
		// the same webhook id; nil for topics that change nothing.
		genuine []byte
	}{
		{"shop/redact", `{"shop_id":1,"shop_domain":"other-shop.myshopify.com"}`, shopRedactPayload},
		{"app/uninstalled", `{"id":1,"name":"Other","myshopify_domain":"other-shop.myshopify.com"}`, appUninstalledPayload},
		{"customers/redact", `{"shop_id":1,"shop_domain":"other-shop.myshopify.com","customer":{"id":191167}}`, nil},
		{"customers/data_request", `{"shop_id":1,"shop_domain":"other-shop.myshopify.com","customer":{"id":191167},"data_request":{"id":9999}}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.topic, func(t *testing.T) {
			f := newSinkFixture(t)
			f.seedCatalogue(2)
			f.pollCatalogue(t)
			before := f.snapshot(t)
			const id = "5d0c7a1e-other-shop"
			f.deliverOK(t, tt.topic, []byte(tt.body), shopifytest.WithWebhookID(id))
			if c := f.connection(t); c.Disconnected {
				t.Errorf("disconnected by a body about another shop: %+v", c)
			}
			if !f.hasToken(t) {
				t.Error("token deleted by a body about another shop")
			}
			if after := f.snapshot(t); !reflect.DeepEqual(before, after) {
				t.Errorf("store changed:\nbefore %s\nafter %s", before, after)
			}
			if tt.genuine != nil {
				f.deliverOK(t, tt.topic, tt.genuine, shopifytest.WithWebhookID(id))
				if c := f.connection(t); !c.Disconnected {
					t.Errorf("the genuine %s under the same webhook id was not applied: its id was used up", tt.topic)
				}
			}
		})
	}
}

// TestShopifySinkDistrustsAFutureTriggeredAt: the header is unsigned; a
// time far ahead of the local clock is replaced by it, so it can neither
// date a change in the future nor push the remembered webhook ids out of
// the dedupe window.
func TestShopifySinkDistrustsAFutureTriggeredAt(t *testing.T) {
	tests := []struct {
		ahead time.Duration
		want  time.Time
	}{
		{365 * 24 * time.Hour, t0},
		{time.Hour, t0},
		{2 * time.Minute, t0.Add(2 * time.Minute)}, // clock skew: kept
	}
	for _, tt := range tests {
		t.Run(tt.ahead.String(), func(t *testing.T) {
			f := newSinkFixture(t)
			f.deliverOK(t, "app/uninstalled", appUninstalledPayload, shopifytest.WithTriggeredAt(t0.Add(tt.ahead)))
			if c := f.connection(t); !c.Disconnected || !c.DisconnectedAt.Equal(tt.want) {
				t.Fatalf("connection %+v, want disconnected at %v", c, tt.want)
			}
		})
	}
}
