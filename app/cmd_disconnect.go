package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

const disconnectUsage = `disconnect facebook|shopify

Removes the connection's tokens from the OS keychain. What was synced stays
in the local database (and is shown read-only) until you delete the data
directory; the app credentials (facebook-app-*, shopify-client-*) stay too.`

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

	var names []secrets.Name
	if provider == store.ProviderFacebook {
		pages, err := st.Pages(ctx)
		if err != nil {
			return err
		}
		for _, p := range pages {
			names = append(names, secrets.PageToken(p.ID))
		}
	} else {
		names = append(names, secrets.ShopifyToken)
	}
	removed := 0
	sec := e.cfg.secrets()
	for _, n := range names {
		err := sec.Delete(ctx, n)
		switch {
		case err == nil:
			removed++
		case !errors.Is(err, secrets.ErrNotFound):
			return fmt.Errorf("remove %s from the keychain: %w", n, err)
		}
	}

	// Record the disconnection only for a connection that exists (a pasted
	// page token leaves none).
	c, err := st.Connection(ctx, provider)
	switch {
	case err == nil:
		c.Disconnected, c.DisconnectedAt, c.Note = true, time.Now(), "disconnected by you"
		if err := st.PutConnection(ctx, c); err != nil {
			return err
		}
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	stats, err := st.Stats(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "Disconnected %s: removed %d token(s) from the keychain.\n", provider, removed)
	if provider == store.ProviderFacebook {
		fmt.Fprintf(e.Stdout, "Kept in %s: %d pages, %d conversations, %d messages (no longer synced).\n",
			e.cfg.dbPath(), stats.Pages, stats.Conversations, stats.Messages)
	} else {
		fmt.Fprintf(e.Stdout, "Kept in %s: the shop's details and %d products (no longer synced).\n", e.cfg.dbPath(), stats.Products)
	}
	fmt.Fprintf(e.Stdout, "Delete %s to erase them.\n", e.cfg.dataDir)
	return nil
}
