package shopifytest

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"time"
)

// deliverTimeout is Shopify's total time limit for a delivery (1 s to
// connect, 5 s in all).
const deliverTimeout = 5 * time.Second

// SignBody returns the X-Shopify-Hmac-Sha256 value Shopify sends for body:
// the base64 HMAC-SHA256 of the raw body keyed with the client secret.
func SignBody(body []byte, clientSecret string) string {
	m := hmac.New(sha256.New, []byte(clientSecret))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// DeliverOption changes one delivery.
type DeliverOption func(*delivery)

type delivery struct {
	wrongSignature bool
	webhookID      string
	triggeredAt    time.Time
	shop           string
	omit           []string
}

// WithWrongSignature signs the body with a wrong secret.
func WithWrongSignature() DeliverOption { return func(d *delivery) { d.wrongSignature = true } }

// WithWebhookID sends id as X-Shopify-Webhook-Id, as Shopify does when it
// retries a delivery (the default is a fresh random id).
func WithWebhookID(id string) DeliverOption { return func(d *delivery) { d.webhookID = id } }

// WithTriggeredAt sets X-Shopify-Triggered-At (default: the fake's now).
func WithTriggeredAt(t time.Time) DeliverOption { return func(d *delivery) { d.triggeredAt = t } }

// WithShopDomain sets X-Shopify-Shop-Domain (default: the fake's shop).
func WithShopDomain(shop string) DeliverOption { return func(d *delivery) { d.shop = shop } }

// WithoutHeader leaves header name out of the delivery.
func WithoutHeader(name string) DeliverOption {
	return func(d *delivery) { d.omit = append(d.omit, name) }
}

// Deliver POSTs a webhook to url the way Shopify does: the raw body,
// Content-Type application/json, and X-Shopify-Topic (topic as Shopify
// writes it, e.g. "products/update"), X-Shopify-Hmac-Sha256 (signed with
// the app's client secret), X-Shopify-Shop-Domain, X-Shopify-Webhook-Id,
// X-Shopify-Event-Id, X-Shopify-Triggered-At and X-Shopify-API-Version. It
// does not follow redirects (Shopify counts a 3xx as a failure) and returns
// the status.
func (s *Server) Deliver(ctx context.Context, url, topic string, body []byte, opts ...DeliverOption) (status int, err error) {
	s.mu.Lock()
	d := delivery{webhookID: newUUID(), triggeredAt: s.now(), shop: s.shop.myshopify}
	secret := s.clientSecret
	s.mu.Unlock()
	for _, o := range opts {
		o(&d)
	}
	if d.wrongSignature {
		secret = "not-" + secret
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	h := req.Header
	h.Set("Content-Type", "application/json")
	h.Set("X-Shopify-Topic", topic)
	h.Set("X-Shopify-Hmac-Sha256", SignBody(body, secret))
	h.Set("X-Shopify-Shop-Domain", d.shop)
	h.Set("X-Shopify-Webhook-Id", d.webhookID)
	h.Set("X-Shopify-Event-Id", newUUID())
	h.Set("X-Shopify-Triggered-At", d.triggeredAt.UTC().Format(time.RFC3339Nano))
	h.Set("X-Shopify-API-Version", APIVersion)
	for _, name := range d.omit {
		h.Del(name)
	}
	hc := &http.Client{
		Timeout:       deliverTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, nil
}

func newUUID() string {
	b := []byte(randomHex(16))
	return fmt.Sprintf("%s-%s-4%s-a%s-%s", b[0:8], b[8:12], b[13:16], b[17:20], b[20:32])
}
