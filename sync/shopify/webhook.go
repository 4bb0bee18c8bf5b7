package shopify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// Webhook headers Shopify sends with every delivery
// (shopify.dev/docs/apps/build/webhooks/subscribe/https).
const (
	HeaderHmac        = "X-Shopify-Hmac-Sha256"
	HeaderTopic       = "X-Shopify-Topic"
	HeaderShopDomain  = "X-Shopify-Shop-Domain"
	HeaderWebhookID   = "X-Shopify-Webhook-Id"
	HeaderTriggeredAt = "X-Shopify-Triggered-At"
	HeaderAPIVersion  = "X-Shopify-API-Version"
)

// DefaultMaxBodyBytes bounds a webhook body when WebhookOptions.MaxBodyBytes
// is zero. A product with many variants stays well under it.
const DefaultMaxBodyBytes = 4 << 20

// WebhookHMAC is the X-Shopify-Hmac-Sha256 value for body: the base64
// HMAC-SHA256 of the raw body keyed with the client secret.
func WebhookHMAC(body []byte, clientSecret string) string {
	m := hmac.New(sha256.New, []byte(clientSecret))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// VerifyWebhook checks an X-Shopify-Hmac-Sha256 header against the raw
// body as received (re-encoded JSON would not match), in constant time. An
// empty client secret never verifies.
func VerifyWebhook(body []byte, hmacHeader, clientSecret string) error {
	if clientSecret == "" {
		return fmt.Errorf("%w: no client secret configured", ErrBadHMAC)
	}
	got, err := base64.StdEncoding.DecodeString(strings.TrimSpace(hmacHeader))
	if err != nil || len(got) != sha256.Size {
		return fmt.Errorf("%w: missing or malformed %s", ErrBadHMAC, HeaderHmac)
	}
	m := hmac.New(sha256.New, []byte(clientSecret))
	m.Write(body)
	if !hmac.Equal(got, m.Sum(nil)) {
		return ErrBadHMAC
	}
	return nil
}

// Delivery is one verified webhook delivery.
type Delivery struct {
	Topic       string // header form, e.g. "products/update"
	Shop        string // "name.myshopify.com"
	WebhookID   string // the same for every retry of one event: dedupe on it
	APIVersion  string
	TriggeredAt time.Time // zero when the header is absent or unreadable
	Body        []byte    // raw JSON; see ParseProductWebhook and friends
}

// WebhookSink receives verified deliveries. HandleShopify must durably
// commit the delivery before returning nil: the handler then answers 200 and
// Shopify never sends it again. An error makes Shopify retry (8 times over 4
// hours, then an API-created subscription is deleted), so deliveries
// may repeat: dedupe on WebhookID.
type WebhookSink interface {
	HandleShopify(ctx context.Context, d Delivery) error
}

// WebhookOptions configures NewWebhookHandler.
type WebhookOptions struct {
	ClientSecret string       // verifies X-Shopify-Hmac-Sha256; required
	Sink         WebhookSink  // required
	MaxBodyBytes int64        // default DefaultMaxBodyBytes
	Logger       *slog.Logger // default slog.Default()
}

// NewWebhookHandler returns the http.Handler for Shopify webhooks, to mount
// on any listener:
//
//   - only POST is accepted (405 otherwise);
//   - a body larger than MaxBodyBytes is 413;
//   - a missing or wrong X-Shopify-Hmac-Sha256 is 401, as Shopify requires
//     (shopify.dev/docs/apps/build/compliance/privacy-law-compliance),
//     and nothing is stored;
//   - missing X-Shopify-Topic, X-Shopify-Shop-Domain or X-Shopify-Webhook-Id
//     (or a shop domain that is not *.myshopify.com) is 400;
//   - a Sink error wrapping ErrBadPayload (a signed body that does not fit
//     its topic) is 200: the delivery is dropped, not stored;
//   - any other Sink error is 500 (Shopify retries);
//   - otherwise 200, only after the Sink returned.
//
// Shopify retries a non-2xx answer 8 times over 4 hours, then deletes a
// subscription made through the API. So only what a retry can fix gets
// one: a wrong signature (401: the merchant may be fixing the client
// secret) and a store that failed (500). A request without Shopify's
// headers, or not a POST, never came from Shopify, which always sends
// them, and a body over the limit is far beyond any Shopify sends: those
// get 4xx.
//
// Logs carry topics, shops and statuses, never bodies or secrets. It panics
// when ClientSecret or Sink is missing: a handler that cannot verify or
// store must not start acknowledging.
func NewWebhookHandler(o WebhookOptions) http.Handler {
	if o.ClientSecret == "" || o.Sink == nil {
		panic("shopify: NewWebhookHandler needs a ClientSecret and a Sink")
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return &webhookHandler{opt: o, log: o.Logger.With("component", "shopify-webhook")}
}

type webhookHandler struct {
	opt WebhookOptions
	log *slog.Logger
}

func (h *webhookHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}
	limit := h.opt.MaxBodyBytes
	if r.ContentLength > limit {
		h.reject(ctx, w, http.StatusRequestEntityTooLarge, "webhook body too large", "bytes", r.ContentLength)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		h.reject(ctx, w, http.StatusBadRequest, "reading webhook body failed", "err", err)
		return
	}
	if int64(len(body)) > limit {
		h.reject(ctx, w, http.StatusRequestEntityTooLarge, "webhook body too large", "limit", limit)
		return
	}
	if err := VerifyWebhook(body, r.Header.Get(HeaderHmac), h.opt.ClientSecret); err != nil {
		h.reject(ctx, w, http.StatusUnauthorized, "webhook HMAC rejected", "err", err, "remote", r.RemoteAddr)
		return
	}
	d := Delivery{
		Topic:      strings.TrimSpace(r.Header.Get(HeaderTopic)),
		Shop:       strings.TrimSpace(r.Header.Get(HeaderShopDomain)),
		WebhookID:  strings.TrimSpace(r.Header.Get(HeaderWebhookID)),
		APIVersion: strings.TrimSpace(r.Header.Get(HeaderAPIVersion)),
		Body:       body,
	}
	if d.Topic == "" || d.WebhookID == "" || !validShop(d.Shop) {
		h.reject(ctx, w, http.StatusBadRequest, "webhook headers missing", "topic", d.Topic, "shop", truncate(d.Shop, 80))
		return
	}
	if t, err := time.Parse(time.RFC3339Nano, r.Header.Get(HeaderTriggeredAt)); err == nil {
		d.TriggeredAt = t
	}
	err = h.opt.Sink.HandleShopify(ctx, d)
	if errors.Is(err, ErrBadPayload) {
		// The body is signed, so Shopify sent it at some time, and it
		// sends the same bytes on every retry: refusing it would only buy
		// four hours of identical retries and then cost the subscription,
		// with every later product change, for one unreadable delivery.
		// Replayed under another topic by someone else, it gets the same
		// answer and changes nothing. The catalogue poll reconciles what
		// a dropped delivery would have said.
		h.log.WarnContext(ctx, "webhook body does not fit its topic; acknowledged and dropped",
			"topic", d.Topic, "shop", d.Shop, "webhook_id", d.WebhookID, "err", err)
		w.WriteHeader(http.StatusOK)
		return
	}
	if err != nil {
		h.log.ErrorContext(ctx, "webhook not stored", "topic", d.Topic, "shop", d.Shop, "webhook_id", d.WebhookID, "err", err)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	h.log.DebugContext(ctx, "webhook stored", "topic", d.Topic, "shop", d.Shop, "webhook_id", d.WebhookID)
	w.WriteHeader(http.StatusOK)
}

func (h *webhookHandler) reject(ctx context.Context, w http.ResponseWriter, status int, msg string, args ...any) {
	h.log.WarnContext(ctx, msg, append(args, "status", status)...)
	http.Error(w, http.StatusText(status), status)
}

// String describes the handler without the client secret: fmt would
// otherwise print its unexported options field by field.
func (h *webhookHandler) String() string { return "shopify.webhookHandler{" + h.opt.String() + "}" }

// Format prints String for every verb.
func (h *webhookHandler) Format(f fmt.State, _ rune) { fmt.Fprint(f, h.String()) }
