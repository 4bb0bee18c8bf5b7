package engine

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
)

// hooksRecorder is a ShopifyHooks that remembers where it was pointed.
type hooksRecorder struct{ urls []string }

func (h *hooksRecorder) EnsureWebhooks(_ context.Context, url string) error {
	h.urls = append(h.urls, url)
	return nil
}

func TestAnnounceRegistersEverythingAndCatchesUp(t *testing.T) {
	f := newFixture(t)
	f.addPage(t, "100", "Shop One")
	f.addPage(t, "200", "Shop Two")
	f.fb.SetApp("1517776481860111", testAppSecret)
	for n, v := range map[secrets.Name]string{
		secrets.FacebookAppID: "1517776481860111", secrets.FacebookAppSecret: testAppSecret, secrets.FacebookVerifyToken: "verify-me",
	} {
		if err := f.tokens.Set(t.Context(), n, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.st.SetNeedsLogin(t.Context(), "200", true); err != nil {
		t.Fatal(err)
	}
	graph := facebook.NewClient(facebook.Options{BaseURL: f.fb.URL, HTTPClient: f.fb.Client(), AppSecret: testAppSecret})
	hooks := &hooksRecorder{}
	caughtUp := 0
	a := NewAnnouncer(AnnouncerOptions{
		Store: f.st, Tokens: f.tokens, Facebook: graph,
		Shopify: func(context.Context) (ShopifyHooks, error) { return hooks, nil },
		CatchUp: func() { caughtUp++ },
	})

	for _, base := range []string{"https://a1b2.ngrok.app", "https://c3d4.ngrok.app"} {
		if err := a.Announce(t.Context(), base); err != nil {
			t.Fatalf("Announce(%s): %v", base, err)
		}
		cb, fields, verify := f.fb.AppSubscription()
		if cb != base+FacebookWebhookPath || verify != "verify-me" || !slices.Contains(fields, "messages") {
			t.Errorf("app subscription = %q %v %q, want the new callback", cb, fields, verify)
		}
	}
	if got := f.fb.Subscriptions("100"); !slices.Equal(got, facebook.DefaultPageFields()) {
		t.Errorf("page 100 subscribed to %v, want %v", got, facebook.DefaultPageFields())
	}
	if got := f.fb.Subscriptions("200"); got != nil {
		t.Errorf("page 200 needs login but was subscribed: %v", got)
	}
	if want := []string{"https://a1b2.ngrok.app" + ShopifyWebhookPath, "https://c3d4.ngrok.app" + ShopifyWebhookPath}; !slices.Equal(hooks.urls, want) {
		t.Errorf("shopify webhooks pointed at %v, want %v", hooks.urls, want)
	}
	if caughtUp != 2 {
		t.Errorf("%d catch-up polls, want one per announce", caughtUp)
	}
}

func TestAnnounceReportsFailuresAndStillCatchesUp(t *testing.T) {
	f := newFixture(t)
	f.addPage(t, "100", "Shop One")
	f.fb.KillToken("token-100", 460)
	graph := facebook.NewClient(facebook.Options{BaseURL: f.fb.URL, HTTPClient: f.fb.Client(), AppSecret: testAppSecret})
	caughtUp := false
	a := NewAnnouncer(AnnouncerOptions{
		Store: f.st, Tokens: f.tokens, Facebook: graph,
		Shopify: func(context.Context) (ShopifyHooks, error) { return nil, errors.New("shop token expired") },
		CatchUp: func() { caughtUp = true },
	})
	err := a.Announce(t.Context(), "https://x.ngrok.app")
	if err == nil || !strings.Contains(err.Error(), "subscribe page 100") || !strings.Contains(err.Error(), "shop token expired") {
		t.Errorf("Announce error %v: want both failures named", err)
	}
	if strings.Contains(err.Error(), "token-100") {
		t.Errorf("error leaks the page token: %v", err)
	}
	if !caughtUp {
		t.Error("no catch-up poll after a partial failure")
	}
}
