package shopify

import "encoding/json"

// The bodies about the shop itself: app/uninstalled and the three
// mandatory compliance topics.

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

// ParseCustomerDataRequest reads a customers/data_request body. It must
// name the customer and the request.
func ParseCustomerDataRequest(body []byte) (CustomerDataRequest, error) {
	if err := requireKeys("customers/data_request", body, "shop_domain", "customer", "data_request"); err != nil {
		return CustomerDataRequest{}, err
	}
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

// ParseCustomerRedact reads a customers/redact body. It must name the
// customer, and not be a data request.
func ParseCustomerRedact(body []byte) (CustomerRedact, error) {
	keys, err := objectKeys("customers/redact", body)
	if err != nil {
		return CustomerRedact{}, err
	}
	if err := hasKeys("customers/redact", keys, "shop_domain", "customer"); err != nil {
		return CustomerRedact{}, err
	}
	if err := lacksKeys("customers/redact", keys, "data_request", "orders_requested"); err != nil {
		return CustomerRedact{}, err
	}
	var r CustomerRedact
	if err := json.Unmarshal(body, &r); err != nil {
		return CustomerRedact{}, badPayload("customers/redact", err)
	}
	if !validShop(r.ShopDomain) {
		return CustomerRedact{}, badPayload("customers/redact has no valid shop_domain", nil)
	}
	return r, nil
}

// ParseShopRedact reads a shop/redact body, {"shop_id":…,"shop_domain":…}.
// shop/redact erases everything, and a customers/* body names the same
// shop: a body with any key of theirs is refused, so that a
// customers/redact replayed as shop/redact erases nothing.
func ParseShopRedact(body []byte) (ShopRedact, error) {
	keys, err := objectKeys("shop/redact", body)
	if err != nil {
		return ShopRedact{}, err
	}
	if err := hasKeys("shop/redact", keys, "shop_id", "shop_domain"); err != nil {
		return ShopRedact{}, err
	}
	if err := lacksKeys("shop/redact", keys, customerTopicKeys...); err != nil {
		return ShopRedact{}, err
	}
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

// ParseAppUninstalled reads an app/uninstalled body. MyshopifyDomain is
// required and valid: it is what tells the shop resource from every other
// body the app receives (a product has an id too), and what the caller
// compares with the connected shop. Shopify's "send test notification"
// sample has "myshopify_domain": null and is refused too, which is right:
// a test must not disconnect the shop.
func ParseAppUninstalled(body []byte) (AppUninstalled, error) {
	var r AppUninstalled
	if err := json.Unmarshal(body, &r); err != nil {
		return AppUninstalled{}, badPayload("app/uninstalled", err)
	}
	if !validShop(r.MyshopifyDomain) {
		return AppUninstalled{}, badPayload("app/uninstalled has no valid myshopify_domain", nil)
	}
	return r, nil
}
