package shopify_test

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/fix"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
	"github.com/merchant-inbox/merchant-inbox/sync/shopify"
)

// Errors the merchant can act on carry the fix as a value, for a front end
// to offer as a command or a button; their sentences name no command.
func TestErrorsCarryTheirFix(t *testing.T) {
	reconnect := fix.Fix{Action: fix.ConnectShopify}
	enterSecret := fix.Fix{Action: fix.SetSecret, Secret: secrets.ShopifyClientSecret}
	o := shopify.OAuth{ClientSecret: clientSecret, Now: func() time.Time { return t0 }}
	foreign := o.VerifyCallback(signed(clientSecret, t0, func(q url.Values) { q.Set("shop", "evil.myshopify.com") }), "the-state", "acme")

	tests := []struct {
		name string
		err  error
		want fix.Fix
	}{
		{"invalid grant", shopify.ErrInvalidGrant, reconnect},
		{"no refresh token", fmt.Errorf("refresh: %w", shopify.ErrNoRefreshToken), reconnect},
		{"state mismatch", shopify.ErrStateMismatch, reconnect},
		{"stale timestamp", shopify.ErrStaleTimestamp, reconnect},
		{"bad client secret", shopify.ErrBadClientSecret, enterSecret},
		{"bad HMAC", shopify.ErrBadHMAC, enterSecret},
		{"401", &shopify.APIError{HTTPStatus: 401}, reconnect},
		{"403", &shopify.APIError{HTTPStatus: 403}, reconnect},
		{"503: nothing to do but wait", &shopify.APIError{HTTPStatus: 503}, fix.Fix{}},
		{"access denied", &shopify.GraphQLError{Errors: []shopify.GraphQLErrorItem{{Code: "ACCESS_DENIED"}}}, reconnect},
		{"other GraphQL error", &shopify.GraphQLError{Errors: []shopify.GraphQLErrorItem{{Code: "MAX_COST_EXCEEDED"}}}, fix.Fix{}},
		{"token endpoint invalid_client", &shopify.OAuthError{HTTPStatus: 400, Code: "invalid_client"}, enterSecret},
		{"token endpoint refusal", &shopify.OAuthError{HTTPStatus: 400, Code: "invalid_request"}, reconnect},
		{"token endpoint down", &shopify.OAuthError{HTTPStatus: 502}, fix.Fix{}},
		{"scope edited down", shopify.CheckScopes("read_orders", []string{"read_products"}), reconnect},
		{"foreign shop", foreign, fix.Fix{Action: fix.ConnectShopify, Shop: "acme.myshopify.com"}},
		{"bad shop name", shopify.ErrBadShop, fix.Fix{}},
		{"throttled", shopify.ErrThrottled, fix.Fix{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, _ := fix.Of(tt.err); got != tt.want {
				t.Errorf("fix.Of = %+v, want %+v", got, tt.want)
			}
			msg := shopify.UserMessage(tt.err)
			for _, cmd := range []string{"merchant-inbox", "secrets set", "connect shopify", "`"} {
				if strings.Contains(msg, cmd) {
					t.Errorf("UserMessage %q names a command (%q)", msg, cmd)
				}
			}
		})
	}
	if _, ok := fix.Of(errors.New("plain")); ok {
		t.Error("a plain error has a fix")
	}
}
