package shopify_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/shopify"
	"github.com/merchant-inbox/merchant-inbox/sync/shopify/shopifytest"
)

func TestParseProductWebhook(t *testing.T) {
	fake, _ := newFake(t, "")
	p, err := shopify.ParseProductWebhook(fake.ExampleBody("products/update"))
	if err != nil {
		t.Fatal(err)
	}
	want := shopify.Product{
		ID: "gid://shopify/Product/788032119674292922", Title: "Example T-Shirt", Handle: "example-t-shirt",
		Vendor: "Acme", Status: "ACTIVE", ImageURL: "https://cdn.shopify.com/example-0.jpg", TotalInventory: 125,
		UpdatedAt: time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC),
		Variants: []shopify.Variant{
			{ID: "gid://shopify/ProductVariant/642667041472713922", Title: "Small", SKU: "example-shirt-s", Price: "19.99", InventoryQuantity: 75},
			{ID: "gid://shopify/ProductVariant/757650484644203962", Title: "Medium", Price: "19.99", InventoryQuantity: 50},
		},
	}
	if !p.UpdatedAt.Equal(want.UpdatedAt) {
		t.Fatalf("UpdatedAt = %s, want %s", p.UpdatedAt, want.UpdatedAt)
	}
	p.UpdatedAt = want.UpdatedAt
	if !reflect.DeepEqual(p, want) {
		t.Fatalf("got  %+v\nwant %+v", p, want)
	}
}

// TestWebhookAndGraphQLAgree: the same fake product read through GraphQL
// and through its webhook payload gives the same Product (but URL, which
// webhooks do not carry).
func TestWebhookAndGraphQLAgree(t *testing.T) {
	fake, clk := newFake(t, "read_products")
	fake.AddProduct(shopifytest.FakeProduct{
		ID: 9554194432293, Title: "T-Shirt", Status: "ACTIVE", URL: "https://acme.example/products/t-shirt",
		ImageURL: "https://cdn.shopify.com/t.jpg", UpdatedAt: t0,
		Variants: []shopifytest.FakeVariant{{ID: 123456789, Title: "Default Title", SKU: "TSHIRT-001", Price: "29.99", InventoryQuantity: 12}},
	})
	fromAPI, err := collect(newClient(fake, clk, accessToken).Products(t.Context(), 5))
	if err != nil || len(fromAPI) != 1 {
		t.Fatalf("Products = %v, %v", fromAPI, err)
	}
	fromHook, err := shopify.ParseProductWebhook(fake.ProductPayload(9554194432293))
	if err != nil {
		t.Fatal(err)
	}
	api := fromAPI[0]
	api.URL = ""
	if !api.UpdatedAt.Equal(fromHook.UpdatedAt) {
		t.Fatalf("UpdatedAt %s vs %s", api.UpdatedAt, fromHook.UpdatedAt)
	}
	fromHook.UpdatedAt = api.UpdatedAt
	if !reflect.DeepEqual(api, fromHook) {
		t.Fatalf("GraphQL %+v\nwebhook %+v", api, fromHook)
	}
}

func TestParseProductWebhookErrors(t *testing.T) {
	for _, body := range []string{
		`not json`,
		`{"title":"no id"}`,
		`{"id":-5,"title":"x"}`,
		`{"id":1.5,"title":"x"}`,
		`{"id":1,"title":"x","variants":[],"updated_at":"yesterday"}`,
		`{"id":1,"variants":[]}`,
		`{"id":1,"title":"x"}`,
		`{"id":1,"title":"x","variants":null}`,
		`null`,
	} {
		if _, err := shopify.ParseProductWebhook([]byte(body)); !errors.Is(err, shopify.ErrBadPayload) {
			t.Errorf("ParseProductWebhook(%s) = %v, want ErrBadPayload", body, err)
		}
	}
	// A numeric id without admin_graphql_api_id still gives the gid, with
	// no float rounding of a large id.
	p, err := shopify.ParseProductWebhook([]byte(`{"id":9007199254740993,"title":"x","status":"draft","variants":[]}`))
	if err != nil || p.ID != "gid://shopify/Product/9007199254740993" || p.Status != "DRAFT" {
		t.Fatalf("got %+v, %v", p, err)
	}
}

func TestParseProductDelete(t *testing.T) {
	tests := []struct {
		body, want string
	}{
		{`{"id":788032119674292922}`, "gid://shopify/Product/788032119674292922"},
		{string(shopifytest.ProductDeletePayload(123)), "gid://shopify/Product/123"},
		{`{"id":"456"}`, "gid://shopify/Product/456"},
		{`{}`, ""},
		{`{"id":null}`, ""},
		{`[]`, ""},
		{`null`, ""},
		{`{"id":123,"title":"x"}`, ""}, // more than a delete ever says
	}
	for _, tt := range tests {
		got, err := shopify.ParseProductDelete([]byte(tt.body))
		if tt.want == "" {
			if !errors.Is(err, shopify.ErrBadPayload) {
				t.Errorf("ParseProductDelete(%s) = %q, %v; want ErrBadPayload", tt.body, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseProductDelete(%s) = %q, %v; want %q", tt.body, got, err, tt.want)
		}
	}
}

func TestParseCompliance(t *testing.T) {
	dr, err := shopify.ParseCustomerDataRequest([]byte(`{
	  "shop_id": 954889, "shop_domain": "acme.myshopify.com",
	  "orders_requested": [299938, 280263, 220458],
	  "customer": {"id": 191167, "email": "john@example.com", "phone": "555-625-1199"},
	  "data_request": {"id": 9999}}`))
	if err != nil {
		t.Fatal(err)
	}
	want := shopify.CustomerDataRequest{ShopID: 954889, ShopDomain: shopDomain,
		Customer:        shopify.ComplianceCustomer{ID: 191167, Email: "john@example.com", Phone: "555-625-1199"},
		OrdersRequested: []int64{299938, 280263, 220458}, DataRequestID: 9999}
	if !reflect.DeepEqual(dr, want) {
		t.Fatalf("data request = %+v", dr)
	}

	cr, err := shopify.ParseCustomerRedact([]byte(`{
	  "shop_id": 954889, "shop_domain": "acme.myshopify.com",
	  "customer": {"id": 191167, "email": "john@example.com", "phone": "555-625-1199"},
	  "orders_to_redact": [299938, 280263]}`))
	if err != nil {
		t.Fatal(err)
	}
	if cr.ShopID != 954889 || cr.Customer.ID != 191167 || cr.Customer.Email != "john@example.com" || len(cr.OrdersToRedact) != 2 {
		t.Fatalf("customer redact = %+v", cr)
	}

	sr, err := shopify.ParseShopRedact([]byte(`{"shop_id": 954889, "shop_domain": "acme.myshopify.com"}`))
	if err != nil || sr != (shopify.ShopRedact{ShopID: 954889, ShopDomain: shopDomain}) {
		t.Fatalf("shop redact = %+v, %v", sr, err)
	}

	for _, body := range []string{`{"shop_id":1,"shop_domain":"evil.com"}`, `{"shop_id":1}`, `nope`} {
		if _, err := shopify.ParseShopRedact([]byte(body)); !errors.Is(err, shopify.ErrBadPayload) {
			t.Errorf("ParseShopRedact(%s) = %v", body, err)
		}
		if _, err := shopify.ParseCustomerRedact([]byte(body)); !errors.Is(err, shopify.ErrBadPayload) {
			t.Errorf("ParseCustomerRedact(%s) = %v", body, err)
		}
		if _, err := shopify.ParseCustomerDataRequest([]byte(body)); !errors.Is(err, shopify.ErrBadPayload) {
			t.Errorf("ParseCustomerDataRequest(%s) = %v", body, err)
		}
	}
}

// parsers are the Parse functions by the topic whose body each reads.
var parsers = map[string]func([]byte) error{
	"products/create": func(b []byte) error { _, err := shopify.ParseProductWebhook(b); return err },
	"products/update": func(b []byte) error { _, err := shopify.ParseProductWebhook(b); return err },
	"products/delete": func(b []byte) error { _, err := shopify.ParseProductDelete(b); return err },
	"app/uninstalled": func(b []byte) error { _, err := shopify.ParseAppUninstalled(b); return err },
	"shop/redact":     func(b []byte) error { _, err := shopify.ParseShopRedact(b); return err },
	"customers/redact": func(b []byte) error {
		_, err := shopify.ParseCustomerRedact(b)
		return err
	},
	"customers/data_request": func(b []byte) error {
		_, err := shopify.ParseCustomerDataRequest(b)
		return err
	},
}

// sameShape: products/create and products/update carry the same resource.
func sameShape(a, b string) bool {
	product := func(t string) bool { return t == "products/create" || t == "products/update" }
	return a == b || product(a) && product(b)
}

// TestParseRefusesAnotherTopicsBody: the topic header is not signed, so
// each topic's parser must accept its own documented body and refuse the
// body of every other topic, with ErrBadPayload.
func TestParseRefusesAnotherTopicsBody(t *testing.T) {
	fake, _ := newFake(t, "")
	for _, bodyTopic := range shopifytest.ExampleTopics {
		body := fake.ExampleBody(bodyTopic)
		for _, asTopic := range shopifytest.ExampleTopics {
			t.Run(bodyTopic+" as "+asTopic, func(t *testing.T) {
				err := parsers[asTopic](body)
				if sameShape(bodyTopic, asTopic) {
					if err != nil {
						t.Fatalf("its own topic's body refused: %v", err)
					}
					return
				}
				if !errors.Is(err, shopify.ErrBadPayload) {
					t.Fatalf("accepted (err %v), want ErrBadPayload", err)
				}
				if strings.Contains(err.Error(), "john@example.com") || strings.Contains(err.Error(), "Super Toys") {
					t.Fatalf("the error quotes the body: %v", err)
				}
			})
		}
	}
}

// TestParseAppUninstalledNeedsTheShop: the documented test notification
// says "myshopify_domain": null; without a shop domain the body cannot
// be told from another resource with an id, and must not disconnect.
func TestParseAppUninstalledNeedsTheShop(t *testing.T) {
	for _, body := range []string{
		`{"id":548380009,"name":"Super Toys","myshopify_domain":null}`,
		`{"id":548380009,"name":"Super Toys"}`,
		`{"id":548380009,"myshopify_domain":"evil.com"}`,
	} {
		if _, err := shopify.ParseAppUninstalled([]byte(body)); !errors.Is(err, shopify.ErrBadPayload) {
			t.Errorf("ParseAppUninstalled(%s) = %v, want ErrBadPayload", body, err)
		}
	}
	u, err := shopify.ParseAppUninstalled([]byte(`{"id":548380009,"myshopify_domain":"acme.myshopify.com"}`))
	if err != nil || u != (shopify.AppUninstalled{ShopID: 548380009, MyshopifyDomain: shopDomain}) {
		t.Fatalf("ParseAppUninstalled = %+v, %v", u, err)
	}
}
