package app

import (
	"context"
	"fmt"
	"io"

	"github.com/merchant-inbox/merchant-inbox/sync/connect"
	"github.com/merchant-inbox/merchant-inbox/sync/shopify"
)

func connectShopify(ctx context.Context, e *env, o connectOptions) error {
	if o.shop == "" {
		return usagef("connect shopify: --shop NAME is required (NAME or NAME.myshopify.com)")
	}
	if err := checkShop(o.shop); err != nil {
		return usageError{err.Error()}
	}
	st, release, err := e.openStore()
	if err != nil {
		return err
	}
	defer release()
	_, err = e.connector(st, o.public, !o.noBrowser).ConnectShopify(ctx,
		connect.ShopifyOptions{Shop: o.shop, Port: o.callbackPort(), ClientCredentials: o.clientCredentials},
		terminal{e: e, outro: func(w io.Writer, outcome string) {
			fmt.Fprintf(w, "%s Run 'merchant-inbox sync' to fetch the catalogue.\n", outcome)
		}})
	return err
}

// checkShop checks a shop's name (NAME or NAME.myshopify.com) before a
// sign-in starts, the same way for --shop and the window.
func checkShop(shop string) error {
	_, err := shopify.NormalizeShop(shop)
	return err
}

// shopifyClient is an Admin API client for shop.
func (e *env) shopifyClient(shop, token string) *shopify.Client {
	return shopify.NewClient(shopify.ClientOptions{Shop: shop, Token: token, BaseURL: e.cfg.shopifyURL, Logger: e.log})
}
