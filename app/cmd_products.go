package app

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/merchant-inbox/merchant-inbox/sync/price"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

const productsUsage = `products [--json] [--search TEXT] [--limit N]

Lists the shop's catalogue as last synced, by title. --search finds the
products whose title, handle, vendor or a variant's SKU hold every word
given, ignoring case and accents, as the window's products panel does:
active products first, then drafts, then archived ones.`

type productsOptions struct {
	json   bool
	search string
	limit  int
}

func runProducts(ctx context.Context, e *env, args []string) error {
	var o productsOptions
	fs := e.flags("products", productsUsage)
	fs.BoolVar(&o.json, "json", false, "print JSON")
	fs.StringVar(&o.search, "search", "", "only products matching `TEXT`")
	fs.IntVar(&o.limit, "limit", 0, "at most `N` products (0: all)")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usagef("products: unexpected argument %q (flags come before arguments)", fs.Arg(0))
	}
	if o.limit < 0 {
		return usagef("products: --limit must be 0 or more")
	}
	st, release, err := e.openStore()
	if err != nil {
		return err
	}
	defer release()
	var ps []store.Product
	if o.search != "" {
		ps, err = st.SearchProducts(ctx, o.search, o.limit)
	} else {
		ps, err = st.Products(ctx, "", o.limit)
	}
	if err != nil {
		return err
	}
	if o.json {
		if ps == nil {
			ps = []store.Product{}
		}
		return writeJSON(e.Stdout, ps)
	}
	currency := ""
	if sh, err := st.Shop(ctx); err == nil {
		currency = sh.Currency
	}
	tw := tabwriter.NewWriter(e.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TITLE\tSTATUS\tPRICE\tSTOCK\tSKU\tURL")
	for _, p := range ps {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\n", oneLine(p.Title, 40), p.Status, price.Range(p, currency), p.TotalInventory, skus(p), p.URL)
	}
	return tw.Flush()
}

func skus(p store.Product) string {
	if len(p.Variants) == 0 {
		return ""
	}
	if len(p.Variants) == 1 {
		return p.Variants[0].SKU
	}
	return fmt.Sprintf("%s (+%d)", p.Variants[0].SKU, len(p.Variants)-1)
}
