package ui

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// The loop's part in replying: the shop and its products for the panel,
// the draft of a conversation opened, and keeping drafts, all through
// Options.Replies and never on the UI goroutine.

const (
	// productsPage is how many products the panel shows for a search; a
	// merchant refines the search rather than scroll a catalogue.
	productsPage = 50
	// draftPause is how long typing pauses before a draft is kept.
	draftPause = time.Second
	// draftExitTimeout bounds keeping drafts when the app ends.
	draftExitTimeout = 3 * time.Second
)

// loopShop is the shop and the products search as the loop last read
// them.
type loopShop struct {
	loaded   bool // the shop was read
	shop     store.Shop
	searched bool // products were read for query
	query    string
}

// stepReplies does the reply work due at now and returns when to look
// again (zero: when something happens).
func (l *loop) stepReplies(ctx context.Context, w wantsNow, s stale, now time.Time) time.Time {
	r := l.a.o.Replies
	if r == nil {
		return time.Time{}
	}
	next := l.saveDrafts(ctx, now)
	shopChanged := false
	if s.status || s.products || !l.shop.loaded {
		shop, err := r.Shop(ctx)
		if err != nil {
			l.log.Warn("reading the shop", "err", err)
		} else {
			shopChanged = !l.shop.loaded || shop != l.shop.shop
			l.shop.loaded, l.shop.shop = true, shop
			l.queue(func() { l.a.setShop(shop) })
		}
	}
	if !w.productsOpen || !l.shop.loaded || l.shop.shop.Domain == "" {
		return next
	}
	due := w.productQueryAt.Add(l.debounce)
	settled := w.productQuery == l.shop.query || !now.Before(due)
	if !settled {
		return earlier(next, due)
	}
	if !l.shop.searched || w.productQuery != l.shop.query || s.products || shopChanged {
		l.readProducts(ctx, w.productQuery)
	}
	return next
}

func earlier(a, b time.Time) time.Time {
	if a.IsZero() || (!b.IsZero() && b.Before(a)) {
		return b
	}
	return a
}

func (l *loop) readProducts(ctx context.Context, query string) {
	text := strings.TrimSpace(query)
	ps, err := l.a.o.Replies.Products(ctx, ProductQuery{Text: text, Limit: productsPage + 1})
	l.shop.searched, l.shop.query = true, query
	m := productsModel{query: text, items: ps, read: true}
	if len(ps) > productsPage {
		m.items, m.more = ps[:productsPage], true
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		l.log.Warn("reading products", "err", err)
		m.err = err.Error()
	}
	l.queue(func() { l.a.products.set(m) })
}

// readDraft reads what ref holds unsent. A draft that cannot be read
// counts as empty: the merchant can still write, and is told nothing
// was lost only because nothing was found.
func (l *loop) readDraft(ctx context.Context, ref ConversationRef) {
	r := l.a.o.Replies
	if r == nil {
		return
	}
	d, err := r.Draft(ctx, ref)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return
		}
		l.log.Warn("reading a draft", "err", err)
	}
	l.queue(func() { l.a.reply.draftRead(ref, d) })
}

// saveDraft hands a draft to the loop; now skips the pause.
func (a *App) saveDraft(ref ConversationRef, d Draft, now bool) {
	due := a.clock.Now()
	if !now {
		due = due.Add(draftPause)
	}
	a.want(func(w *wants) {
		if w.drafts == nil {
			w.drafts = map[ConversationRef]Draft{}
		}
		w.drafts[ref] = d
		if now || w.draftsDue.IsZero() || due.After(w.draftsDue) {
			w.draftsDue = due
		}
	})
}

// takeDrafts returns the drafts due at now (all of them when now is
// zero), or when they will be.
func (a *App) takeDrafts(now time.Time) (map[ConversationRef]Draft, time.Time) {
	a.wants.mu.Lock()
	defer a.wants.mu.Unlock()
	w := &a.wants
	if len(w.drafts) == 0 {
		return nil, time.Time{}
	}
	if !now.IsZero() && now.Before(w.draftsDue) {
		return nil, w.draftsDue
	}
	d := w.drafts
	w.drafts, w.draftsDue = nil, time.Time{}
	return d, time.Time{}
}

func (l *loop) saveDrafts(ctx context.Context, now time.Time) time.Time {
	drafts, due := l.a.takeDrafts(now)
	for ref, d := range drafts {
		if err := l.a.o.Replies.SaveDraft(ctx, ref, d); err != nil {
			l.log.Warn("keeping a draft", "err", err)
		}
	}
	return due
}

// saveDraftsAtExit keeps what was typed in the last moment before the app
// ended, with a context of its own: the loop's has ended.
func (l *loop) saveDraftsAtExit() {
	if l.a.o.Replies == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), draftExitTimeout)
	defer cancel()
	l.saveDrafts(ctx, time.Time{})
}
