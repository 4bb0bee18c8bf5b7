package engine

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
)

// keychains are the keychains the renewal tests save into: the in-memory
// one, and the OS keychain (a private Secret Service under
// scripts/with-keyring.sh, which requires it; skipped where there is none
// unless MERCHANT_INBOX_TEST_KEYRING=require).
var keychains = []struct {
	name string
	open func(t *testing.T) *secrets.Store
}{
	{"memory", func(*testing.T) *secrets.Store {
		return secrets.New("engine-test", secrets.WithBackend(secrets.NewMemoryBackend()))
	}},
	{"os keychain", osKeychain},
}

func osKeychain(t *testing.T) *secrets.Store {
	t.Helper()
	mode := os.Getenv("MERCHANT_INBOX_TEST_KEYRING")
	if mode == "skip" {
		t.Skip("MERCHANT_INBOX_TEST_KEYRING=skip: not touching the OS keychain")
	}
	b := make([]byte, 8)
	rand.Read(b)
	s := secrets.New("merchant-inbox-engine-test-"+hex.EncodeToString(b), secrets.WithTimeout(15*time.Second))
	if _, err := s.Get(t.Context(), secrets.ShopifyToken); !errors.Is(err, secrets.ErrNotFound) {
		if mode == "require" {
			t.Fatalf("MERCHANT_INBOX_TEST_KEYRING=require but the OS keychain is not usable: %v", err)
		}
		t.Skipf("OS keychain not usable (%v); scripts/with-keyring.sh provides one", err)
	}
	t.Cleanup(func() { _ = s.Delete(context.Background(), secrets.ShopifyToken) })
	return s
}

// cancelAtAnswer cancels the caller's context the moment the token
// endpoint answers: before its body is read, or just after (so only the
// save is left to do), as a shutdown could.
type cancelAtAnswer struct {
	base      http.RoundTripper
	cancel    context.CancelFunc
	readFirst bool
	answered  atomic.Int32
}

func (c *cancelAtAnswer) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.base.RoundTrip(r)
	if err != nil || r.URL.Path != "/admin/oauth/access_token" {
		return resp, err
	}
	c.answered.Add(1)
	if c.readFirst {
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return nil, err
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
	}
	c.cancel()
	return resp, nil
}

// TestShopifyTokensRenewalSurvivesCancel: the caller's context is
// cancelled right as Shopify answers the refresh. Shopify has rotated by
// then, so the new refresh token must still reach the keychain: it is the
// only one that works.
func TestShopifyTokensRenewalSurvivesCancel(t *testing.T) {
	for _, kc := range keychains {
		for _, readFirst := range []bool{false, true} {
			name := kc.name + "/before the answer is read"
			if readFirst {
				name = kc.name + "/after the answer is read"
			}
			t.Run(name, func(t *testing.T) {
				f := newShopFixture(t)
				keychain := kc.open(t)
				old := f.expiringToken(t)
				if err := SaveShopifyToken(t.Context(), keychain, old); err != nil {
					t.Fatal(err)
				}
				f.clock.Advance(time.Hour - time.Minute)

				ctx, cancel := context.WithCancel(t.Context())
				defer cancel()
				rt := &cancelAtAnswer{base: f.sf.Client().Transport, cancel: cancel, readFirst: readFirst}
				o := f.oauth()
				o.HTTPClient = &http.Client{Transport: rt}
				tokens := NewShopifyTokens(keychain, o, f.shop, f.clock.Now)

				got, err := tokens.Token(ctx)
				if rt.answered.Load() != 1 || ctx.Err() == nil {
					t.Fatalf("the token endpoint answered %d times, ctx %v: the test did not cancel at the answer", rt.answered.Load(), ctx.Err())
				}
				if err != nil {
					t.Fatalf("Token after a cancel at the answer: %v", err)
				}
				stored, err := LoadShopifyToken(t.Context(), keychain)
				if err != nil {
					t.Fatal(err)
				}
				if stored.RefreshToken == old.RefreshToken || stored.AccessToken != got || !f.works(t, got) {
					t.Fatalf("the keychain holds %v, want the rotated token %q", stored, got)
				}
				// The saved refresh token is the live one: it renews.
				f.clock.Advance(time.Hour - time.Minute)
				next, err := NewShopifyTokens(keychain, f.oauth(), f.shop, f.clock.Now).Token(t.Context())
				if err != nil || next == got || !f.works(t, next) {
					t.Fatalf("renewal with the saved refresh token: %q, %v", next, err)
				}
			})
		}
	}
}

// TestShopifyTokensCancelledBeforeRenewal: a caller already gone asks
// nothing of Shopify, so nothing is rotated and lost.
func TestShopifyTokensCancelledBeforeRenewal(t *testing.T) {
	f := newShopFixture(t)
	old := f.expiringToken(t)
	f.clock.Advance(time.Hour)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := f.shopToken.Token(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Token with a cancelled context: %v, want context.Canceled", err)
	}
	if n := f.tokenRequests("refresh_token"); n != 0 {
		t.Fatalf("%d refresh requests for a caller already gone", n)
	}
	if f.storedToken(t).RefreshToken != old.RefreshToken {
		t.Fatal("the keychain changed")
	}
}

// flakyBackend fails the first failures Set calls, as a keychain whose
// D-Bus call timed out does.
type flakyBackend struct {
	secrets.Backend
	failures atomic.Int32
	sets     atomic.Int32
}

func (b *flakyBackend) Set(service, user, password string) error {
	b.sets.Add(1)
	if b.failures.Add(-1) >= 0 {
		return errors.New("org.freedesktop.DBus.Error.NoReply")
	}
	return b.Backend.Set(service, user, password)
}

// TestShopifyTokensSaveIsRetried: the keychain failing twice does not
// lose the rotated token; failing every time is an error that says so.
func TestShopifyTokensSaveIsRetried(t *testing.T) {
	for _, tt := range []struct {
		failures int32
		ok       bool
	}{{0, true}, {2, true}, {3, false}} {
		t.Run(fmt.Sprintf("keychain fails %d times", tt.failures), func(t *testing.T) {
			f := newShopFixture(t)
			old := f.expiringToken(t)
			b := &flakyBackend{Backend: secrets.NewMemoryBackend()}
			keychain := secrets.New("engine-test", secrets.WithBackend(b))
			if err := SaveShopifyToken(t.Context(), keychain, old); err != nil {
				t.Fatal(err)
			}
			b.failures.Store(tt.failures)
			b.sets.Store(0)
			tokens := NewShopifyTokens(keychain, f.oauth(), f.shop, f.clock.Now)
			tokens.retryDelay = time.Millisecond
			f.clock.Advance(time.Hour)

			got, err := tokens.Token(t.Context())
			stored, lerr := LoadShopifyToken(t.Context(), keychain)
			if lerr != nil {
				t.Fatal(lerr)
			}
			if tt.ok {
				if err != nil || stored.AccessToken != got || stored.RefreshToken == old.RefreshToken {
					t.Fatalf("Token = %q, %v; keychain %v", got, err, stored)
				}
				if n := b.sets.Load(); n != tt.failures+1 {
					t.Fatalf("%d tries to save, want %d", n, tt.failures+1)
				}
				return
			}
			if !errors.Is(err, secrets.ErrUnavailable) || !strings.Contains(err.Error(), "try 3 of 3") {
				t.Fatalf("Token with a keychain that always fails: %v", err)
			}
			if n := b.sets.Load(); n != renewSaveTries {
				t.Fatalf("%d tries to save, want %d", n, renewSaveTries)
			}
		})
	}
}
