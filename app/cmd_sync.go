package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/engine"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
)

const syncUsage = `sync [--page ID]

Polls Facebook once: page details, the conversations that changed since the
last sync and their new messages. Exits 1 when any page failed.`

type syncOptions struct {
	page string
}

func runSync(ctx context.Context, e *env, args []string) error {
	var o syncOptions
	fs := e.flags("sync", syncUsage)
	fs.StringVar(&o.page, "page", "", "sync only this page `ID`")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usagef("sync: unexpected argument %q", fs.Arg(0))
	}
	st, err := e.cfg.openStore()
	if err != nil {
		return err
	}
	defer st.Close()
	appSecret, err := optionalSecret(ctx, e.cfg.secrets(), secrets.FacebookAppSecret)
	if err != nil {
		return err
	}
	p := e.newPoller(st, appSecret)
	var pages []string
	if o.page != "" {
		pages = []string{o.page}
	} else if ps, err := st.Pages(ctx); err != nil {
		return err
	} else if len(ps) == 0 {
		return errors.New("no pages added yet: connect Facebook or run 'merchant-inbox secrets set facebook-page-token:<PAGE_ID>'")
	}
	rep, err := p.Poll(ctx, pages...)
	printReport(e.Stdout, rep)
	if err != nil {
		return fmt.Errorf("sync: %w", err)
	}
	if err := rep.Err(); err != nil {
		return fmt.Errorf("sync failed for %s", failedPages(rep))
	}
	return nil
}

func printReport(w io.Writer, rep engine.Report) {
	for _, p := range rep.Pages {
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
	if !rep.Finished.IsZero() {
		fmt.Fprintf(w, "sync took %s\n", rep.Finished.Sub(rep.Started).Round(time.Millisecond))
	}
}

func failedPages(rep engine.Report) string {
	n, first := 0, ""
	for _, p := range rep.Pages {
		if p.Err != nil {
			if n == 0 {
				first = "page " + p.PageID
			}
			n++
		}
	}
	if n == 1 {
		return first
	}
	return fmt.Sprintf("%d pages", n)
}
