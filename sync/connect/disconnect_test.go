package connect_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/merchant-inbox/merchant-inbox/sync/connect"
	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
	"github.com/merchant-inbox/merchant-inbox/sync/facebook/facebooktest"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// connectBoth connects pages 100 and 200 and points the app's webhooks at
// an endpoint, as the engine does when its tunnel is up.
func (f *fixture) connectBoth() {
	f.t.Helper()
	p := newPrompter(f.t, f.registerFacebook)
	p.choose = choosing("100", "200")
	if _, err := f.c.ConnectFacebook(f.t.Context(), connect.FacebookOptions{Port: connect.AnyPort}, p); err != nil {
		f.t.Fatalf("ConnectFacebook: %v", err)
	}
	f.browser.final()
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	f.t.Cleanup(srv.Close)
	graph := facebook.NewClient(facebook.Options{BaseURL: f.fb.URL, AppSecret: fbAppSecret})
	if err := graph.SubscribeApp(f.t.Context(), fbAppID, fbAppSecret, srv.URL+"/webhooks/facebook", "verify", facebook.DefaultPageFields()); err != nil {
		f.t.Fatal(err)
	}
}

// TestDisconnectFacebook: Meta is told to stop each Page's webhooks with
// the Page's own token, before that token leaves the keychain; the Pages
// are marked disconnected and their data kept; connecting again undoes it.
func TestDisconnectFacebook(t *testing.T) {
	f := newFixture(t)
	f.connectBoth()
	ctx := t.Context()
	f.fb.AddMessage("100", "9001", "Jane", facebooktest.FakeMessage{ID: "m_1", Text: "still in stock?"})
	if _, err := f.st.Apply(ctx, store.Changes{Messages: []store.Message{{ID: "m_1", PageID: "100", PSID: "9001", Direction: store.Incoming, CreatedAt: f.now, Text: "still in stock?"}}}); err != nil {
		t.Fatal(err)
	}
	if status, err := f.fb.Deliver(ctx, "100", "9001", facebooktest.FakeMessage{Text: "before"}); err != nil || status != 200 {
		t.Fatalf("a delivery while connected: %d %v", status, err)
	}

	res, err := f.c.Disconnect(ctx, store.ProviderFacebook)
	if err != nil {
		t.Fatalf("Disconnect: %v", err)
	}
	if res.TokensRemoved != 2 || !slices.Equal(res.Unsubscribed, []string{"100", "200"}) || len(res.Problems) != 0 {
		t.Errorf("result %+v", res)
	}
	if res.Kept.Pages != 2 || res.Kept.Messages != 1 {
		t.Errorf("kept %+v, want the pages and the message", res.Kept)
	}
	if got := deletes(f.fb); !slices.Equal(got, []string{"100:header", "200:header"}) {
		t.Errorf("DELETE subscribed_apps requests %v, want one per page with its token", got)
	}
	for _, id := range []string{"100", "200"} {
		if subs := f.fb.Subscriptions(id); subs != nil {
			t.Errorf("page %s still subscribed at Meta: %v", id, subs)
		}
		if _, ok := f.secret(secrets.PageToken(id)); ok {
			t.Errorf("the token of page %s is still in the keychain", id)
		}
		if pg, err := f.st.Page(ctx, id); err != nil || !pg.Disconnected {
			t.Errorf("page %s: %+v (%v), want kept and disconnected", id, pg, err)
		}
	}
	for _, n := range []secrets.Name{secrets.FacebookAppID, secrets.FacebookAppSecret} {
		if _, ok := f.secret(n); !ok {
			t.Errorf("disconnect removed %s, an app credential", n)
		}
	}
	conn, err := f.st.Connection(ctx, store.ProviderFacebook)
	if err != nil || !conn.Disconnected || !conn.DisconnectedAt.Equal(f.now) || conn.Note != "disconnected by you" || conn.Account != fbUser {
		t.Errorf("connection %+v (%v)", conn, err)
	}
	if _, err := f.fb.Deliver(ctx, "100", "9001", facebooktest.FakeMessage{Text: "after"}); !errors.Is(err, facebooktest.ErrNotSubscribed) {
		t.Errorf("Meta would still send the page's webhooks: %v", err)
	}

	// Again: nothing left to remove or tell Meta, still fine.
	again, err := f.c.Disconnect(ctx, store.ProviderFacebook)
	if err != nil || again.TokensRemoved != 0 || len(again.Unsubscribed) != 0 {
		t.Errorf("second Disconnect = %+v, %v", again, err)
	}

	// Connecting again undoes it all.
	p := newPrompter(t, f.registerFacebook)
	p.choose = choosing("100")
	if _, err := f.c.ConnectFacebook(ctx, connect.FacebookOptions{Port: connect.AnyPort}, p); err != nil {
		t.Fatal(err)
	}
	if pg, _ := f.st.Page(ctx, "100"); pg.Disconnected {
		t.Error("page 100 still disconnected after connecting it again")
	}
	if pg, _ := f.st.Page(ctx, "200"); !pg.Disconnected {
		t.Error("page 200, not chosen this time, was reconnected")
	}
	if status, err := f.fb.Deliver(ctx, "100", "9001", facebooktest.FakeMessage{Text: "back"}); err != nil || status != 200 {
		t.Errorf("a delivery after reconnecting: %d %v", status, err)
	}
}

// TestDisconnectFacebookWhenMetaRefuses: a Page whose token Meta no longer
// accepts cannot be unsubscribed; that is reported, and the Page is
// disconnected here all the same, as is the other.
func TestDisconnectFacebookWhenMetaRefuses(t *testing.T) {
	f := newFixture(t)
	f.connectBoth()
	f.fb.KillToken(tokenOne, 460)

	res, err := f.c.Disconnect(t.Context(), store.ProviderFacebook)
	if err != nil {
		t.Fatalf("Disconnect: %v", err)
	}
	if res.TokensRemoved != 2 || !slices.Equal(res.Unsubscribed, []string{"200"}) || len(res.Problems) != 1 {
		t.Fatalf("result %+v", res)
	}
	var ue *connect.UnsubscribeError
	if !errors.As(res.Problems[0], &ue) || ue.PageID != "100" || !errors.Is(ue, facebook.ErrTokenInvalid) {
		t.Errorf("problem %v, want page 100's dead token", res.Problems[0])
	}
	if msg := ue.UserMessage(); !strings.Contains(msg, "page 100") || !strings.Contains(msg, "ignores them from now on") || strings.Contains(msg, tokenOne) {
		t.Errorf("sentence %q", msg)
	}
	for _, id := range []string{"100", "200"} {
		if pg, _ := f.st.Page(t.Context(), id); !pg.Disconnected {
			t.Errorf("page %s not disconnected", id)
		}
		if _, ok := f.secret(secrets.PageToken(id)); ok {
			t.Errorf("token of page %s kept", id)
		}
	}
}

// TestDisconnectFacebookCancelled: a Cancel while Meta is being told
// changes nothing here.
func TestDisconnectFacebookCancelled(t *testing.T) {
	f := newFixture(t)
	f.connectBoth()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := f.c.Disconnect(ctx, store.ProviderFacebook); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	for _, id := range []string{"100", "200"} {
		if _, ok := f.secret(secrets.PageToken(id)); !ok {
			t.Errorf("token of page %s removed by a cancelled disconnect", id)
		}
		if pg, _ := f.st.Page(t.Context(), id); pg.Disconnected {
			t.Errorf("page %s disconnected by a cancelled disconnect", id)
		}
	}
	if c, _ := f.st.Connection(t.Context(), store.ProviderFacebook); c.Disconnected {
		t.Error("connection recorded as disconnected")
	}
}

func TestDisconnectShopify(t *testing.T) {
	f := newFixture(t)
	if _, err := f.c.ConnectShopify(t.Context(), connect.ShopifyOptions{Shop: "fake-shop", ClientCredentials: true}, newPrompter(t, nil)); err != nil {
		t.Fatal(err)
	}
	res, err := f.c.Disconnect(t.Context(), store.ProviderShopify)
	if err != nil || res.TokensRemoved != 1 || res.Provider != store.ProviderShopify {
		t.Fatalf("Disconnect = %+v, %v", res, err)
	}
	if _, ok := f.secret(secrets.ShopifyToken); ok {
		t.Error("shopify-token still in the keychain")
	}
	for _, n := range []secrets.Name{secrets.ShopifyClientID, secrets.ShopifyClientSecret} {
		if _, ok := f.secret(n); !ok {
			t.Errorf("disconnect removed %s, an app credential", n)
		}
	}
	if c, err := f.st.Connection(t.Context(), store.ProviderShopify); err != nil || !c.Disconnected || c.Account != shopDomain {
		t.Errorf("connection %+v (%v)", c, err)
	}
	if s, err := f.st.Shop(t.Context()); err != nil || s.Name != "Fake Shop" {
		t.Errorf("shop details not kept: %+v (%v)", s, err)
	}
	if _, err := f.c.Disconnect(t.Context(), "instagram"); err == nil {
		t.Error("an unknown provider was disconnected")
	}
}
