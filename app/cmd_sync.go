package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/engine"
)

const syncUsage = `sync [--page ID]

Polls once: each Facebook page's details, the conversations that changed
since the last sync and their new messages; then, when a shop is connected,
the shop's details and its whole catalogue. Exits 1 when anything failed.`

type syncOptions struct {
	page string
}

func runSync(ctx context.Context, e *env, args []string) error {
	var o syncOptions
	fs := e.flags("sync", syncUsage)
	fs.StringVar(&o.page, "page", "", "sync only this Facebook page `ID` (not the catalogue)")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usagef("sync: unexpected argument %q", fs.Arg(0))
	}
	st, release, err := e.openStore()
	if err != nil {
		return err
	}
	defer release()
	eng, err := e.engine(ctx, st)
	if err != nil {
		return err
	}
	var pages []string
	if o.page != "" {
		pages = []string{o.page}
	} else if ps, err := st.Pages(ctx); err != nil {
		return err
	} else if shop, err := eng.HasShop(ctx); err != nil {
		return err
	} else if len(ps) == 0 && !shop {
		return errors.New("nothing to sync yet: run 'merchant-inbox connect facebook' (or 'secrets set facebook-page-token:<PAGE_ID>') or 'connect shopify --shop NAME'")
	}
	rep, err := eng.Poll(ctx, pages...)
	printReport(e.Stdout, rep)
	if err != nil {
		return fmt.Errorf("sync: %w", err)
	}
	if failed := failures(rep); failed != "" {
		return fmt.Errorf("sync failed for %s", failed)
	}
	return nil
}

func printReport(w io.Writer, rep engine.PollReport) {
	for _, p := range rep.Facebook.Pages {
		label := p.PageID
		if p.Name != "" {
			label = fmt.Sprintf("%s (%s)", p.Name, p.PageID)
		}
		if p.Err != nil {
			fmt.Fprintf(w, "%s: failed: %v\n", label, p.Err)
			continue
		}
		fmt.Fprintf(w, "%s: %d conversations changed, %d messages read\n", label, p.Conversations, p.Messages)
	}
	if c := rep.Catalogue; c != nil {
		if rep.ShopErr != nil {
			fmt.Fprintf(w, "failed: %v\n", rep.ShopErr)
		} else {
			fmt.Fprintf(w, "shop %s: %d products read, %d changed, %d removed\n", c.Shop, c.Products, c.Changed, c.Removed)
		}
	}
	if f := rep.Facebook; !f.Finished.IsZero() {
		fmt.Fprintf(w, "facebook sync took %s\n", f.Finished.Sub(f.Started).Round(time.Millisecond))
	}
}

// failures names what failed, for the one-line error.
func failures(rep engine.PollReport) string {
	var names []string
	for _, p := range rep.Facebook.Pages {
		if p.Err != nil {
			names = append(names, "page "+p.PageID)
		}
	}
	if rep.ShopErr != nil {
		names = append(names, "the shop")
	}
	return strings.Join(names, ", ")
}
