package connect_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/authflow"
	"github.com/merchant-inbox/merchant-inbox/sync/connect"
	"github.com/merchant-inbox/merchant-inbox/sync/fix"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
	"github.com/merchant-inbox/merchant-inbox/sync/shopify"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// storedToken decodes the shopify-token the keychain holds.
func (f *fixture) storedToken() shopify.Token {
	f.t.Helper()
	v, ok := f.secret(secrets.ShopifyToken)
	if !ok {
		f.t.Fatal("no shopify-token in the keychain")
	}
	var tok shopify.Token
	if err := json.Unmarshal([]byte(v), &tok); err != nil {
		f.t.Fatalf("shopify-token is not the JSON the engine reads: %v", err)
	}
	return tok
}

// TestConnectShopify installs the app through the consent page: the token
// with its refresh token lands in the keychain, the connection and the
// shop's details in the database, and the Prompter hears the outcome.
func TestConnectShopify(t *testing.T) {
	f := newFixture(t)
	p := newPrompter(t, f.registerShopify)
	res, err := f.c.ConnectShopify(t.Context(), connect.ShopifyOptions{Shop: "fake-shop", Port: connect.AnyPort}, p)
	if err != nil {
		t.Fatalf("ConnectShopify: %v", err)
	}
	page := f.browser.final()
	if page.status != http.StatusOK || !strings.Contains(page.body, "<h1>Connected to Shopify</h1>") {
		t.Errorf("final page %d:\n%s", page.status, page.body)
	}
	if got := p.sequence(); got != "RedirectURI ConsentURL Waiting Done" {
		t.Errorf("prompter calls %q", got)
	}
	if !strings.HasPrefix(p.consent, f.shop.URL+"/admin/oauth/authorize?") || !strings.HasSuffix(p.redirect, "/callback/shopify") {
		t.Errorf("consent %q, redirect %q", p.consent, p.redirect)
	}
	want := connect.ShopifyResult{Shop: shopDomain, Name: "Fake Shop", Message: "Connected to Shopify: Fake Shop (" + shopDomain + ")."}
	if res != want || p.done != want.Message {
		t.Errorf("result %+v, Done(%q); want %+v", res, p.done, want)
	}
	tok := f.storedToken()
	if tok.AccessToken != f.shop.Token(shopDomain) || tok.RefreshToken == "" || tok.Scope != "read_products" {
		t.Errorf("token: the shop's %v, refresh token %v, scope %q", tok.AccessToken == f.shop.Token(shopDomain), tok.RefreshToken != "", tok.Scope)
	}
	conn, err := f.st.Connection(t.Context(), store.ProviderShopify)
	if err != nil || conn.Account != shopDomain || !conn.ConnectedAt.Equal(f.now) || !slices.Equal(conn.Scopes, []string{"read_products"}) {
		t.Errorf("connection %+v (%v)", conn, err)
	}
	if s, err := f.st.Shop(t.Context()); err != nil || s.Name != "Fake Shop" || s.Currency != "EUR" {
		t.Errorf("shop %+v (%v)", s, err)
	}
}

func TestConnectShopifyClientCredentials(t *testing.T) {
	f := newFixture(t)
	p := newPrompter(t, nil)
	res, err := f.c.ConnectShopify(t.Context(), connect.ShopifyOptions{Shop: shopDomain, ClientCredentials: true}, p)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.sequence(); got != "Done" {
		t.Errorf("prompter calls %q: want no browser at all", got)
	}
	if tok := f.storedToken(); tok.AccessToken != f.shop.Token(shopDomain) || tok.RefreshToken != "" || time.Until(tok.ExpiresAt) < 23*time.Hour {
		t.Errorf("client-credentials token: %v", tok)
	}
	if res.Name != "Fake Shop" || len(f.browser.opened) != 0 {
		t.Errorf("result %+v, browser opened %v", res, f.browser.opened)
	}
}

// TestConnectShopifyFailuresStoreNothing: a refused token, a bad shop
// name or missing credentials leave nothing behind.
func TestConnectShopifyFailuresStoreNothing(t *testing.T) {
	tests := []struct {
		name    string
		opts    connect.ShopifyOptions
		setup   func(f *fixture)
		is      error
		fix     fix.Fix
		message string
	}{
		{
			name:  "bad shop name, before anything else",
			opts:  connect.ShopifyOptions{Shop: "evil.com/admin"},
			setup: func(*fixture) {},
			is:    shopify.ErrBadShop,
		},
		{
			name:    "catalogue scope edited down",
			opts:    connect.ShopifyOptions{Shop: "fake-shop"},
			setup:   func(f *fixture) { f.shop.GrantScopes("read_orders") },
			is:      shopify.ErrMissingScope,
			fix:     fix.Fix{Action: fix.ConnectShopify, Shop: shopDomain},
			message: "did not grant Merchant Inbox read_products",
		},
		{
			name:    "catalogue scope missing from client credentials",
			opts:    connect.ShopifyOptions{Shop: "fake-shop", ClientCredentials: true},
			setup:   func(f *fixture) { f.shop.GrantScopes("read_orders") },
			is:      shopify.ErrMissingScope,
			fix:     fix.Fix{Action: fix.ConnectShopify, Shop: shopDomain},
			message: "did not grant Merchant Inbox read_products",
		},
		{
			name:    "wrong client secret",
			opts:    connect.ShopifyOptions{Shop: "fake-shop", ClientCredentials: true},
			setup:   func(f *fixture) { f.setSecret(secrets.ShopifyClientSecret, "shpss_wrong") },
			is:      shopify.ErrBadClientSecret,
			fix:     fix.Fix{Action: fix.SetSecret, Secret: secrets.ShopifyClientSecret},
			message: "Shopify refused the app's client secret",
		},
		{
			name: "client id missing",
			opts: connect.ShopifyOptions{Shop: "fake-shop"},
			setup: func(f *fixture) {
				if err := f.keys.Delete(t.Context(), secrets.ShopifyClientID); err != nil {
					f.t.Fatal(err)
				}
			},
			is:      secrets.ErrNotFound,
			fix:     fix.Fix{Action: fix.SetSecret, Secret: secrets.ShopifyClientID},
			message: "shopify-client-id is not set: copy it from the app's settings in the Shopify Dev Dashboard.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			tt.setup(f)
			p := newPrompter(t, f.registerShopify)
			tt.opts.Port = connect.AnyPort
			_, err := f.c.ConnectShopify(t.Context(), tt.opts, p)
			if !errors.Is(err, tt.is) {
				t.Fatalf("err = %v, want %v", err, tt.is)
			}
			if got, _ := fix.Of(err); got != tt.fix {
				t.Errorf("fix %+v, want %+v", got, tt.fix)
			}
			if msg := authflow.UserMessage(err); !strings.Contains(msg, tt.message) {
				t.Errorf("sentence %q, want %q", msg, tt.message)
			}
			if errors.Is(err, shopify.ErrBadShop) && p.sequence() != "" {
				t.Errorf("a bad shop name got as far as %q", p.sequence())
			}
			f.nothingConnected(store.ProviderShopify)
			if strings.Contains(err.Error(), shopSecret) {
				t.Error("the error shows the client secret")
			}
		})
	}
}

// TestConnectShopifyPutsTheKeychainBack: a token replaced for a connection
// that then fails to be recorded is put back.
func TestConnectShopifyPutsTheKeychainBack(t *testing.T) {
	f := newFixture(t)
	f.setSecret(secrets.ShopifyToken, "shpat_pasted_earlier")
	if err := f.st.Close(); err != nil { // every database write now fails
		t.Fatal(err)
	}
	_, err := f.c.ConnectShopify(t.Context(), connect.ShopifyOptions{Shop: "fake-shop", ClientCredentials: true}, newPrompter(t, nil))
	if err == nil {
		t.Fatal("ConnectShopify succeeded with the database closed")
	}
	if v, _ := f.secret(secrets.ShopifyToken); v != "shpat_pasted_earlier" {
		t.Errorf("shopify-token = %.12q…, want the earlier one back", v)
	}
}
