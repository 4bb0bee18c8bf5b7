package shopify_test

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/shopify"
	"github.com/merchant-inbox/merchant-inbox/sync/shopify/shopifytest"
)

// A products/update body in the REST shape Shopify sends (trimmed from the
// documented example payload).
const productUpdateBody = `{
  "admin_graphql_api_id": "gid://shopify/Product/788032119674292922",
  "body_html": "An example T-Shirt",
  "created_at": null,
  "handle": "example-t-shirt",
  "id": 788032119674292922,
  "product_type": "Shirts",
  "published_at": "2021-12-31T19:00:00-05:00",
  "template_suffix": null,
  "title": "Example T-Shirt",
  "updated_at": "2021-12-31T19:00:00-05:00",
  "vendor": "Acme",
  "status": "active",
  "published_scope": "web",
  "tags": "example, mens, t-shirt",
  "variants": [
    {"admin_graphql_api_id": "gid://shopify/ProductVariant/642667041472713922", "barcode": null, "compare_at_price": "24.99",
     "created_at": null, "id": 642667041472713922, "inventory_policy": "deny", "position": 0, "price": "19.99",
     "product_id": 788032119674292922, "sku": "example-shirt-s", "taxable": true, "title": "Small",
     "updated_at": null, "option1": "Small", "option2": null, "option3": null, "image_id": null,
     "inventory_item_id": null, "inventory_quantity": 75, "old_inventory_quantity": 75},
    {"admin_graphql_api_id": "gid://shopify/ProductVariant/757650484644203962", "id": 757650484644203962,
     "price": 19.99, "sku": null, "title": "Medium", "inventory_quantity": 50}
  ],
  "options": [],
  "images": [{"id": 1, "src": "https://cdn.shopify.com/example-0.jpg"}],
  "image": null,
  "media": [],
  "variant_gids": []
}`

func TestParseProductWebhook(t *testing.T) {
	p, err := shopify.ParseProductWebhook([]byte(productUpdateBody))
	if err != nil {
		t.Fatal(err)
	}
	want := shopify.Product{
		ID: "gid://shopify/Product/788032119674292922", Title: "Example T-Shirt", Handle: "example-t-shirt",
		Status: "ACTIVE", ImageURL: "https://cdn.shopify.com/example-0.jpg", TotalInventory: 125,
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
		`{"id":1,"updated_at":"yesterday"}`,
	} {
		if _, err := shopify.ParseProductWebhook([]byte(body)); !errors.Is(err, shopify.ErrBadPayload) {
			t.Errorf("ParseProductWebhook(%s) = %v, want ErrBadPayload", body, err)
		}
	}
	// A numeric id without admin_graphql_api_id still gives the gid, with
	// no float rounding of a large id.
	p, err := shopify.ParseProductWebhook([]byte(`{"id":9007199254740993,"title":"x","status":"draft"}`))
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
