package connect_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
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

// ---- the browser ----

// browser plays the merchant's browser: it follows the fakes' consent
// pages over HTTP (Allow, or Cancel when allow is false) and loads the
// callback the provider redirects to, as a browser does, in the
// background.
type browser struct {
	t     *testing.T
	fb    *facebooktest.Server
	shop  *shopifytest.Server
	allow bool
	pages chan finalPage

	mu     sync.Mutex
	opened []string
}

// finalPage is the page the browser ended on.
type finalPage struct {
	status int
	body   string // HTML entities decoded
	err    error
}

func (b *browser) open(ctx context.Context, consent string) error {
	b.mu.Lock()
	b.opened = append(b.opened, consent)
	b.mu.Unlock()
	go func() { b.pages <- b.visit(consent) }()
	return nil
}

func (b *browser) visit(consent string) finalPage {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	var back *url.URL
	var err error
	if strings.Contains(consent, "/dialog/oauth") {
		back, err = b.fb.Authorize(consent, b.allow)
	} else {
		back, err = b.shop.Install(ctx, consent)
	}
	if err != nil {
		return finalPage{err: err}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, back.String(), nil)
	if err != nil {
		return finalPage{err: err}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return finalPage{err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return finalPage{status: resp.StatusCode, body: html.UnescapeString(string(body)), err: err}
}

// final waits for the page the browser ended on.
func (b *browser) final() finalPage {
	b.t.Helper()
	select {
	case p := <-b.pages:
		if p.err != nil {
			b.t.Fatalf("browser: %v", p.err)
		}
		return p
	case <-time.After(limit):
		b.t.Fatal("the browser never came back")
		return finalPage{}
	}
}

// ---- the prompter ----

// prompter is a connect.Prompter that records what it was shown, registers
// the redirect URI with the fakes (as the merchant does once it is shown)
// and answers ChoosePages with choose.
type prompter struct {
	t        *testing.T
	register func(redirect string)
	choose   func(ctx context.Context, pages []connect.Page) ([]string, error)

	mu       sync.Mutex
	calls    []string // method names, in order
	redirect string
	consent  string
	browser  error
	offered  []connect.Page
	notices  []string
	done     string
	waiting  chan struct{} // closed by Waiting
}

func newPrompter(t *testing.T, register func(string)) *prompter {
	return &prompter{t: t, register: register, waiting: make(chan struct{})}
}

func (p *prompter) record(call string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls = append(p.calls, call)
}

func (p *prompter) RedirectURI(uri string) {
	p.record("RedirectURI")
	p.mu.Lock()
	p.redirect = uri
	p.mu.Unlock()
	if p.register != nil {
		p.register(uri)
	}
}

func (p *prompter) ConsentURL(u string, browserErr error) {
	p.record("ConsentURL")
	p.mu.Lock()
	defer p.mu.Unlock()
	p.consent, p.browser = u, browserErr
}

func (p *prompter) Waiting() {
	p.record("Waiting")
	close(p.waiting)
}

func (p *prompter) ChoosePages(ctx context.Context, pages []connect.Page) ([]string, error) {
	p.record("ChoosePages")
	p.mu.Lock()
	p.offered = pages
	p.mu.Unlock()
	if p.choose == nil {
		p.t.Error("ChoosePages asked, but the test expected no question")
		return nil, errors.New("no answer")
	}
	return p.choose(ctx, pages)
}

func (p *prompter) Notice(msg string) {
	p.record("Notice")
	p.mu.Lock()
	defer p.mu.Unlock()
	p.notices = append(p.notices, msg)
}

func (p *prompter) Done(msg string) {
	p.record("Done")
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done = msg
}

// sequence is the calls so far, with repeated Notices folded into one.
func (p *prompter) sequence() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(slices.Compact(slices.Clone(p.calls)), " ")
}

// choosing answers ChoosePages with ids.
func choosing(ids ...string) func(context.Context, []connect.Page) ([]string, error) {
	return func(context.Context, []connect.Page) ([]string, error) { return ids, nil }
}

// registerFacebook registers the redirect URI with the fake Meta app.
func (f *fixture) registerFacebook(redirect string) { f.fb.SetApp(fbAppID, fbAppSecret, redirect) }

// registerShopify registers the redirect URI with the fake Shopify app.
func (f *fixture) registerShopify(redirect string) { f.shop.SetApp(shopID, shopSecret, redirect) }

// deletes lists the page IDs whose subscription the fake was asked to
// delete, and the proof of the token each request carried.
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
