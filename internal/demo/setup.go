package demo

import (
	"context"
	"fmt"

	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
)

// Runner runs one command of the app (merchant-inbox ARGS...) with stdin
// as its standard input, in the sandbox's environment: the real binary
// for `make demo`, app.Run in-process for tests.
type Runner func(ctx context.Context, stdin string, args ...string) error

// step is one command of the setup and its standard input.
type step struct {
	stdin string
	args  []string
}

// setupSteps is what a merchant would do by hand: store the Meta app's
// credentials and each Page's token, then connect the shop.
func setupSteps() []step {
	steps := []step{
		{appID, []string{"secrets", "set", "facebook-app-id"}},
		{appSecret, []string{"secrets", "set", "facebook-app-secret"}},
		{verifyToken, []string{"secrets", "set", "facebook-verify-token"}},
	}
	for _, p := range pages {
		steps = append(steps, step{pageToken(p.id), []string{"secrets", "set", "facebook-page-token:" + p.id}})
	}
	return append(steps,
		step{shopifyClientID, []string{"secrets", "set", "shopify-client-id"}},
		step{shopifyClientSecret, []string{"secrets", "set", "shopify-client-secret"}},
		step{"", []string{"connect", "shopify", "--shop", shopHandle, "--client-credentials", "--no-browser"}},
	)
}

// Setup connects the app to the sandbox through the app's own commands,
// secrets (fake ones) going to the keychain on standard input as a
// merchant's would. The app's first start then polls the Pages and the
// catalogue.
func (s *Sandbox) Setup(ctx context.Context, run Runner) error {
	for _, st := range setupSteps() {
		if err := run(ctx, st.stdin, st.args...); err != nil {
			return fmt.Errorf("demo setup: %v: %w", st.args, err)
		}
	}
	return nil
}

// SecretNames are the keychain entries Setup creates (with the Shopify
// token `connect shopify` stores), for removing them when the demo ends.
func SecretNames() []secrets.Name {
	names := []secrets.Name{secrets.FacebookAppID, secrets.FacebookAppSecret, secrets.FacebookVerifyToken,
		secrets.ShopifyClientID, secrets.ShopifyClientSecret, secrets.ShopifyToken}
	for _, p := range pages {
		names = append(names, secrets.PageToken(p.id))
	}
	return names
}
