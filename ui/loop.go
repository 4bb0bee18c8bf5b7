package ui

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// The event loop: one goroutine between the engine and the widgets
// (Tailscale's systray loop is the model). It reads events, notes what
// they made stale, and at most once per throttle interval reads what is
// stale from the Inbox and hands finished view models to the UI
// goroutine in one fyne.Do. What the merchant asks for (a conversation,
// a filter, more rows) is served at once; typing in the search box is
// served when it pauses.
const (
	refreshThrottle = 100 * time.Millisecond
	searchDebounce  = 250 * time.Millisecond
	listPage        = 50 // rows read per batch of the list
	clockTick       = time.Minute
)

// stale is what events have made out of date.
type stale struct {
	pages, status, list, thread, products bool
}

func (s stale) any() bool { return s.pages || s.status || s.list || s.thread || s.products }

type loop struct {
	a        *App
	in       Inbox
	act      Actions
	clock    clockwork.Clock
	log      *slog.Logger
	events   <-chan Event
	throttle time.Duration
	debounce time.Duration

	stale       stale
	lastRefresh time.Time

	// What the UI shows (or is being sent), as the loop last read it.
	pages    []store.Page
	pageName map[string]string
	list     loopList
	thread   loopThread
	shop     loopShop

	batch []func() // UI updates of the current step, applied together
}

type loopList struct {
	loaded        bool
	query, pageID string
	rows          []rowModel
	next          string // cursor after the last row, "" at the end
}

type loopThread struct {
	ref       ConversationRef
	conv      Conversation
	msgs      []store.Message
	older     string // cursor of older messages, "" when none
	olderSeen int    // requests for older messages handled
}

func newLoop(a *App) *loop {
	return &loop{
		a: a, in: a.o.Inbox, act: a.o.Actions, clock: a.clock, log: a.log,
		events:   a.o.Events,
		throttle: refreshThrottle,
		debounce: searchDebounce,
		stale:    stale{pages: true, status: true, list: true, products: true},
		pageName: map[string]string{},
	}
}

func (l *loop) run(ctx context.Context) {
	tick := l.clock.NewTicker(clockTick)
	defer tick.Stop()
	var timer clockwork.Timer
	for {
		next := l.step(ctx)
		if ctx.Err() != nil {
			l.saveDraftsAtExit()
			return
		}
		var due <-chan time.Time
		if timer != nil {
			timer.Stop()
			timer = nil
		}
		if !next.IsZero() {
			timer = l.clock.NewTimer(max(next.Sub(l.clock.Now()), 0))
			due = timer.Chan()
		}
		select {
		case <-ctx.Done():
			l.saveDraftsAtExit()
			return
		case ev, ok := <-l.events:
			if !ok {
				l.events = nil // closed: keep serving the window
				continue
			}
			l.note(ev)
			l.drain()
		case <-l.a.kick:
		case <-due:
		case <-tick.Chan():
			l.queue(func() { // relative times, and the age in "synced 10:42"
				l.a.view.tick()
				l.a.setTray(l.a.view.status)
			})
		}
	}
}

// drain takes the events already waiting, so that a burst is noted in
// one go and answered with one refresh.
func (l *loop) drain() {
	for range 4096 {
		select {
		case ev, ok := <-l.events:
			if !ok {
				l.events = nil
				return
			}
			l.note(ev)
		default:
			return
		}
	}
}

// note records what ev made stale and passes news on to the notifier.
func (l *loop) note(ev Event) {
	switch ev.Kind {
	case Resync:
		l.stale = stale{pages: true, status: true, list: true, thread: true, products: true}
	case MessageArrived:
		l.stale.list = true
		if ev.Ref == l.thread.ref {
			l.stale.thread = true
		}
		if ev.Incoming && ev.Live && !l.a.active() {
			l.a.notes.add(ev)
		}
	case ConversationChanged:
		l.stale.list = true
		if ev.Ref == l.thread.ref {
			l.stale.thread = true
		}
	case PagesChanged:
		l.stale.pages, l.stale.list, l.stale.status = true, true, true
	case StatusChanged:
		l.stale.status = true
	case ProductsChanged:
		l.stale.products = true
	}
}

// step does what is due and returns when to look again (zero: when
// something happens).
func (l *loop) step(ctx context.Context) time.Time {
	var next time.Time
	w := l.a.wanted()
	now := l.clock.Now()

	var s stale
	if l.stale.any() {
		if due := l.lastRefresh.Add(l.throttle); now.Before(due) {
			next = due
		} else {
			s, l.stale = l.stale, stale{}
			l.lastRefresh = now
		}
	}
	if s.pages {
		l.readPages(ctx)
	}
	if s.status {
		l.readStatus(ctx)
	}

	// The thread first: opening one marks it read, and the list read
	// after it then shows it read. A refresh and a request for older
	// messages may fall in the same step; both are served.
	if w.selected != l.thread.ref {
		l.openThread(ctx, w.selected)
		l.thread.olderSeen = w.older
	} else if !l.thread.ref.IsZero() {
		if s.thread || s.pages {
			l.refreshThread(ctx)
		}
		if w.older > l.thread.olderSeen {
			l.thread.olderSeen = w.older
			l.readOlder(ctx)
		}
	}

	queryDue := w.queryAt.Add(l.debounce)
	settled := w.query == l.list.query || !now.Before(queryDue)
	if !settled && (next.IsZero() || queryDue.Before(next)) {
		next = queryDue
	}
	switch {
	case settled && (!l.list.loaded || w.query != l.list.query || w.pageID != l.list.pageID):
		l.readList(ctx, strings.TrimSpace(w.query), w.query, w.pageID, listPage)
	case s.list || s.pages:
		n := max(len(l.list.rows), listPage)
		if w.rows > n && l.list.next != "" { // more were asked for meanwhile
			n = w.rows
		}
		l.readList(ctx, strings.TrimSpace(l.list.query), l.list.query, l.list.pageID, n)
	case w.rows > len(l.list.rows) && l.list.next != "":
		l.readMore(ctx)
	}

	if due := l.stepReplies(ctx, w, s, now); !due.IsZero() && (next.IsZero() || due.Before(next)) {
		next = due
	}

	l.flush(ctx)
	return next
}

// queue adds a UI update to this step's batch.
func (l *loop) queue(fn func()) { l.batch = append(l.batch, fn) }

// flush applies the step's updates in one trip to the UI goroutine.
func (l *loop) flush(ctx context.Context) {
	if len(l.batch) == 0 || ctx.Err() != nil {
		l.batch = nil
		return
	}
	fns := l.batch
	l.batch = nil
	l.a.do(func() {
		for _, fn := range fns {
			fn()
		}
		l.a.applied.Add(1)
	})
}

func (l *loop) readPages(ctx context.Context) {
	pages, err := l.in.Pages(ctx)
	if err != nil {
		l.log.Warn("reading pages", "err", err)
		return
	}
	l.pages = pages
	l.pageName = make(map[string]string, len(pages))
	for _, p := range pages {
		l.pageName[p.ID] = pageLabel(p)
	}
	l.queue(func() { l.a.view.setPages(pages) })
}

func (l *loop) readStatus(ctx context.Context) {
	s, err := l.in.Status(ctx)
	if err != nil {
		l.log.Warn("reading status", "err", err)
		return
	}
	l.queue(func() {
		l.a.view.setStatus(s)
		l.a.setTray(s)
	})
}
