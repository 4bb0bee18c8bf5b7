package app

import (
	"errors"
	"fmt"
	"testing"

	"github.com/merchant-inbox/merchant-inbox/sync/fix"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
)

func TestPlainMessageAddsTheFixCommand(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"no sentence", errors.New("disk full"), ""},
		{"sentence, no fix", fix.Explain(nil, "Try again later.", fix.Fix{}), "Try again later."},
		{"secret", fmt.Errorf("connect: %w", fix.Explain(nil, "facebook-app-id is not set", fix.Fix{Action: fix.SetSecret, Secret: secrets.FacebookAppID})),
			"facebook-app-id is not set. Run 'merchant-inbox secrets set facebook-app-id'."},
		{"sign in", fix.Explain(nil, "The sign-in was cancelled.", fix.Fix{Action: fix.SignInFacebook}),
			"The sign-in was cancelled. Run 'merchant-inbox connect facebook'."},
		{"known shop", fix.Explain(nil, "Shopify refused the token.", fix.Fix{Action: fix.ConnectShopify, Shop: "acme.myshopify.com"}),
			"Shopify refused the token. Run 'merchant-inbox connect shopify --shop acme.myshopify.com'."},
		{"unknown shop", fix.Explain(nil, "Shopify refused the token.", fix.Fix{Action: fix.ConnectShopify}),
			"Shopify refused the token. Run 'merchant-inbox connect shopify --shop NAME'."},
		{"action this CLI has no command for", fix.Explain(nil, "Do the thing.", fix.Fix{Action: "future"}), "Do the thing."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := plainMessage(tt.err); got != tt.want {
				t.Errorf("plainMessage = %q, want %q", got, tt.want)
			}
		})
	}
}
