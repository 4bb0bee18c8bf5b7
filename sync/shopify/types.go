package shopify

import "time"

// ShopInfo describes the shop.
type ShopInfo struct {
	Name            string // the shop's display name
	Domain          string // primary domain host, e.g. "shop.example.com"
	MyshopifyDomain string // "name.myshopify.com"
	Currency        string // ISO 4217 code, e.g. "EUR"
}

// Product is a product as read from the GraphQL API or a products/*
// webhook; both give the same ID ("gid://shopify/Product/<n>").
type Product struct {
	ID, Title, Handle string
	Vendor            string // the brand or supplier the merchant entered
	Status            string // ACTIVE, DRAFT or ARCHIVED (webhooks' lowercase is upper-cased)
	URL               string // onlineStoreUrl; "" when not published (and always in webhooks)
	ImageURL          string // featured image
	TotalInventory    int
	UpdatedAt         time.Time
	Variants          []Variant
}

// Variant is a product variant.
type Variant struct {
	ID, Title, SKU    string
	Price             string // decimal string in the shop's currency, e.g. "29.99"
	InventoryQuantity int
}

// WebhookSubscription is one of the app's webhook subscriptions on the shop.
type WebhookSubscription struct {
	ID    string // "gid://shopify/WebhookSubscription/<n>"
	Topic string // GraphQL enum form, e.g. PRODUCTS_UPDATE
	URI   string
}

// Product and variant global ids, as the GraphQL API writes them; webhooks
// carry the numeric part only.
const (
	productGIDPrefix = "gid://shopify/Product/"
	variantGIDPrefix = "gid://shopify/ProductVariant/"
)
