package engine

import (
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
	"github.com/merchant-inbox/merchant-inbox/sync/shopify"
)

// tokenRequests counts the fake's token endpoint requests with grant
// type grant ("" for authorization codes).
func (f *shopFixture) tokenRequests(grant string) int {
	n := 0
	for _, r := range f.sf.Requests() {
		if r.Path == "/admin/oauth/access_token" && r.Params.Get("grant_type") == grant {
			n++
		}
	}
	return n
}

// expiringToken installs the app on the fake and exchanges the code for
// an expiring offline token (an hour, with a rotating refresh token), as
// `connect shopify` does, and saves it in the keychain.
func (f *shopFixture) expiringToken(t *testing.T) shopify.Token {
	t.Helper()
	o := f.oauth()
	cb, err := f.sf.Install(t.Context(), o.InstallURL(f.shop, "http://127.0.0.1:5555/callback", "state-1", []string{"read_products"}))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := o.Exchange(t.Context(), f.shop, cb.Query().Get("code"), true)
	if err != nil {
		t.Fatal(err)
	}
	if tok.RefreshToken == "" || !tok.ExpiresAt.Equal(f.clock.Now().Add(time.Hour)) {
		t.Fatalf("the fake issued %v, want an hour-long token with a refresh token", tok)
	}
	if err := SaveShopifyToken(t.Context(), f.tokens, tok); err != nil {
		t.Fatal(err)
	}
	return tok
}

func (f *shopFixture) storedToken(t *testing.T) shopify.Token {
	t.Helper()
	tok, err := LoadShopifyToken(t.Context(), f.tokens)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// works reports whether access is accepted by the Admin API.
func (f *shopFixture) works(t *testing.T, access string) bool {
	t.Helper()
	_, err := shopify.NewClient(shopify.ClientOptions{
		Shop: f.shop, Token: access, BaseURL: f.sf.URL, HTTPClient: f.sf.Client(),
		Sleep: f.clock.Sleep, Logger: slog.New(slog.DiscardHandler),
	}).Shop(t.Context())
	if err != nil && !errors.Is(err, shopify.ErrUnauthorized) {
		t.Fatal(err)
	}
	return err == nil
}

// TestShopifyTokensNotNearExpiry: a token with more than five minutes
// left is handed out as it is, without asking Shopify.
func TestShopifyTokensNotNearExpiry(t *testing.T) {
	for _, left := range []time.Duration{time.Hour, 30 * time.Minute, 5*time.Minute + time.Second} {
		t.Run(left.String(), func(t *testing.T) {
			f := newShopFixture(t)
			tok := f.expiringToken(t)
			f.clock.Advance(time.Hour - left)
			before := len(f.sf.Requests())
			got, err := f.shopToken.Token(t.Context())
			if err != nil || got != tok.AccessToken {
				t.Fatalf("Token = %q, %v; want the stored token", got, err)
			}
			if n := len(f.sf.Requests()) - before; n != 0 {
				t.Fatalf("%d requests to Shopify for a token with %v left", n, left)
			}
			if stored := f.storedToken(t); stored.RefreshToken != tok.RefreshToken || stored.AccessToken != tok.AccessToken {
				t.Fatal("the keychain changed")
			}
		})
	}
}

// TestShopifyTokensRefresh: within five minutes of expiry (or after it)
// the token is refreshed, and the ROTATED refresh token is saved: the old
// one is dead at Shopify, and the saved one renews the next time.
func TestShopifyTokensRefresh(t *testing.T) {
	for _, left := range []time.Duration{5 * time.Minute, time.Minute, -time.Minute} {
		t.Run(left.String(), func(t *testing.T) {
			f := newShopFixture(t)
			old := f.expiringToken(t)
			f.clock.Advance(time.Hour - left)
			now := f.clock.Now()

			got, err := f.shopToken.Token(t.Context())
			if err != nil {
				t.Fatalf("Token: %v", err)
			}
			if got == old.AccessToken || got != f.sf.Token(f.shop) {
				t.Fatalf("Token = %q, want the fake's newly issued token %q", got, f.sf.Token(f.shop))
			}
			if n := f.tokenRequests("refresh_token"); n != 1 {
				t.Fatalf("%d refresh requests, want 1", n)
			}
			stored := f.storedToken(t)
			switch {
			case stored.AccessToken != got:
				t.Fatal("the keychain does not hold the new access token")
			case stored.RefreshToken == old.RefreshToken || !strings.HasPrefix(stored.RefreshToken, "shprt_"):
				t.Fatalf("the keychain holds refresh token %q, want the rotated one", stored.RefreshToken)
			case !stored.ExpiresAt.Equal(now.Add(time.Hour)) || !stored.RefreshExpiresAt.Equal(now.Add(7776000*time.Second)):
				t.Fatalf("stored expiry %v / %v", stored.ExpiresAt, stored.RefreshExpiresAt)
			case stored.Scope != old.Scope:
				t.Fatalf("stored scope %q, want %q", stored.Scope, old.Scope)
			}
			if !f.works(t, got) {
				t.Fatal("the refreshed token is refused by the Admin API")
			}
			if f.works(t, old.AccessToken) {
				t.Fatal("the old access token still works: the fake did not rotate")
			}
			if _, err := f.oauth().Refresh(t.Context(), f.shop, old); !errors.Is(err, shopify.ErrInvalidGrant) {
				t.Fatalf("refresh with the old refresh token: %v, want ErrInvalidGrant", err)
			}

			// The fresh token is handed out as is...
			if again, err := f.shopToken.Token(t.Context()); err != nil || again != got {
				t.Fatalf("second Token = %q, %v; want %q", again, err, got)
			}
			if n := f.tokenRequests("refresh_token"); n != 2 { // ours and the old token's refusal above
				t.Fatalf("%d refresh requests, want 2", n)
			}
			// ...and the saved rotated refresh token renews it next time.
			f.clock.Advance(time.Hour - time.Minute)
			third, err := f.shopToken.Token(t.Context())
			if err != nil || third == got || !f.works(t, third) {
				t.Fatalf("renewal with the saved refresh token: %q, %v", third, err)
			}
		})
	}
}

// TestShopifyTokensConcurrentRefresh: ten callers finding the token about
// to expire cause exactly one refresh (two would each rotate, and one of
// the resulting tokens would be dead), and all get the new token.
func TestShopifyTokensConcurrentRefresh(t *testing.T) {
	f := newShopFixture(t)
	old := f.expiringToken(t)
	f.clock.Advance(time.Hour - 2*time.Minute)

	const callers = 10
	var wg sync.WaitGroup
	start := make(chan struct{})
	got := make([]string, callers)
	errs := make([]error, callers)
	for i := range callers {
		wg.Go(func() {
			<-start
			got[i], errs[i] = f.shopToken.Token(t.Context())
		})
	}
	close(start)
	wg.Wait()

	if n := f.tokenRequests("refresh_token"); n != 1 {
		t.Fatalf("%d refresh requests for %d concurrent callers, want 1", n, callers)
	}
	stored := f.storedToken(t)
	for i := range callers {
		if errs[i] != nil || got[i] != stored.AccessToken {
			t.Fatalf("caller %d: %q, %v; want the stored token", i, got[i], errs[i])
		}
	}
	if stored.AccessToken == old.AccessToken || stored.RefreshToken == old.RefreshToken || !f.works(t, stored.AccessToken) {
		t.Fatal("the stored token was not refreshed, or does not work")
	}
}

// TestShopifyTokensClientCredentials: a client-credentials token has no
// refresh token; near its expiry a new one is asked for.
func TestShopifyTokensClientCredentials(t *testing.T) {
	f := newShopFixture(t)
	tok, err := f.oauth().ClientCredentials(t.Context(), f.shop)
	if err != nil {
		t.Fatal(err)
	}
	if tok.RefreshToken != "" || !tok.ExpiresAt.Equal(t0.Add(86399*time.Second)) {
		t.Fatalf("the fake issued %v, want a 24 h token without refresh token", tok)
	}
	if err := SaveShopifyToken(t.Context(), f.tokens, tok); err != nil {
		t.Fatal(err)
	}
	if got, err := f.shopToken.Token(t.Context()); err != nil || got != tok.AccessToken {
		t.Fatalf("fresh client-credentials token: %q, %v", got, err)
	}
	if n := f.tokenRequests("client_credentials"); n != 1 {
		t.Fatalf("%d client_credentials requests, want only the initial one", n)
	}

	f.clock.Advance(86399*time.Second - 3*time.Minute)
	now := f.clock.Now()
	got, err := f.shopToken.Token(t.Context())
	if err != nil {
		t.Fatalf("Token: %v", err)
	}
	if got == tok.AccessToken || !f.works(t, got) {
		t.Fatalf("Token = %q, want a new working token", got)
	}
	if n, r := f.tokenRequests("client_credentials"), f.tokenRequests("refresh_token"); n != 2 || r != 0 {
		t.Fatalf("%d client_credentials and %d refresh requests, want 2 and 0", n, r)
	}
	if stored := f.storedToken(t); stored.AccessToken != got || !stored.ExpiresAt.Equal(now.Add(86399*time.Second)) || stored.RefreshToken != "" {
		t.Fatalf("stored %v", stored)
	}
}

// TestShopifyTokensPasted: an access token pasted with `secrets set
// shopify-token` (plain text, not JSON) never expires here and is used as
// it is.
func TestShopifyTokensPasted(t *testing.T) {
	f := newShopFixture(t) // it pastes testShopToken
	f.clock.Advance(365 * 24 * time.Hour)
	got, err := f.shopToken.Token(t.Context())
	if err != nil || got != testShopToken {
		t.Fatalf("Token = %q, %v; want the pasted token", got, err)
	}
	if n := len(f.sf.Requests()); n != 0 {
		t.Fatalf("%d requests to Shopify for a pasted token", n)
	}
	if v, _ := f.tokens.Get(t.Context(), secrets.ShopifyToken); v != testShopToken {
		t.Fatalf("the keychain now holds %q", v)
	}
}

// TestShopifyTokensFailures: no token, a dead refresh token, and a refresh
// Shopify refuses; none asks for more than it must or loses the token.
func TestShopifyTokensFailures(t *testing.T) {
	t.Run("not connected", func(t *testing.T) {
		f := newShopFixture(t)
		if err := f.tokens.Delete(t.Context(), secrets.ShopifyToken); err != nil {
			t.Fatal(err)
		}
		if _, err := f.shopToken.Token(t.Context()); !errors.Is(err, ErrShopifyNotConnected) {
			t.Fatalf("Token: %v, want ErrShopifyNotConnected", err)
		}
		if n := len(f.sf.Requests()); n != 0 {
			t.Fatalf("%d requests without a token", n)
		}
	})
	t.Run("refresh token expired", func(t *testing.T) {
		f := newShopFixture(t)
		tok := f.expiringToken(t)
		f.clock.Advance(91 * 24 * time.Hour)
		if _, err := f.shopToken.Token(t.Context()); err == nil || !strings.Contains(err.Error(), "connect Shopify again") {
			t.Fatalf("Token: %v, want a plea to connect again", err)
		}
		if n := f.tokenRequests("refresh_token"); n != 0 {
			t.Fatalf("%d refresh requests with an expired refresh token", n)
		}
		if f.storedToken(t).RefreshToken != tok.RefreshToken {
			t.Fatal("the keychain changed")
		}
	})
	t.Run("refresh refused", func(t *testing.T) {
		f := newShopFixture(t)
		tok := f.expiringToken(t)
		// Someone else (another install of the app) rotated it away.
		if _, err := f.oauth().Refresh(t.Context(), f.shop, tok); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(time.Hour)
		if _, err := f.shopToken.Token(t.Context()); !errors.Is(err, shopify.ErrInvalidGrant) {
			t.Fatalf("Token: %v, want ErrInvalidGrant", err)
		}
		if stored := f.storedToken(t); stored.AccessToken != tok.AccessToken || stored.RefreshToken != tok.RefreshToken {
			t.Fatal("a failed refresh overwrote the keychain")
		}
	})
}
