package connect_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/connect"
	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
	"github.com/merchant-inbox/merchant-inbox/sync/facebook/facebooktest"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
	"github.com/merchant-inbox/merchant-inbox/sync/shopify/shopifytest"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// What the tests register with the fakes and put in the keychain.
const (
	fbAppID     = "730000000000001"
	fbAppSecret = "connect-pkg-app-secret-7"
	fbUser      = "Jane Merchant"
	tokenOne    = "EAAconnect-pkg-token-100"
	tokenTwo    = "EAAconnect-pkg-token-200"
	shopID      = "connect-pkg-client-id"
	shopSecret  = "shpss_connect_pkg_secret_7"
	shopDomain  = "fake-shop.myshopify.com"
	// limit bounds every wait for a flow or a page.
	limit = 30 * time.Second
)

// keyringEnv is set to "require" by scripts/with-keyring.sh (make test):
// then a missing Secret Service fails these tests instead of skipping them.
const keyringEnv = "MERCHANT_INBOX_TEST_KEYRING"

// fixture is a Connector over a real bbolt file, the real OS keychain
// (under a service of the test's own) and the fake Graph API and shop,
// whose consent pages a fake browser follows over HTTP.
type fixture struct {
	t       *testing.T
	fb      *facebooktest.Server
	shop    *shopifytest.Server
	st      *store.Store
	keys    *secrets.Store
	browser *browser
	c       *connect.Connector
	now     time.Time
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{t: t, fb: facebooktest.NewServer(t), shop: shopifytest.NewServer(t), keys: realKeychain(t)}
	// A second-precise clock near the real one: the shop signs its
	// callbacks with the real time and the OAuth check compares them.
	f.now = time.Now().UTC().Truncate(time.Second)
	var err error
	if f.st, err = store.Open(filepath.Join(t.TempDir(), "inbox.db"), store.Options{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.st.Close() })

	f.fb.AddPage("100", "Shop One", "Clothing store", tokenOne)
	f.fb.AddPage("200", "Shop Two", "Shoe store", tokenTwo)
	f.fb.AddUser(fbUser, "100", "200")
	f.fb.SetApp(fbAppID, fbAppSecret)
	f.fb.RequireAppSecretProof(fbAppSecret)
	f.shop.SetApp(shopID, shopSecret)
	f.shop.SetShop("Fake Shop", "fake.example", "EUR")
	for n, v := range map[secrets.Name]string{
		secrets.FacebookAppID: fbAppID, secrets.FacebookAppSecret: fbAppSecret,
		secrets.ShopifyClientID: shopID, secrets.ShopifyClientSecret: shopSecret,
	} {
		f.setSecret(n, v)
	}

	f.browser = &browser{t: t, fb: f.fb, shop: f.shop, allow: true, pages: make(chan finalPage, 4)}
	f.c = &connect.Connector{
		Store:   f.st,
		Secrets: f.keys,
		Graph: func(appSecret string) *facebook.Client {
			return facebook.NewClient(facebook.Options{BaseURL: f.fb.URL, HTTPClient: f.fb.Client(), AppSecret: appSecret})
		},
		FacebookWebURL: f.fb.URL,
		ShopifyURL:     f.shop.URL,
		Browser:        f.browser.open,
		Now:            func() time.Time { return f.now },
	}
	return f
}

func (f *fixture) setSecret(n secrets.Name, v string) {
	f.t.Helper()
	if err := f.keys.Set(context.Background(), n, v); err != nil {
		f.t.Fatal(err)
	}
}

// secret reads n from the keychain; ok is false when it is not there.
func (f *fixture) secret(n secrets.Name) (string, bool) {
	f.t.Helper()
	v, err := f.keys.Get(context.Background(), n)
	if errors.Is(err, secrets.ErrNotFound) {
		return "", false
	}
	if err != nil {
		f.t.Fatalf("read %s: %v", n, err)
	}
	return v, true
}

// nothingConnected checks that no trace of a connection was stored.
func (f *fixture) nothingConnected(provider string) {
	f.t.Helper()
	ctx := context.Background()
	names := []secrets.Name{secrets.ShopifyToken}
	if provider == store.ProviderFacebook {
		names = []secrets.Name{secrets.PageToken("100"), secrets.PageToken("200")}
		if pages, err := f.st.Pages(ctx); err != nil || len(pages) != 0 {
			f.t.Errorf("pages %+v (%v) stored by a failed connection", pages, err)
		}
	}
	for _, n := range names {
		if _, ok := f.secret(n); ok {
			f.t.Errorf("%s is in the keychain after a failed connection", n)
		}
	}
	if c, err := f.st.Connection(ctx, provider); !errors.Is(err, store.ErrNotFound) {
		f.t.Errorf("connection %+v (%v) recorded by a failed connection", c, err)
	}
}

// realKeychain is the OS keychain under a service unique to the test.
func realKeychain(t *testing.T) *secrets.Store {
	t.Helper()
	var b [6]byte
	rand.Read(b[:])
	service := "merchant-inbox-connecttest-" + hex.EncodeToString(b[:])
	s := secrets.New(service, secrets.WithTimeout(15*time.Second))
	_, err := s.Get(context.Background(), secrets.NgrokAuthtoken)
	switch {
	case errors.Is(err, secrets.ErrNotFound):
	case os.Getenv(keyringEnv) == "require":
		t.Fatalf("the OS keychain is not usable: %v (run through scripts/with-keyring.sh)", err)
	default:
		t.Skipf("OS keychain not usable (%v); make test runs this against gnome-keyring", err)
	}
	t.Cleanup(func() {
		names := []secrets.Name{secrets.FacebookAppID, secrets.FacebookAppSecret, secrets.ShopifyClientID,
			secrets.ShopifyClientSecret, secrets.ShopifyToken, secrets.PageToken("100"), secrets.PageToken("200")}
		for _, n := range names {
			_ = s.Delete(context.Background(), n)
		}
	})
	return s
}

// registerFacebook registers the redirect URI with the fake Meta app.
func (f *fixture) registerFacebook(redirect string) { f.fb.SetApp(fbAppID, fbAppSecret, redirect) }

// registerShopify registers the redirect URI with the fake Shopify app.
func (f *fixture) registerShopify(redirect string) { f.shop.SetApp(shopID, shopSecret, redirect) }

// deletes lists the DELETE /{page-id}/subscribed_apps requests the fake
// received, as "page-id:where the token was".
func deletes(fb *facebooktest.Server) []string {
	var out []string
	for _, r := range fb.Requests() {
		if r.Method == http.MethodDelete && strings.HasSuffix(r.Path, "/subscribed_apps") {
			id := strings.TrimSuffix(strings.TrimPrefix(r.Path, "/v25.0/"), "/subscribed_apps")
			out = append(out, fmt.Sprintf("%s:%s", id, r.TokenIn))
		}
	}
	return out
}
