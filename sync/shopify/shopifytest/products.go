package shopifytest

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// FakeProduct is a product of the fake shop.
type FakeProduct struct {
	ID        int64  // numeric id; AddProduct assigns one when zero
	Title     string // required
	Handle    string // default: derived from Title
	Vendor    string // default: the shop's name, as Shopify fills it in
	Status    string // ACTIVE (default), DRAFT or ARCHIVED
	URL       string // onlineStoreUrl; "" means unpublished (null)
	ImageURL  string // featuredImage.url; "" means none (null)
	ImageAlt  string
	UpdatedAt time.Time // default: the fake's now
	// Variants; a product without any gets one "Default Title" variant, as
	// in Shopify.
	Variants []FakeVariant
}

// FakeVariant is a product variant.
type FakeVariant struct {
	ID                int64 // assigned when zero
	Title, SKU, Price string
	InventoryQuantity int
}

// ProductGID is the GraphQL id of a product: gid://shopify/Product/<id>.
func ProductGID(id int64) string { return fmt.Sprintf("gid://shopify/Product/%d", id) }

// VariantGID is the GraphQL id of a variant.
func VariantGID(id int64) string { return fmt.Sprintf("gid://shopify/ProductVariant/%d", id) }

var nonHandle = regexp.MustCompile(`[^a-z0-9]+`)

// prepare fills defaults, under the lock.
func (s *Server) prepare(p FakeProduct) *FakeProduct {
	if p.Handle == "" {
		p.Handle = strings.Trim(nonHandle.ReplaceAllString(strings.ToLower(p.Title), "-"), "-")
	}
	if p.Status == "" {
		p.Status = "ACTIVE"
	}
	if p.Vendor == "" {
		p.Vendor = s.shop.name
	}
	p.Status = strings.ToUpper(p.Status)
	if p.UpdatedAt.IsZero() {
		p.UpdatedAt = s.now()
	}
	p.UpdatedAt = p.UpdatedAt.UTC().Truncate(time.Second)
	p.Variants = slices.Clone(p.Variants)
	if len(p.Variants) == 0 {
		p.Variants = []FakeVariant{{Title: "Default Title", Price: "0.00"}}
	}
	for i := range p.Variants {
		if p.Variants[i].ID == 0 {
			s.nextID++
			p.Variants[i].ID = 40000000000000 + s.nextID
		}
		if p.Variants[i].Price == "" {
			p.Variants[i].Price = "0.00"
		}
	}
	return &p
}

// AddProduct adds a product and returns its GraphQL id. Re-adding an ID
// replaces that product.
func (s *Server) AddProduct(p FakeProduct) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p.ID == 0 {
		s.nextID++
		p.ID = s.nextID
	}
	s.products[p.ID] = s.prepare(p)
	return ProductGID(p.ID)
}

// UpdateProduct replaces the product with p.ID; UpdatedAt defaults to now.
// It fails the test when there is no such product; call it from the test
// goroutine.
func (s *Server) UpdateProduct(p FakeProduct) {
	s.tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.products[p.ID] == nil {
		s.tb.Fatalf("shopifytest: UpdateProduct: no product %d", p.ID)
	}
	s.products[p.ID] = s.prepare(p)
}

// DeleteProduct removes a product.
func (s *Server) DeleteProduct(id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.products, id)
}

// sortedProducts lists products by id, Shopify's default order.
func (s *Server) sortedProducts() []*FakeProduct {
	out := make([]*FakeProduct, 0, len(s.products))
	for _, p := range s.products {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b *FakeProduct) int {
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
	return out
}

// ProductPayload returns the body Shopify sends for products/create and
// products/update of product id: the REST resource (numeric ids,
// admin_graphql_api_id, lowercase status, updated_at with offset,
// variants[] with inventory_quantity, image and images[]). It fails the
// test when there is no such product.
func (s *Server) ProductPayload(id int64) []byte {
	s.tb.Helper()
	s.mu.Lock()
	p := s.products[id]
	s.mu.Unlock()
	if p == nil {
		s.tb.Fatalf("shopifytest: ProductPayload: no product %d", id)
		return nil
	}
	variants := make([]map[string]any, len(p.Variants))
	for i, v := range p.Variants {
		variants[i] = map[string]any{
			"id": v.ID, "product_id": p.ID, "title": v.Title, "price": v.Price, "sku": v.SKU,
			"position": i + 1, "inventory_policy": "deny", "inventory_management": "shopify",
			"inventory_quantity": v.InventoryQuantity, "admin_graphql_api_id": VariantGID(v.ID),
			"created_at": p.UpdatedAt.Format(restTime), "updated_at": p.UpdatedAt.Format(restTime),
		}
	}
	var image any
	images := []map[string]any{}
	if p.ImageURL != "" {
		img := map[string]any{"id": p.ID + 1, "product_id": p.ID, "position": 1, "alt": p.ImageAlt, "src": p.ImageURL}
		image, images = img, append(images, img)
	}
	body, _ := json.Marshal(map[string]any{
		"id": p.ID, "admin_graphql_api_id": ProductGID(p.ID), "title": p.Title, "handle": p.Handle,
		"body_html": "", "vendor": p.Vendor, "product_type": "", "tags": "",
		"status": strings.ToLower(p.Status), "published_scope": "global",
		"created_at": p.UpdatedAt.Format(restTime), "updated_at": p.UpdatedAt.Format(restTime),
		"variants": variants, "options": []any{}, "image": image, "images": images,
	})
	return body
}

// ProductDeletePayload is the products/delete body: {"id":<id>}.
func ProductDeletePayload(id int64) []byte {
	return fmt.Appendf(nil, `{"id":%d}`, id)
}

// restTime is how REST payloads write times: 2026-05-01T10:00:00-04:00.
const restTime = "2006-01-02T15:04:05-07:00"
