package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/engine"
)

const syncUsage = `sync [--page ID] [--quiet]

Polls once: each Facebook page's details, the conversations that changed
since the last sync and their new messages; then, when a shop is connected,
the shop's details and its whole catalogue. Exits 1 when anything failed.

On a terminal, progress goes to stderr as it comes (page n of m,
conversations and messages fetched); when Meta throttles, one line says
which page waits and until when. Elsewhere only those lines and a final
one are written. --quiet writes none of them.`

type syncOptions struct {
	page  string
	quiet bool
}

func runSync(ctx context.Context, e *env, args []string) error {
	var o syncOptions
	fs := e.flags("sync", syncUsage)
	fs.StringVar(&o.page, "page", "", "sync only this Facebook page `ID` (not the catalogue)")
	fs.BoolVar(&o.quiet, "quiet", false, "print no progress on stderr")
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
	if !o.quiet {
		stop := printProgress(ctx, eng, newProgressPrinter(e.Stderr, e.stderrIsTerminal()))
		defer stop()
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

// stderrIsTerminal reports whether a person watches stderr (for a command
// run inside serve: whether the caller's stdin is a terminal, the one
// thing the caller tells).
func (e *env) stderrIsTerminal() bool {
	if e.host != nil {
		return e.terminal
	}
	f, ok := e.Stderr.(*os.File)
	return ok && isTerminal(f)
}

// printProgress prints the poll's events until stop is called; stop
// returns once every event published before it has been printed.
func printProgress(ctx context.Context, eng *engine.Engine, pp *progressPrinter) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	ch := eng.Subscribe(ctx, 1024)
	var wg sync.WaitGroup
	wg.Go(func() {
		for ev := range ch {
			pp.event(ev)
		}
	})
	return func() {
		cancel()
		wg.Wait()
	}
}

// progressPrinter turns poll events into lines for a person. On a
// terminal (stream) it prints where the poll is, at most once a second
// and at every new page; elsewhere (a log file, a cron mail) only what
// needs attention (rate-limit waits) and one final line.
type progressPrinter struct {
	w      io.Writer
	stream bool
	now    func() time.Time
	names  map[string]string // page id -> name, as progress told
	last   time.Time         // of the last progress line
	page   int               // of the last progress line
	start  time.Time         // of the poll
}

func newProgressPrinter(w io.Writer, stream bool) *progressPrinter {
	return &progressPrinter{w: w, stream: stream, now: time.Now, names: map[string]string{}}
}

// progressLineEvery keeps a terminal readable during a long first sync.
const progressLineEvery = time.Second

func (pp *progressPrinter) event(ev engine.Event) {
	switch ev.Kind {
	case engine.PollStarted:
		pp.start, pp.page = ev.At, 0
	case engine.PollProgress:
		p := ev.Progress
		if p.PageID != "" && p.PageName != "" {
			pp.names[p.PageID] = p.PageName
		}
		now := pp.now()
		if !pp.stream || p.Page == 0 || (p.Page == pp.page && now.Sub(pp.last) < progressLineEvery) {
			return
		}
		pp.last, pp.page = now, p.Page
		fmt.Fprintf(pp.w, "page %d of %d, %s: %d conversations, %d messages fetched\n",
			p.Page, p.Pages, pp.label(p.PageID), p.Conversations, p.Messages)
	case engine.RateLimitWait:
		until := ev.Until.Local().Format("15:04:05")
		if !sameDay(ev.Until, pp.now()) {
			until = ev.Until.Local().Format("Jan 2 15:04:05")
		}
		switch {
		case ev.Scope == engine.AppScope && ev.Err != nil:
			fmt.Fprintf(pp.w, "Meta rate-limits this app until %s, longer than a sync waits: %s is left for the next sync\n", until, pp.label(ev.PageID))
		case ev.Scope == engine.AppScope:
			fmt.Fprintf(pp.w, "Meta rate-limits this app: every page waits until %s\n", until)
		case ev.Err != nil:
			fmt.Fprintf(pp.w, "Meta rate-limits %s until %s, longer than a sync waits: it is left for the next sync\n", pp.label(ev.Scope), until)
		default:
			fmt.Fprintf(pp.w, "Meta rate-limits %s: it waits until %s\n", pp.label(ev.Scope), until)
		}
	case engine.PollFinished:
		p := ev.Progress
		took := ""
		if !pp.start.IsZero() && !ev.At.Before(pp.start) {
			took = " in " + ev.At.Sub(pp.start).Round(100*time.Millisecond).String()
		}
		outcome := "done"
		if ev.Err != nil {
			outcome = "finished with errors"
		}
		fmt.Fprintf(pp.w, "facebook sync %s: %d pages, %d conversations, %d messages fetched%s\n",
			outcome, p.Pages, p.Conversations, p.Messages, took)
	}
}

// label names a page as the merchant knows it.
func (pp *progressPrinter) label(pageID string) string {
	if name := pp.names[pageID]; name != "" {
		return fmt.Sprintf("%s (%s)", name, pageID)
	}
	return "page " + pageID
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Local().Date()
	by, bm, bd := b.Local().Date()
	return ay == by && am == bm && ad == bd
}

func printReport(w io.Writer, rep engine.PollReport) {
	for _, p := range rep.Facebook.Pages {
		label := p.PageID
		if p.Name != "" {
			label = fmt.Sprintf("%s (%s)", p.Name, p.PageID)
		}
		if p.Err != nil {
			fmt.Fprintf(w, "%s: failed: %s\n", label, explain(p.Err))
			continue
		}
		fmt.Fprintf(w, "%s: %d conversations changed, %d messages read\n", label, p.Conversations, p.Messages)
	}
	if c := rep.Catalogue; c != nil {
		if rep.ShopErr != nil {
			fmt.Fprintf(w, "failed: %s\n", explain(rep.ShopErr))
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
