package shopify

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ErrBadPayload: a webhook body is not the documented JSON shape.
var ErrBadPayload error = &sentinel{"shopify: malformed webhook payload",
	"Shopify sent a webhook the app could not read: please report this problem."}

// restID is a numeric REST id. Shopify ids fit in int64 but not always in
// a float64's 53 bits, so they are never decoded through float64; a quoted
// number is accepted too.
type restID string

func (id *restID) UnmarshalJSON(b []byte) error {
	s := string(bytes.Trim(b, `"`))
	if s == "null" || s == "" {
		*id = ""
		return nil
	}
	if _, err := strconv.ParseUint(s, 10, 64); err != nil {
		return errors.New("id is not a positive integer")
	}
	*id = restID(s)
	return nil
}

// gid returns the GraphQL global id: prefer admin_graphql_api_id when the
// payload has one, else prefix + the numeric id.
func gid(prefix string, id restID, graphqlID string) string {
	if strings.HasPrefix(graphqlID, prefix) {
		return graphqlID
	}
	if id == "" {
		return ""
	}
	return prefix + string(id)
}

// restProduct is the REST-shaped product of products/create and
// products/update payloads. Title and Variants are pointers so that a body
// without them, which is no product (see ParseProductWebhook), can be told
// from an empty title or a product without variants.
type restProduct struct {
	ID        restID  `json:"id"`
	GraphQLID string  `json:"admin_graphql_api_id"`
	Title     *string `json:"title"`
	Handle    string  `json:"handle"`
	Vendor    string  `json:"vendor"`
	Status    string  `json:"status"`
	UpdatedAt string  `json:"updated_at"`
	Variants  *[]struct {
		ID                restID          `json:"id"`
		GraphQLID         string          `json:"admin_graphql_api_id"`
		Title             string          `json:"title"`
		SKU               *string         `json:"sku"`
		Price             json.RawMessage `json:"price"`
		InventoryQuantity *int            `json:"inventory_quantity"`
	} `json:"variants"`
	Image *struct {
		Src string `json:"src"`
	} `json:"image"`
	Images []struct {
		Src string `json:"src"`
	} `json:"images"`
}

func badPayload(what string, err error) error {
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrBadPayload, what, err)
	}
	return fmt.Errorf("%w: %s", ErrBadPayload, what)
}

// ParseProductWebhook reads a products/create or products/update body
// (REST shape: numeric id, lowercase status, updated_at, variants[], image
// or images[]) into the Product the GraphQL API would give: ids become
// "gid://shopify/Product/<id>" so the two sources update the same record,
// status is upper-cased, TotalInventory is the sum of the variants'
// inventory_quantity. URL stays empty: webhooks do not carry it.
//
// A body without an id, a title and a variants list is refused: every
// product has them, and no other topic's body has all three (a
// products/delete body or the shop of app/uninstalled has an id too), so
// such a body replayed under a product topic cannot overwrite a product.
func ParseProductWebhook(body []byte) (Product, error) {
	var rp restProduct
	if err := json.Unmarshal(body, &rp); err != nil {
		return Product{}, badPayload("product", err)
	}
	if rp.Title == nil || rp.Variants == nil {
		return Product{}, badPayload("product body has no title or no variants list: not a product", nil)
	}
	p := Product{
		ID:     gid(productGIDPrefix, rp.ID, rp.GraphQLID),
		Title:  *rp.Title,
		Handle: rp.Handle,
		Vendor: rp.Vendor,
		Status: strings.ToUpper(rp.Status),
	}
	if p.ID == "" {
		return Product{}, badPayload("product has no id", nil)
	}
	if rp.UpdatedAt != "" {
		t, err := time.Parse(time.RFC3339, rp.UpdatedAt)
		if err != nil {
			return Product{}, badPayload("updated_at", err)
		}
		p.UpdatedAt = t
	}
	switch {
	case rp.Image != nil && rp.Image.Src != "":
		p.ImageURL = rp.Image.Src
	case len(rp.Images) > 0:
		p.ImageURL = rp.Images[0].Src
	}
	for _, v := range *rp.Variants {
		pv := Variant{ID: gid(variantGIDPrefix, v.ID, v.GraphQLID), Title: v.Title, Price: priceString(v.Price)}
		if v.SKU != nil {
			pv.SKU = *v.SKU
		}
		if v.InventoryQuantity != nil {
			pv.InventoryQuantity = *v.InventoryQuantity
			p.TotalInventory += pv.InventoryQuantity
		}
		p.Variants = append(p.Variants, pv)
	}
	return p, nil
}

// priceString reads a price written as a string ("29.99", current API
// versions) or, in old payloads, a JSON number.
func priceString(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// ParseProductDelete reads a products/delete body, {"id":123}, and returns
// the product's GraphQL id. The body must be exactly that: every other
// body the app receives has an id or more besides, and a products/update
// body replayed as products/delete must not delete the product.
func ParseProductDelete(body []byte) (string, error) {
	keys, err := objectKeys("products/delete", body)
	if err != nil {
		return "", err
	}
	if err := onlyKeys("products/delete", keys, "id"); err != nil {
		return "", err
	}
	var id restID
	if err := json.Unmarshal(keys["id"], &id); err != nil {
		return "", badPayload("product delete", err)
	}
	if id == "" {
		return "", badPayload("product delete has no id", nil)
	}
	return productGIDPrefix + string(id), nil
}
