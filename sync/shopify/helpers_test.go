package shopify_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/shopify"
	"github.com/merchant-inbox/merchant-inbox/sync/shopify/shopifytest"
)

const (
	clientID     = "test-client-id"
	clientSecret = "shpss_test-client-secret-0123456789"
	accessToken  = "shpat_test-access-token-0123456789"
	shopDomain   = "acme.myshopify.com"
	redirectURI  = "http://127.0.0.1:8766/shopify/callback"
)

var t0 = time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)

// clock is a settable clock shared by the fake, OAuth and the client's
// Sleep, so a throttle wait refills the fake's bucket.
type clock struct {
	mu     sync.Mutex
	t      time.Time
	sleeps []time.Duration
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Sleep records d and advances the clock instead of sleeping.
func (c *clock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.t = c.t.Add(d)
	return nil
}

func (c *clock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// quiet is a logger for tests: only warnings and errors.
func quiet() *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{}, &slog.HandlerOptions{Level: slog.LevelError}))
}

type testWriter struct{}

func (testWriter) Write(p []byte) (int, error) { return len(p), nil }

// newFake starts a fake playing acme.myshopify.com with the test app, a
// valid token with scope, and the shared clock.
func newFake(t *testing.T, scope string) (*shopifytest.Server, *clock) {
	t.Helper()
	clk := &clock{t: t0}
	fake := shopifytest.NewServer(t)
	fake.SetClock(clk.Now)
	fake.SetApp(clientID, clientSecret, redirectURI)
	fake.SetMyshopifyDomain(shopDomain)
	if scope != "" {
		fake.AddToken(accessToken, scope)
	}
	return fake, clk
}

// newClient returns a client for the fake whose Sleep advances clk.
func newClient(fake *shopifytest.Server, clk *clock, token string) *shopify.Client {
	return shopify.NewClient(shopify.ClientOptions{
		Shop: "acme", Token: token, BaseURL: fake.URL, Sleep: clk.Sleep, Logger: quiet(),
	})
}

func newOAuth(fake *shopifytest.Server, clk *clock) shopify.OAuth {
	return shopify.OAuth{ClientID: clientID, ClientSecret: clientSecret, BaseURL: fake.URL, Now: clk.Now}
}

func collect[T any](seq func(func(T, error) bool)) ([]T, error) {
	var out []T
	for v, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return out, nil
}

func hmacHex(key, msg string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(msg))
	return hex.EncodeToString(m.Sum(nil))
}
