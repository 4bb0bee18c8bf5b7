package app

import (
	"context"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/engine"
	"github.com/merchant-inbox/merchant-inbox/sync/shopify/shopifytest"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
	"github.com/merchant-inbox/merchant-inbox/sync/tunnel"
)

const (
	fbAppID         = "1517776481860111"
	fbAppSecret     = "fb-app-secret-42"
	shopifySecret   = "shpss_client_secret_42"
	shopifyAccess   = "shpat_access_token_42"
	fakeShopDomain  = "fake-shop.myshopify.com"
	tunnelTestLimit = 20 * time.Second
)

// eventually polls cond until it holds or the limit passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(tunnelTestLimit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, tunnelTestLimit)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// TestServeAnnouncesTheTunnelURL runs serve with the loopback tunnel
// standing in for ngrok: a second local endpoint whose URL the engine must
// treat as public. Meta (the fake, which verifies the callback the way
// Meta does) must be told that URL, pages subscribed, Shopify asked, the
// catalogue caught up, and deliveries to the URL stored.
func TestServeAnnouncesTheTunnelURL(t *testing.T) {
	h, shop := newTunnelHarness(t)
	srv := startServe(t, h, nil)
	local := waitFor(t, srv.out, "listening on ")
	errOut := srv.errOut

	var public string
	eventually(t, "Meta told the tunnel's callback URL", func() bool {
		cb, _, _ := h.fb.AppSubscription()
		public, _ = strings.CutSuffix(cb, engine.FacebookWebhookPath)
		return cb != ""
	})
	if public == local || !strings.HasPrefix(public, "http://127.0.0.1:") {
		t.Fatalf("announced %q; want the tunnel's own URL, not the local %q", public, local)
	}
	eventually(t, "page 100 subscribed", func() bool { return len(h.fb.Subscriptions("100")) > 0 })
	// Shopify accepts only https:// subscriptions; the loopback stand-in is
	// plain http, so the fake refuses it as Shopify would, and the engine
	// must say so rather than fail silently. (The https path is covered by
	// the shopify and engine tests.)
	eventually(t, "the refused Shopify registration reported", func() bool {
		return strings.Contains(errOut.String(), "shopify webhooks") && strings.Contains(errOut.String(), "http:// is not supported")
	})

	var running runningReport
	h.jsonOf(&running, "status", "--json")
	if running.Running.PublicURL != public || running.Running.Tunnel != "up" {
		t.Errorf("status while serving: %+v; want public URL %s, tunnel up", running.Running, public)
	}

	// Deliveries through the public URL are stored.
	msg := `{"object":"page","entry":[{"id":"100","time":1763892000000,"messaging":[{"sender":{"id":"9009"},"recipient":{"id":"100"},"timestamp":1763892000000,"message":{"mid":"m_tunnel","text":"via the tunnel"}}]}]}`
	if code := post(t, public+engine.FacebookWebhookPath, msg, fbAppSecret); code != 200 {
		t.Fatalf("facebook webhook through the tunnel: %d", code)
	}
	gid := shop.AddProduct(shopifytest.FakeProduct{Title: "Red Cap"})
	id, err := strconv.ParseInt(strings.TrimPrefix(gid, "gid://shopify/Product/"), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	if code, err := shop.Deliver(t.Context(), public+engine.ShopifyWebhookPath, "products/create", shop.ProductPayload(id)); err != nil || code != 200 {
		t.Fatalf("shopify webhook through the tunnel: %d %v", code, err)
	}
	if code, _ := shop.Deliver(t.Context(), public+engine.ShopifyWebhookPath, "products/create", shop.ProductPayload(id), shopifytest.WithWrongSignature()); code != 401 {
		t.Errorf("forged shopify webhook: %d, want 401", code)
	}
	eventually(t, "catch-up poll", func() bool { return strings.Contains(errOut.String(), "polled catalogue") })

	srv.stop()

	var products []store.Product
	h.jsonOf(&products, "products", "--json")
	titles := []string{}
	for _, p := range products {
		titles = append(titles, p.Title)
	}
	if !slices.Equal(titles, []string{"Blue T-Shirt", "Red Cap"}) {
		t.Errorf("products %v: want the polled one and the one from the webhook", titles)
	}
	var blue []store.Product
	h.jsonOf(&blue, "products", "--json", "--search", "blue")
	if len(blue) != 1 || blue[0].URL != "https://fake.example/products/blue" {
		t.Errorf("search blue: %+v", blue)
	}
	var words []store.Product
	h.jsonOf(&words, "products", "--json", "--search", "SHIRT blüe")
	if len(words) != 1 || words[0].Title != "Blue T-Shirt" {
		t.Errorf("search for every word, case and accents folded: %+v", words)
	}
	var out2 messagesOutput
	h.jsonOf(&out2, "messages", "--json", "9009")
	if len(out2.Messages) != 1 || out2.Messages[0].Text != "via the tunnel" {
		t.Errorf("message through the tunnel: %+v", out2.Messages)
	}
	if strings.Contains(errOut.String(), shopifyAccess) || strings.Contains(errOut.String(), fbAppSecret) {
		t.Error("a secret appears in the serve log")
	}
}

// newTunnelHarness is a harness with a page token, the Facebook app's
// secrets, a connected fake shop with one product, and fakes that check
// what serve registers the way Meta and Shopify do.
func newTunnelHarness(t *testing.T) (*harness, *shopifytest.Server) {
	t.Helper()
	h := newHarness(t)
	h.seed()
	h.fb.SetApp(fbAppID, fbAppSecret)
	h.fb.VerifyCallbacks(true)
	h.mustRun(pageToken, "secrets", "set", "facebook-page-token:100")
	h.mustRun(fbAppID, "secrets", "set", "facebook-app-id")
	h.mustRun(fbAppSecret, "secrets", "set", "facebook-app-secret")
	h.mustRun("verify-me", "secrets", "set", "facebook-verify-token")

	shop := shopifytest.NewServer(t)
	shop.SetApp("client-id", shopifySecret)
	shop.SetShop("Fake Shop", "fake.example", "EUR")
	shop.AddToken(shopifyAccess, "read_products")
	shop.AddProduct(shopifytest.FakeProduct{Title: "Blue T-Shirt", URL: "https://fake.example/products/blue"})
	h.env[EnvShopifyURL] = shop.URL
	h.mustRun(shopifySecret, "secrets", "set", "shopify-client-secret")
	h.mustRun(shopifyAccess, "secrets", "set", "shopify-token")
	h.connectShop(fakeShopDomain)
	return h, shop
}

// runningServe is `serve --tunnel loopback` running in the background.
type runningServe struct {
	t           *testing.T
	out, errOut *syncBuffer
	cancel      context.CancelFunc
	done        chan int
}

// startServe runs serve with the loopback tunnel, or with opener in its
// place when one is given. Its log is shown when the test fails.
func startServe(t *testing.T, h *harness, opener tunnel.Opener) *runningServe {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	s := &runningServe{t: t, out: &syncBuffer{}, errOut: &syncBuffer{}, cancel: cancel, done: make(chan int, 1)}
	go func() {
		s.done <- Run(ctx, Invocation{
			Args:  []string{"serve", "--tunnel", "loopback", "--listen", "127.0.0.1:0"},
			Stdin: strings.NewReader(""), Stdout: s.out, Stderr: s.errOut, Getenv: h.getenv,
			Tunnel: opener,
		})
	}()
	t.Cleanup(func() {
		cancel()
		if t.Failed() {
			t.Logf("serve log:\n%s", s.errOut.String())
		}
	})
	return s
}

// stop ends serve as SIGINT would and checks it exits cleanly.
func (s *runningServe) stop() {
	s.t.Helper()
	s.cancel()
	select {
	case code := <-s.done:
		if code != ExitOK {
			s.t.Fatalf("serve exit %d\n%s", code, s.errOut.String())
		}
	case <-time.After(tunnelTestLimit):
		s.t.Fatal("serve did not stop")
	}
}

// connectShop records a Shopify connection as `connect shopify` would.
func (h *harness) connectShop(domain string) {
	h.t.Helper()
	st, err := store.Open(filepath.Join(h.env[EnvDataDir], dbFileName), store.Options{})
	if err != nil {
		h.t.Fatal(err)
	}
	defer st.Close()
	if err := st.PutConnection(h.t.Context(), store.Connection{
		Provider: store.ProviderShopify, Account: domain, Scopes: []string{"read_products"}, ConnectedAt: time.Now(),
	}); err != nil {
		h.t.Fatal(err)
	}
}
