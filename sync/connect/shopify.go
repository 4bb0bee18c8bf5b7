package connect

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/authflow"
	"github.com/merchant-inbox/merchant-inbox/sync/fix"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
	"github.com/merchant-inbox/merchant-inbox/sync/shopify"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// ShopifyScopes is what the app asks a shop for: the catalogue, read-only.
// Each call returns a fresh slice.
func ShopifyScopes() []string { return []string{"read_products"} }

// ShopifyOptions are the choices of one Shopify connection.
type ShopifyOptions struct {
	// Shop is the shop's name or its name.myshopify.com address.
	Shop string
	// Port is the callback port on 127.0.0.1: 0 means
	// DefaultCallbackPort, AnyPort a free one.
	Port int
	// ClientCredentials gets the token with the client credentials grant
	// instead of the browser: for an app the shop's own organisation owns.
	ClientCredentials bool
}

// ShopifyResult is a completed Shopify connection.
type ShopifyResult struct {
	Shop    string // the shop's myshopify.com domain
	Name    string // the shop's name; "" when it could not be read
	Message string // the outcome sentence, as given to Prompter.Done
}

// ConnectShopify installs the app on the shop through the consent page in
// the browser (or, with ClientCredentials, without one), keeps the token
// with its refresh token in the keychain, records the connection, and
// reads the shop's details. A token that lacks a scope the app needs is
// refused before anything is stored. A bad shop name is an error matching
// shopify.ErrBadShop, found before anything else happens.
func (c *Connector) ConnectShopify(ctx context.Context, o ShopifyOptions, p Prompter) (_ ShopifyResult, err error) {
	shop, err := shopify.NormalizeShop(o.Shop)
	if err != nil {
		return ShopifyResult{}, err
	}
	defer func() { err = naming(err, shop) }()
	oauth, err := c.shopifyOAuth(ctx)
	if err != nil {
		return ShopifyResult{}, err
	}
	var tok shopify.Token
	if o.ClientCredentials {
		if tok, err = oauth.ClientCredentials(ctx, shop); err != nil {
			return ShopifyResult{}, err
		}
	} else {
		err = c.signIn(ctx, o.Port, p, ShopifyCallbackPath,
			func(redirect, state string) string { return oauth.InstallURL(shop, redirect, state, ShopifyScopes()) },
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
			return ShopifyResult{}, err
		}
	}
	if err := checkShopifyScopes(tok); err != nil {
		return ShopifyResult{}, err
	}
	if err := ctx.Err(); err != nil {
		return ShopifyResult{}, err
	}
	if err := c.commitShopify(ctx, shop, tok); err != nil {
		return ShopifyResult{}, err
	}

	res := ShopifyResult{Shop: shop}
	info, err := shopify.NewClient(shopify.ClientOptions{Shop: shop, Token: tok.AccessToken, BaseURL: c.ShopifyURL, Logger: c.log()}).Shop(ctx)
	if err != nil {
		p.Notice("connected, but reading the shop's details failed: " + shopify.UserMessage(err))
	} else if err := c.Store.PutShop(ctx, store.Shop{Domain: shop, Name: info.Name, PrimaryDomain: info.Domain, Currency: info.Currency, UpdatedAt: c.now()}); err != nil {
		p.Notice("connected, but keeping the shop's details failed: " + authflow.UserMessage(err))
	} else {
		res.Name = info.Name
	}
	name := shop
	if res.Name != "" {
		name = fmt.Sprintf("%s (%s)", res.Name, shop)
	}
	res.Message = fmt.Sprintf("Connected to Shopify: %s.", name)
	p.Done(res.Message)
	return res, nil
}

// naming fills in the shop of a "connect the shop again" fix that err
// carries without one, so the merchant is offered this shop.
func naming(err error, shop string) error {
	f, ok := fix.Of(err)
	if !ok || f.Action != fix.ConnectShopify || f.Shop != "" {
		return err
	}
	f.Shop = shop
	return fix.Explain(err, authflow.UserMessage(err), f)
}

// shopifyOAuth reads the app's client credentials from the keychain.
func (c *Connector) shopifyOAuth(ctx context.Context) (shopify.OAuth, error) {
	id, err := c.requiredSecret(ctx, secrets.ShopifyClientID)
	if err != nil {
		return shopify.OAuth{}, err
	}
	secret, err := c.requiredSecret(ctx, secrets.ShopifyClientSecret)
	if err != nil {
		return shopify.OAuth{}, err
	}
	return shopify.OAuth{
		ClientID: id, ClientSecret: secret, BaseURL: c.ShopifyURL,
		HTTPClient: &http.Client{Timeout: 30 * time.Second}, Now: c.Now,
	}, nil
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
	return shopify.CheckScopes(tok.Scope, ShopifyScopes())
}

// commitShopify keeps the token (refresh token and expiry included, in the
// form the engine's token source reads) and records the connection, both
// or, as far as the keychain goes, neither.
func (c *Connector) commitShopify(ctx context.Context, shop string, tok shopify.Token) (err error) {
	ctx, cancel := committing(ctx)
	defer cancel()
	b, err := tok.MarshalJSON()
	if err != nil {
		return fmt.Errorf("encode shopify token: %w", err)
	}
	tx := &keychainTx{s: c.Secrets}
	if err := tx.set(ctx, secrets.ShopifyToken, string(b)); err != nil {
		return err
	}
	err = c.Store.PutConnection(ctx, store.Connection{
		Provider: store.ProviderShopify, Account: shop, Scopes: strings.Split(tok.Scope, ","), ConnectedAt: c.now(),
	})
	if err != nil {
		if rerr := tx.rollback(ctx); rerr != nil {
			c.log().Error("connect: could not put the keychain back after a failed Shopify connection", "err", rerr)
		}
	}
	return err
}
