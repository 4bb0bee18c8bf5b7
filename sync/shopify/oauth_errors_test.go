package shopify_test

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/shopify"
)

// The callback and scope refusals explain themselves to the merchant with
// what they can act on, and keep attacker-chosen text out of that sentence.
func TestOAuthRefusalsExplainThemselves(t *testing.T) {
	o := shopify.OAuth{ClientSecret: clientSecret, Now: func() time.Time { return t0 }}
	foreign := o.VerifyCallback(signed(clientSecret, t0, func(q url.Values) { q.Set("shop", "evil<b>.com") }), "the-state", "acme")
	scope := shopify.CheckScopes("read_orders", []string{"read_products", "read_orders"})

	tests := []struct {
		name     string
		err      error
		sentinel error
		says     []string
		never    string
	}{
		{"foreign shop", foreign, shopify.ErrBadShop, []string{"different store than acme.myshopify.com", "nothing was connected"}, "evil"},
		{"scope edited down", scope, shopify.ErrMissingScope, []string{"did not grant Merchant Inbox read_products", "nothing was connected"}, "read_orders"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !errors.Is(tt.err, tt.sentinel) {
				t.Fatalf("err = %v, want errors.Is %v", tt.err, tt.sentinel)
			}
			msg := shopify.UserMessage(tt.err)
			for _, s := range tt.says {
				if !strings.Contains(msg, s) {
					t.Errorf("UserMessage %q does not say %q", msg, s)
				}
			}
			if strings.Contains(msg, tt.never) {
				t.Errorf("UserMessage %q names %q", msg, tt.never)
			}
		})
	}
	if err := shopify.CheckScopes("write_products", []string{"read_products"}); err != nil {
		t.Errorf("CheckScopes with an implying write scope = %v, want nil", err)
	}
	if se, ok := errors.AsType[*shopify.ScopeError](scope); !ok || se.Granted != "read_orders" || strings.Join(se.Missing, ",") != "read_products" {
		t.Errorf("ScopeError = %+v", se)
	}
}
