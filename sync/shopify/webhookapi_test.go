package shopify_test

import (
	"errors"
	"testing"

	"github.com/merchant-inbox/merchant-inbox/sync/shopify"
)

const hookURI = "https://tunnel-1.example/webhooks/shopify"

func TestCreateWebhookIdempotent(t *testing.T) {
	fake, clk := newFake(t, "read_products")
	c := newClient(fake, clk, accessToken)
	for i, topic := range []string{"PRODUCTS_UPDATE", "products/update", "PRODUCTS_UPDATE"} {
		if err := c.CreateWebhook(t.Context(), topic, hookURI); err != nil {
			t.Fatalf("CreateWebhook #%d (%s) = %v", i+1, topic, err)
		}
	}
	subs := fake.Webhooks()
	if len(subs) != 1 || subs[0].Topic != "PRODUCTS_UPDATE" || subs[0].URI != hookURI {
		t.Fatalf("subscriptions = %+v, want one", subs)
	}
	// The mutation sent the unified uri field, not the deprecated callbackUrl.
	for _, r := range fake.Requests() {
		if r.Operation != "MerchantInboxWebhookCreate" {
			continue
		}
		in, _ := r.Variables["webhookSubscription"].(map[string]any)
		if in["uri"] != hookURI || in["callbackUrl"] != nil || r.Variables["topic"] != "PRODUCTS_UPDATE" {
			t.Fatalf("variables = %v", r.Variables)
		}
	}
}

func TestCreateWebhookRefused(t *testing.T) {
	fake, clk := newFake(t, "read_products")
	c := newClient(fake, clk, accessToken)
	err := c.CreateWebhook(t.Context(), "PRODUCTS_UPDATE", "http://plain.example/hook")
	if !errors.Is(err, shopify.ErrUserErrors) {
		t.Fatalf("http:// address = %v, want ErrUserErrors", err)
	}
	ue, ok := errors.AsType[*shopify.UserErrors](err)
	if !ok || len(ue.Errors) != 1 || ue.Errors[0].Message == "" || len(ue.Errors[0].Field) == 0 {
		t.Fatalf("UserErrors = %+v", ue)
	}
	if msg := shopify.UserMessage(err); msg == "" {
		t.Error("no user message")
	}
	if err := c.CreateWebhook(t.Context(), "NOT_A_TOPIC", hookURI); !errors.Is(err, shopify.ErrGraphQL) {
		t.Fatalf("unknown topic = %v, want ErrGraphQL", err)
	}
	if len(fake.Webhooks()) != 0 {
		t.Fatalf("subscriptions = %+v", fake.Webhooks())
	}
}

func TestWebhooksListAndDelete(t *testing.T) {
	fake, clk := newFake(t, "read_products")
	c := newClient(fake, clk, accessToken)
	for _, topic := range []string{"PRODUCTS_CREATE", "PRODUCTS_UPDATE", "PRODUCTS_DELETE", "APP_UNINSTALLED"} {
		if err := c.CreateWebhook(t.Context(), topic, hookURI); err != nil {
			t.Fatal(err)
		}
	}
	subs, err := c.Webhooks(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(subs) != 4 || subs[1].Topic != "PRODUCTS_UPDATE" || subs[1].URI != hookURI || subs[1].ID == "" {
		t.Fatalf("Webhooks = %+v", subs)
	}
	if err := c.DeleteWebhook(t.Context(), subs[1].ID); err != nil {
		t.Fatal(err)
	}
	// Deleting it again succeeds: it is gone either way.
	if err := c.DeleteWebhook(t.Context(), subs[1].ID); err != nil {
		t.Fatalf("second delete = %v", err)
	}
	if got := fake.Webhooks(); len(got) != 3 {
		t.Fatalf("after delete: %+v", got)
	}
}

func TestEnsureWebhooksMovesToNewURL(t *testing.T) {
	fake, clk := newFake(t, "read_products")
	c := newClient(fake, clk, accessToken)
	const oldURI = "https://tunnel-0.example/webhooks/shopify"
	for _, topic := range []string{"PRODUCTS_UPDATE", "PRODUCTS_DELETE", "APP_UNINSTALLED"} {
		if err := c.CreateWebhook(t.Context(), topic, oldURI); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.EnsureWebhooks(t.Context(), hookURI, "products/update", "PRODUCTS_DELETE"); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, s := range fake.Webhooks() {
		if prev, dup := got[s.Topic]; dup {
			t.Fatalf("two subscriptions for %s: %s and %s", s.Topic, prev, s.URI)
		}
		got[s.Topic] = s.URI
	}
	want := map[string]string{"PRODUCTS_UPDATE": hookURI, "PRODUCTS_DELETE": hookURI, "APP_UNINSTALLED": oldURI}
	if len(got) != len(want) {
		t.Fatalf("subscriptions = %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Fatalf("subscriptions = %v, want %v", got, want)
		}
	}
	// Running it again changes nothing.
	before := fake.Webhooks()
	if err := c.EnsureWebhooks(t.Context(), hookURI, "PRODUCTS_UPDATE", "PRODUCTS_DELETE"); err != nil {
		t.Fatal(err)
	}
	if after := fake.Webhooks(); len(after) != len(before) {
		t.Fatalf("second EnsureWebhooks changed %v to %v", before, after)
	}
}
