// Package demo is the sandbox `make demo` runs the real app against: the
// fake Graph API and fake Shopify of the tests, filled with a small
// ceramics shop's conversations and catalogue, pictures drawn on the fly,
// and a customer who writes every few seconds through a signed webhook.
// Everything listens on 127.0.0.1 only. The app binary never links it.
package demo

import (
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/connect"
	"github.com/merchant-inbox/merchant-inbox/sync/facebook/facebooktest"
	"github.com/merchant-inbox/merchant-inbox/sync/shopify/shopifytest"
)

// KeyringService is the keychain service the demo's secrets are kept
// under: never the merchant's own (secrets.DefaultService).
const KeyringService = "merchant-inbox-demo"

// The demo's credentials. They are fake, known to the fakes only, and
// live in KeyringService.
const (
	appID               = "1500000000000001"
	appSecret           = "demo-app-secret-not-a-real-one"
	verifyToken         = "demo-verify-token"
	shopifyClientID     = "demo-shopify-client-id"
	shopifyClientSecret = "demo-shopify-client-secret"
)

// merchantName is who signs in on the fake's login dialog and manages the
// Pages.
const merchantName = "Camille Roux"

func pageToken(pageID string) string { return "demo-page-token-" + pageID }

// Options configures a Sandbox.
type Options struct {
	// Seed makes the sample data (stock, times, the live customers'
	// choices): the same seed gives the same shop. 0 means 1.
	Seed uint64
	// Now is the sandbox's clock: sample messages are dated before it.
	// nil means time.Now.
	Now    func() time.Time
	Logger *slog.Logger // nil: discard
}

// Sandbox is a running fake Graph API, fake Shopify and picture server.
type Sandbox struct {
	Graph *facebooktest.Server
	Shop  *shopifytest.Server
	// MediaURL serves the product pictures and customers' photos.
	MediaURL string

	media *http.Server
	now   func() time.Time
	log   *slog.Logger

	mu   sync.Mutex
	live *rand.Rand // who writes next, and when
	sent int
}

// Start starts the three servers on 127.0.0.1 and fills them.
func Start(o Options) (*Sandbox, error) {
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	rng := rand.New(rand.NewPCG(o.Seed, 0x6c756d656e))
	now := o.Now()
	products := catalogue(rng, now)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("demo: picture server: %w", err)
	}
	s := &Sandbox{
		Graph:    facebooktest.Standalone(),
		Shop:     shopifytest.Standalone(),
		MediaURL: "http://" + ln.Addr().String(),
		media:    &http.Server{Handler: newMedia(products), ReadHeaderTimeout: 10 * time.Second},
		now:      o.Now,
		log:      o.Logger,
		live:     rand.New(rand.NewPCG(o.Seed, 0x6c697665)),
	}
	go func() {
		if err := s.media.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("demo: picture server stopped", "err", err)
		}
	}()
	s.fillGraph(rng, now)
	s.fillShop(products)
	return s, nil
}

// Close stops the servers.
func (s *Sandbox) Close() {
	s.media.Close()
	s.Graph.Close()
	s.Shop.Close()
}

// fillGraph adds the Pages and the sample threads, with a few minutes of
// jitter between their messages.
func (s *Sandbox) fillGraph(rng *rand.Rand, now time.Time) {
	// The redirect URIs are the app's default sign-in callback, so that
	// connecting from the app (merchant-inbox-demo -connect=false) works
	// against the fake's login dialog as against Meta's.
	s.Graph.SetApp(appID, appSecret,
		fmt.Sprintf("http://localhost:%d/callback/facebook", connect.DefaultCallbackPort),
		fmt.Sprintf("http://127.0.0.1:%d/callback/facebook", connect.DefaultCallbackPort))
	s.Graph.RequireAppSecretProof(appSecret)
	ids := make([]string, len(pages))
	for i, p := range pages {
		s.Graph.AddPage(p.id, p.name, p.category, pageToken(p.id))
		ids[i] = p.id
	}
	s.Graph.AddUser(merchantName, ids...)
	for ti, t := range threads {
		at := now.Add(-t.ago).Truncate(time.Second)
		times := make([]time.Time, len(t.lines))
		for i := len(t.lines) - 1; i >= 0; i-- {
			times[i] = at
			at = at.Add(-time.Duration(2+rng.IntN(40)) * time.Minute)
		}
		p := pages[t.page]
		for i, l := range t.lines {
			m := facebooktest.FakeMessage{
				ID: fmt.Sprintf("m_demo_%02d_%d", ti, i), Text: l.text, At: times[i], FromPage: l.fromShop,
			}
			if l.photo != "" {
				m.Attachments = []facebooktest.FakeAttachment{{
					ID: fmt.Sprintf("att_demo_%02d_%d", ti, i), MimeType: "image/png",
					Name: l.photo + ".png", URL: s.MediaURL + photosPath + l.photo + ".png",
				}}
			}
			s.Graph.AddMessage(p.id, t.psid, t.name, m)
		}
	}
}

func (s *Sandbox) fillShop(products []product) {
	s.Shop.SetApp(shopifyClientID, shopifyClientSecret)
	s.Shop.SetMyshopifyDomain(shopHandle)
	s.Shop.SetShop(shopName, shopDomain, shopCurrency)
	for _, p := range products {
		s.Shop.AddProduct(p.fakeProduct(s.MediaURL))
	}
}

// Env is the environment that points the app at the sandbox, with its
// data in dataDir and its secrets under service (KeyringService, or a
// test's own).
func (s *Sandbox) Env(dataDir, service string) []string {
	return []string{
		"MERCHANT_INBOX_DATA_DIR=" + dataDir,
		"MERCHANT_INBOX_GRAPH_URL=" + s.Graph.URL,
		"MERCHANT_INBOX_FACEBOOK_WEB_URL=" + s.Graph.URL,
		"MERCHANT_INBOX_SHOPIFY_URL=" + s.Shop.URL,
		"MERCHANT_INBOX_KEYRING_SERVICE=" + service,
		"MERCHANT_INBOX_LABEL=Demo",
	}
}
