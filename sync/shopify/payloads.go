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
// products/update payloads.
type restProduct struct {
	ID        restID `json:"id"`
	GraphQLID string `json:"admin_graphql_api_id"`
	Title     string `json:"title"`
	Handle    string `json:"handle"`
	Status    string `json:"status"`
	UpdatedAt string `json:"updated_at"`
	Variants  []struct {
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
func ParseProductWebhook(body []byte) (Product, error) {
	var rp restProduct
	if err := json.Unmarshal(body, &rp); err != nil {
		return Product{}, badPayload("product", err)
	}
	p := Product{
		ID:     gid(productGIDPrefix, rp.ID, rp.GraphQLID),
		Title:  rp.Title,
		Handle: rp.Handle,
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
	for _, v := range rp.Variants {
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
// the product's GraphQL id.
func ParseProductDelete(body []byte) (string, error) {
	var w struct {
		ID restID `json:"id"`
	}
	if err := json.Unmarshal(body, &w); err != nil {
		return "", badPayload("product delete", err)
	}
	if w.ID == "" {
		return "", badPayload("product delete has no id", nil)
	}
	return productGIDPrefix + string(w.ID), nil
}

// ComplianceCustomer is the customer of a compliance webhook.
type ComplianceCustomer struct {
	ID    int64  `json:"id"`
	Email string `json:"email"`
	Phone string `json:"phone"`
}

// CustomerDataRequest is a customers/data_request payload: the merchant
// asks for the data the app holds about a customer.
type CustomerDataRequest struct {
	ShopID          int64              `json:"shop_id"`
	ShopDomain      string             `json:"shop_domain"`
	Customer        ComplianceCustomer `json:"customer"`
	OrdersRequested []int64            `json:"orders_requested"`
	DataRequestID   int64              `json:"-"`
}

// CustomerRedact is a customers/redact payload: delete what the app holds
// about a customer.
type CustomerRedact struct {
	ShopID         int64              `json:"shop_id"`
	ShopDomain     string             `json:"shop_domain"`
	Customer       ComplianceCustomer `json:"customer"`
	OrdersToRedact []int64            `json:"orders_to_redact"`
}

// ShopRedact is a shop/redact payload, sent 48 hours after the app was
// uninstalled: delete what the app holds about the shop.
type ShopRedact struct {
	ShopID     int64  `json:"shop_id"`
	ShopDomain string `json:"shop_domain"`
}

// The mandatory compliance webhooks' payloads are documented at
// shopify.dev/docs/apps/build/compliance/privacy-law-compliance.

// ParseCustomerDataRequest reads a customers/data_request body.
func ParseCustomerDataRequest(body []byte) (CustomerDataRequest, error) {
	var w struct {
		CustomerDataRequest
		DataRequest struct {
			ID int64 `json:"id"`
		} `json:"data_request"`
	}
	if err := json.Unmarshal(body, &w); err != nil {
		return CustomerDataRequest{}, badPayload("customers/data_request", err)
	}
	r := w.CustomerDataRequest
	r.DataRequestID = w.DataRequest.ID
	if !validShop(r.ShopDomain) {
		return CustomerDataRequest{}, badPayload("customers/data_request has no valid shop_domain", nil)
	}
	return r, nil
}

// ParseCustomerRedact reads a customers/redact body.
func ParseCustomerRedact(body []byte) (CustomerRedact, error) {
	var r CustomerRedact
	if err := json.Unmarshal(body, &r); err != nil {
		return CustomerRedact{}, badPayload("customers/redact", err)
	}
	if !validShop(r.ShopDomain) {
		return CustomerRedact{}, badPayload("customers/redact has no valid shop_domain", nil)
	}
	return r, nil
}

// ParseShopRedact reads a shop/redact body.
func ParseShopRedact(body []byte) (ShopRedact, error) {
	var r ShopRedact
	if err := json.Unmarshal(body, &r); err != nil {
		return ShopRedact{}, badPayload("shop/redact", err)
	}
	if !validShop(r.ShopDomain) {
		return ShopRedact{}, badPayload("shop/redact has no valid shop_domain", nil)
	}
	return r, nil
}

// AppUninstalled is the part of an app/uninstalled body (the shop
// resource) the app checks: the headers naming the shop are not signed,
// the body is.
type AppUninstalled struct {
	ShopID          int64  `json:"id"`
	MyshopifyDomain string `json:"myshopify_domain"`
}

// ParseAppUninstalled reads an app/uninstalled body. MyshopifyDomain may
// be empty; when present it is a valid shop domain.
func ParseAppUninstalled(body []byte) (AppUninstalled, error) {
	var r AppUninstalled
	if err := json.Unmarshal(body, &r); err != nil {
		return AppUninstalled{}, badPayload("app/uninstalled", err)
	}
	if r.MyshopifyDomain != "" && !validShop(r.MyshopifyDomain) {
		return AppUninstalled{}, badPayload("app/uninstalled has an invalid myshopify_domain", nil)
	}
	return r, nil
}
