package app

import (
	"context"
	"fmt"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

const disconnectUsage = `disconnect facebook|shopify

Removes the connection's tokens from the OS keychain. For Facebook, Meta is
first told to stop sending the pages' webhooks, and any still on their way
are dropped. What was synced stays in the local database (and is shown
read-only) until you delete the data directory; the app credentials
(facebook-app-*, shopify-client-*) stay too.`

func runDisconnect(ctx context.Context, e *env, args []string) error {
	fs := e.flags("disconnect", disconnectUsage)
	provider, args := providerFirst(args)
	if err := parse(e, fs, args); err != nil {
		return err
	}
	if provider == "" && fs.NArg() == 1 {
		provider = fs.Arg(0)
	} else if provider == "" || fs.NArg() != 0 {
		return usagef("disconnect: want 'facebook' or 'shopify'")
	}
	if provider != store.ProviderFacebook && provider != store.ProviderShopify {
		return usagef("disconnect: unknown provider %q: want facebook or shopify", provider)
	}
	st, release, err := e.openStore()
	if err != nil {
		return err
	}
	defer release()
	res, err := e.connector(st, nil, false).Disconnect(ctx, provider)
	if err != nil {
		return err
	}
	for _, p := range res.Problems {
		fmt.Fprintln(e.Stderr, plainMessage(p))
	}
	fmt.Fprintf(e.Stdout, "Disconnected %s: removed %d token(s) from the keychain.\n", provider, res.TokensRemoved)
	if provider == store.ProviderFacebook {
		if n := len(res.Unsubscribed); n > 0 {
			fmt.Fprintf(e.Stdout, "Meta no longer sends webhooks for %d page(s).\n", n)
		}
		fmt.Fprintf(e.Stdout, "Kept in %s: %d pages, %d conversations, %d messages (no longer synced).\n",
			e.cfg.dbPath(), res.Kept.Pages, res.Kept.Conversations, res.Kept.Messages)
	} else {
		fmt.Fprintf(e.Stdout, "Kept in %s: the shop's details and %d products (no longer synced).\n", e.cfg.dbPath(), res.Kept.Products)
	}
	fmt.Fprintf(e.Stdout, "Delete %s to erase them.\n", e.cfg.dataDir)
	return nil
}
