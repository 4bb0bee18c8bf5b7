package engine

import (
	"net/http"
	"reflect"
	"testing"

	"github.com/merchant-inbox/merchant-inbox/sync/shopify/shopifytest"
)

// sameShape: products/create and products/update carry the same resource,
// so one replayed as the other is the same upsert.
func sameShape(a, b string) bool {
	product := func(t string) bool { return t == "products/create" || t == "products/update" }
	return a == b || product(a) && product(b)
}

// destructive topics change the store when their own body arrives.
var destructive = map[string]bool{"products/delete": true, "app/uninstalled": true, "shop/redact": true}

// TestShopifySinkRefusesABodyUnderAnotherTopic: X-Shopify-Topic is not
// signed. Each documented body (products/update's first of all), signed
// and replayed under every other topic, is acknowledged (Shopify would
// resend a refused one for 4 hours, then drop the subscription) and
// changes nothing: no product written or deleted, no disconnect, no
// erasure, the token kept, and its webhook id not burnt.
func TestShopifySinkRefusesABodyUnderAnotherTopic(t *testing.T) {
	for _, bodyTopic := range shopifytest.ExampleTopics {
		for _, asTopic := range shopifytest.ExampleTopics {
			if sameShape(bodyTopic, asTopic) {
				continue
			}
			t.Run(bodyTopic+" as "+asTopic, func(t *testing.T) {
				f := newSinkFixture(t)
				f.seedCatalogue(2)
				f.pollCatalogue(t)
				f.deliverOK(t, "products/update", f.sf.ExampleBody("products/update"))
				if _, ok := f.product(t, shopifytest.ProductGID(788032119674292922)); !ok {
					t.Fatal("the documented products/update body was not stored")
				}
				before := f.snapshot(t)

				const id = "3f5e1b7c-replayed"
				if status := f.deliver(t, asTopic, f.sf.ExampleBody(bodyTopic), shopifytest.WithWebhookID(id)); status != http.StatusOK {
					t.Fatalf("HTTP %d, want 200 (acknowledged and dropped)", status)
				}
				if after := f.snapshot(t); !reflect.DeepEqual(before, after) {
					t.Fatalf("the replayed body changed the store:\nbefore %s\nafter %s", before, after)
				}
				if !f.hasToken(t) {
					t.Fatal("the replayed body removed the shop's token")
				}

				if destructive[asTopic] {
					// The genuine delivery under the same id still counts.
					f.deliverOK(t, asTopic, f.sf.ExampleBody(asTopic), shopifytest.WithWebhookID(id))
					if after := f.snapshot(t); reflect.DeepEqual(before, after) {
						t.Fatalf("the genuine %s after the replay changed nothing: its webhook id was burnt", asTopic)
					}
				}
			})
		}
	}
}

// TestShopifySinkDropsAPermanentlyBadBody: a signed body that cannot be
// read is acknowledged (a retry would bring the same bytes) and stores
// nothing.
func TestShopifySinkDropsAPermanentlyBadBody(t *testing.T) {
	tests := []struct{ topic, body string }{
		{"products/update", `not json`},
		{"products/update", `{"id":"x","title":"Mug","variants":[]}`},
		{"products/delete", `{"id":-1}`},
		{"app/uninstalled", `{"id":548380009,"myshopify_domain":null}`}, // the documented test notification
		{"shop/redact", `{"shop_id":548380009}`},
	}
	for _, tt := range tests {
		t.Run(tt.topic+" "+tt.body, func(t *testing.T) {
			f := newSinkFixture(t)
			f.seedCatalogue(2)
			f.pollCatalogue(t)
			before := f.snapshot(t)
			if status := f.deliver(t, tt.topic, []byte(tt.body)); status != http.StatusOK {
				t.Fatalf("HTTP %d, want 200", status)
			}
			if after := f.snapshot(t); !reflect.DeepEqual(before, after) {
				t.Fatalf("store changed:\nbefore %s\nafter %s", before, after)
			}
			if !f.hasToken(t) {
				t.Fatal("token removed")
			}
		})
	}
}
