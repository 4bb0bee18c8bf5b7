package shopify_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/shopify"
	"github.com/merchant-inbox/merchant-inbox/sync/shopify/shopifytest"
)

func TestVerifyWebhook(t *testing.T) {
	body := []byte(`{"id":788032119674292922,"title":"Example T-Shirt"}`)
	good := shopifytest.SignBody(body, clientSecret)
	if good != shopify.WebhookHMAC(body, clientSecret) {
		t.Fatal("fake and package disagree on the webhook HMAC")
	}
	tests := []struct {
		name, header, secret string
		body                 []byte
		ok                   bool
	}{
		{"valid", good, clientSecret, body, true},
		{"valid with spaces", " " + good + " ", clientSecret, body, true},
		{"wrong secret", shopifytest.SignBody(body, "other"), clientSecret, body, false},
		{"body changed", good, clientSecret, append([]byte(" "), body...), false},
		{"missing", "", clientSecret, body, false},
		{"not base64", "!!!", clientSecret, body, false},
		{"hex instead of base64", hmacHex(clientSecret, string(body)), clientSecret, body, false},
		{"truncated", good[:20], clientSecret, body, false},
		{"no secret configured", shopifytest.SignBody(body, ""), "", body, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := shopify.VerifyWebhook(tt.body, tt.header, tt.secret)
			if tt.ok != (err == nil) {
				t.Fatalf("VerifyWebhook = %v, want ok=%v", err, tt.ok)
			}
			if err != nil && !errors.Is(err, shopify.ErrBadHMAC) {
				t.Fatalf("err = %v, want ErrBadHMAC", err)
			}
		})
	}
}

// recordingSink records deliveries; it can be made to fail or to block.
type recordingSink struct {
	mu      sync.Mutex
	got     []shopify.Delivery
	fail    error
	entered chan struct{}
	release chan struct{}
}

func (s *recordingSink) HandleShopify(ctx context.Context, d shopify.Delivery) error {
	if s.entered != nil {
		s.entered <- struct{}{}
		<-s.release
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return s.fail
	}
	s.got = append(s.got, d)
	return nil
}

func (s *recordingSink) deliveries() []shopify.Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]shopify.Delivery(nil), s.got...)
}

func newHandler(t *testing.T, sink *recordingSink, maxBody int64) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(shopify.NewWebhookHandler(shopify.WebhookOptions{
		ClientSecret: clientSecret, Sink: sink, MaxBodyBytes: maxBody, Logger: quiet(),
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestWebhookHandler(t *testing.T) {
	fake, _ := newFake(t, "")
	fake.AddProduct(shopifytest.FakeProduct{ID: 632910392, Title: "IPod Nano - 8GB"})
	body := fake.ProductPayload(632910392)
	tests := []struct {
		name     string
		body     []byte
		opts     []shopifytest.DeliverOption
		maxBody  int64
		sinkErr  error
		want     int
		wantSink int
	}{
		{"valid", body, nil, 0, nil, http.StatusOK, 1},
		{"bad hmac", body, []shopifytest.DeliverOption{shopifytest.WithWrongSignature()}, 0, nil, http.StatusUnauthorized, 0},
		{"missing hmac", body, []shopifytest.DeliverOption{shopifytest.WithoutHeader("X-Shopify-Hmac-Sha256")}, 0, nil, http.StatusUnauthorized, 0},
		{"oversize", body, nil, int64(len(body) - 1), nil, http.StatusRequestEntityTooLarge, 0},
		{"exactly at limit", body, nil, int64(len(body)), nil, http.StatusOK, 1},
		{"missing topic", body, []shopifytest.DeliverOption{shopifytest.WithoutHeader("X-Shopify-Topic")}, 0, nil, http.StatusBadRequest, 0},
		{"missing shop", body, []shopifytest.DeliverOption{shopifytest.WithoutHeader("X-Shopify-Shop-Domain")}, 0, nil, http.StatusBadRequest, 0},
		{"foreign shop", body, []shopifytest.DeliverOption{shopifytest.WithShopDomain("evil.com")}, 0, nil, http.StatusBadRequest, 0},
		{"missing webhook id", body, []shopifytest.DeliverOption{shopifytest.WithoutHeader("X-Shopify-Webhook-Id")}, 0, nil, http.StatusBadRequest, 0},
		{"sink fails", body, nil, 0, errors.New("disk full"), http.StatusInternalServerError, 0},
		// A signed body that does not fit its topic: Shopify would resend
		// the same bytes for 4 hours, then drop the subscription.
		{"body does not fit its topic", body, nil, 0, fmt.Errorf("shopify products/delete: %w", shopify.ErrBadPayload), http.StatusOK, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sink := &recordingSink{fail: tt.sinkErr}
			srv := newHandler(t, sink, tt.maxBody)
			status, err := fake.Deliver(t.Context(), srv.URL, "products/update", tt.body, tt.opts...)
			if err != nil {
				t.Fatal(err)
			}
			if status != tt.want {
				t.Fatalf("status = %d, want %d", status, tt.want)
			}
			if got := len(sink.deliveries()); got != tt.wantSink {
				t.Fatalf("sink got %d deliveries, want %d", got, tt.wantSink)
			}
		})
	}
}

func TestWebhookDeliveryFields(t *testing.T) {
	fake, _ := newFake(t, "")
	sink := &recordingSink{}
	srv := newHandler(t, sink, 0)
	at := time.Date(2026, 5, 1, 12, 30, 0, 123456789, time.UTC)
	body := []byte(`{"id":123}`)
	status, err := fake.Deliver(t.Context(), srv.URL, "products/delete", body,
		shopifytest.WithWebhookID("b54557e4-bdd9-4b37-8a5f-bf7d70bcd043"), shopifytest.WithTriggeredAt(at))
	if err != nil || status != http.StatusOK {
		t.Fatalf("Deliver = %d, %v", status, err)
	}
	// Shopify retries with the same webhook id: the sink sees it twice and
	// dedupes on it.
	if status, _ := fake.Deliver(t.Context(), srv.URL, "products/delete", body,
		shopifytest.WithWebhookID("b54557e4-bdd9-4b37-8a5f-bf7d70bcd043")); status != http.StatusOK {
		t.Fatalf("retry status = %d", status)
	}
	got := sink.deliveries()
	if len(got) != 2 || got[0].WebhookID != got[1].WebhookID {
		t.Fatalf("deliveries = %+v", got)
	}
	d := got[0]
	if d.Topic != "products/delete" || d.Shop != shopDomain || d.APIVersion != "2025-10" ||
		!d.TriggeredAt.Equal(at) || !bytes.Equal(d.Body, body) {
		t.Fatalf("delivery = %+v", d)
	}
}

func TestWebhookSinkBeforeAck(t *testing.T) {
	fake, _ := newFake(t, "")
	sink := &recordingSink{entered: make(chan struct{}), release: make(chan struct{})}
	srv := newHandler(t, sink, 0)
	done := make(chan int, 1)
	go func() {
		status, _ := fake.Deliver(context.Background(), srv.URL, "products/delete", []byte(`{"id":1}`))
		done <- status
	}()
	select {
	case <-sink.entered:
	case <-time.After(5 * time.Second):
		t.Fatal("sink never called")
	}
	select {
	case status := <-done:
		t.Fatalf("answered %d before the sink returned", status)
	case <-time.After(100 * time.Millisecond):
	}
	close(sink.release)
	if status := <-done; status != http.StatusOK {
		t.Fatalf("status = %d", status)
	}
}

func TestWebhookHandlerMethodAndChunkedOversize(t *testing.T) {
	sink := &recordingSink{}
	srv := newHandler(t, sink, 10)
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("GET = %d, want 405", resp.StatusCode)
	}
	// No Content-Length: the limit still applies while reading.
	body := strings.Repeat("x", 100)
	req, _ := http.NewRequest(http.MethodPost, srv.URL, struct{ *strings.Reader }{strings.NewReader(body)})
	req.Header.Set("X-Shopify-Hmac-Sha256", shopify.WebhookHMAC([]byte(body), clientSecret))
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge || len(sink.deliveries()) != 0 {
		t.Fatalf("chunked oversize = %d", resp.StatusCode)
	}
}

func TestNewWebhookHandlerPanicsWithoutSecretOrSink(t *testing.T) {
	for _, o := range []shopify.WebhookOptions{{Sink: &recordingSink{}}, {ClientSecret: clientSecret}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("NewWebhookHandler(%v) did not panic", o)
				}
			}()
			shopify.NewWebhookHandler(o)
		}()
	}
}
