package shopifytest

import "strings"

// ExampleTopics are the webhook topics ExampleBody knows: those the app
// subscribes to and the three mandatory compliance topics.
var ExampleTopics = []string{
	"products/create", "products/update", "products/delete", "app/uninstalled",
	"shop/redact", "customers/redact", "customers/data_request",
}

// ExampleBody returns the example body Shopify documents for topic, with
// the fake's shop (SetMyshopifyDomain) wherever the example names the
// shop, as a real delivery does. Tests replay these bodies under other
// topics: the topic header is not signed. It fails the test for a topic
// not in ExampleTopics.
//
// Two documented examples are adjusted to what real deliveries carry: the
// app/uninstalled sample has "myshopify_domain": null (a real shop always
// has one), and the compliance samples say "{shop}.myshopify.com".
func (s *Server) ExampleBody(topic string) []byte {
	s.tb.Helper()
	body, ok := exampleBodies[topic]
	if !ok {
		s.tb.Fatalf("shopifytest: ExampleBody: no example for topic %q", topic)
		return nil
	}
	return []byte(strings.ReplaceAll(body, "{shop}", s.Shop()))
}

// exampleProduct is the products/create and products/update example: the
// REST product resource, with numeric ids, a second variant whose price
// is a JSON number (older API versions) and whose sku is null.
const exampleProduct = `{
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
  "variant_gids": [
    {"admin_graphql_api_id": "gid://shopify/ProductVariant/757650484644203962", "updated_at": "2022-01-01T00:00:00.000Z"},
    {"admin_graphql_api_id": "gid://shopify/ProductVariant/642667041472713922", "updated_at": "2022-01-01T00:00:00.000Z"}
  ],
  "has_variants_that_requires_components": false,
  "category": null
}`

var exampleBodies = map[string]string{
	"products/create": exampleProduct,
	"products/update": exampleProduct,
	"products/delete": `{"id": 788032119674292922}`,
	"app/uninstalled": `{"id": 548380009, "name": "Super Toys", "email": "super@supertoys.com", "domain": null,
  "province": "Tennessee", "country": "US", "address1": "190 MacLaren Street", "zip": "37178", "city": "Houston",
  "source": null, "phone": "3213213210", "latitude": null, "longitude": null, "primary_locale": "en",
  "address2": null, "created_at": null, "updated_at": null, "country_code": "US", "country_name": "United States",
  "currency": "USD", "customer_email": "super@supertoys.com", "timezone": "(GMT-05:00) Eastern Time (US & Canada)",
  "iana_timezone": null, "shop_owner": "John Smith", "money_format": "${{amount}}",
  "money_with_currency_format": "${{amount}} USD", "weight_unit": "kg", "province_code": "TN",
  "taxes_included": null, "auto_configure_tax_inclusivity": null, "tax_shipping": null, "county_taxes": null,
  "plan_display_name": "Shopify Plus", "plan_name": "enterprise", "has_discounts": false, "has_gift_cards": true,
  "myshopify_domain": "{shop}", "google_apps_domain": null, "google_apps_login_enabled": null,
  "money_in_emails_format": "${{amount}}", "money_with_currency_in_emails_format": "${{amount}} USD",
  "eligible_for_payments": true, "requires_extra_payments_agreement": false, "password_enabled": null,
  "has_storefront": true, "finances": true, "primary_location_id": 655441491, "checkout_api_supported": true,
  "multi_location_enabled": true, "setup_required": false, "pre_launch_enabled": false,
  "enabled_presentment_currencies": ["USD"], "transactional_sms_disabled": false,
  "marketing_sms_consent_enabled_at_checkout": false}`,
	"shop/redact": `{"shop_id": 954889, "shop_domain": "{shop}"}`,
	"customers/redact": `{"shop_id": 954889, "shop_domain": "{shop}",
  "customer": {"id": 191167, "email": "john@example.com", "phone": "555-625-1199"},
  "orders_to_redact": [299938, 280263, 220458]}`,
	"customers/data_request": `{"shop_id": 954889, "shop_domain": "{shop}",
  "orders_requested": [299938, 280263, 220458],
  "customer": {"id": 191167, "email": "john@example.com", "phone": "555-625-1199"},
  "data_request": {"id": 9999}}`,
}
