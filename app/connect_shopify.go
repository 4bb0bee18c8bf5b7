package app

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/authflow"
	"github.com/merchant-inbox/merchant-inbox/sync/engine"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
	"github.com/merchant-inbox/merchant-inbox/sync/shopify"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

const shopifyCallbackPath = "/callback/shopify"

// shopifyScopes is what the app asks a shop for: the catalogue, read-only.
func shopifyScopes() []string { return []string{"read_products"} }

func connectShopify(ctx context.Context, e *env, o connectOptions) error {
	if o.shop == "" {
		return usagef("connect shopify: --shop NAME is required (NAME or NAME.myshopify.com)")
	}
	shop, err := shopify.NormalizeShop(o.shop)
	if err != nil {
		return usageError{err.Error()}
	}
	oauth, err := e.shopifyOAuth(ctx)
	if err != nil {
		return err
	}
	st, release, err := e.openStore()
	if err != nil {
		return err
	}
	defer release()

	var tok shopify.Token
	if o.clientCredentials {
		if tok, err = oauth.ClientCredentials(ctx, shop); err != nil {
			return err
		}
	} else {
		_, err = signIn(ctx, e, o.signInOptions, shopifyCallbackPath,
			func(redirect, state string) string { return oauth.InstallURL(shop, redirect, state, shopifyScopes()) },
			func(_, state string) authflow.Callback {
				return func(ctx context.Context, q url.Values) (authflow.Outcome, error) {
					t, err := shopifyCallback(ctx, oauth, shop, state, q)
					if err != nil {
						return authflow.Outcome{}, err
					}
					tok = t
					return authflow.Outcome{
						Title:   "Connected to Shopify",
						Message: fmt.Sprintf("Merchant Inbox can now read the catalogue of %s. Return to Merchant Inbox to finish.", shop),
					}, nil
				}
			})
		if err != nil {
			return err
		}
	}
	if err := checkShopifyScopes(tok); err != nil {
		return err
	}
	if err := engine.SaveShopifyToken(ctx, e.cfg.secrets(), tok); err != nil {
		return err
	}
	if err := st.PutConnection(ctx, store.Connection{
		Provider: store.ProviderShopify, Account: shop, Scopes: strings.Split(tok.Scope, ","), ConnectedAt: time.Now(),
	}); err != nil {
		return err
	}
	info, err := e.shopifyClient(shop, tok.AccessToken).Shop(ctx)
	if err != nil {
		fmt.Fprintf(e.Stderr, "connected, but reading the shop's details failed: %s\n", shopify.UserMessage(err))
	} else if err := st.PutShop(ctx, store.Shop{Domain: shop, Name: info.Name, PrimaryDomain: info.Domain, Currency: info.Currency, UpdatedAt: time.Now()}); err != nil {
		return err
	}
	name := shop
	if info.Name != "" {
		name = fmt.Sprintf("%s (%s)", info.Name, shop)
	}
	fmt.Fprintf(e.Stdout, "Connected to Shopify: %s. Run 'merchant-inbox sync' to fetch the catalogue.\n", name)
	return nil
}

// shopifyCallback checks the redirect (state, shop, HMAC, timestamp) and
// exchanges its code for an expiring offline token with a refresh token.
func shopifyCallback(ctx context.Context, oauth shopify.OAuth, shop, state string, q url.Values) (shopify.Token, error) {
	if err := oauth.VerifyCallback(q, state, shop); err != nil {
		return shopify.Token{}, err
	}
	tok, err := oauth.Exchange(ctx, shop, q.Get("code"), true)
	if err != nil {
		return shopify.Token{}, err
	}
	// Checked here too, not only after the sign-in: the browser's final
	// page must not say "Connected" for a token the app then refuses.
	if err := checkShopifyScopes(tok); err != nil {
		return shopify.Token{}, err
	}
	return tok, nil
}

// checkShopifyScopes refuses a token that lacks a scope the app needs (the
// merchant can edit the requested scopes down on the consent page).
func checkShopifyScopes(tok shopify.Token) error {
	return shopify.CheckScopes(tok.Scope, shopifyScopes())
}

// shopifyOAuth reads the app's client credentials from the keychain.
func (e *env) shopifyOAuth(ctx context.Context) (shopify.OAuth, error) {
	sec := e.cfg.secrets()
	id, err := requiredSecret(ctx, sec, secrets.ShopifyClientID)
	if err != nil {
		return shopify.OAuth{}, err
	}
	secret, err := requiredSecret(ctx, sec, secrets.ShopifyClientSecret)
	if err != nil {
		return shopify.OAuth{}, err
	}
	return shopify.OAuth{ClientID: id, ClientSecret: secret, BaseURL: e.cfg.shopifyURL, HTTPClient: &http.Client{Timeout: 30 * time.Second}}, nil
}

// shopifyClient is an Admin API client for shop.
func (e *env) shopifyClient(shop, token string) *shopify.Client {
	return shopify.NewClient(shopify.ClientOptions{Shop: shop, Token: token, BaseURL: e.cfg.shopifyURL, Logger: e.log})
}
