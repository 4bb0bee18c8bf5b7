package engine

import (
	"sync"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// progressEvery is the least time between two PollProgress events within
// a page: enough for a terminal or a window to look alive, few enough
// that a first sync of 100,000 conversations does not flood them.
const progressEvery = 250 * time.Millisecond

// pollRun is one Poll's bookkeeping: what it has fetched so far, when it
// last told anyone, and the rate-limit pauses its workers share.
type pollRun struct {
	now    func() time.Time
	notify func(Event)
	pacer  *pacer

	mu   sync.Mutex
	p    Progress
	last time.Time // of the last PollProgress
}

func (p *Poller) newRun() *pollRun {
	r := &pollRun{now: p.o.Now}
	r.notify = func(e Event) {
		if e.At.IsZero() {
			e.At = r.now() // the poll's clock, so a test's fake one shows
		}
		p.o.Notify(e)
	}
	r.pacer = &pacer{now: p.o.Now, sleep: p.o.Sleep, notify: r.notify}
	return r
}

func (r *pollRun) snapshot() Progress {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.p
}

func (r *pollRun) started(pages int) {
	r.mu.Lock()
	r.p.Pages = pages
	r.mu.Unlock()
	r.notify(Event{Kind: PollStarted, Progress: r.snapshot()})
}

// startPage always reports: a new page is news however soon it comes.
func (r *pollRun) startPage(n int, pg store.Page) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.p.Page, r.p.PageID, r.p.PageName = n, pg.ID, pg.Name
	r.report(r.now())
}

// endPage reports the page's final counts, and its name as Graph gave it.
func (r *pollRun) endPage(pr PageReport) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if pr.Name != "" {
		r.p.PageName = pr.Name
	}
	r.report(r.now())
}

// report publishes the progress as of now; r.mu is held, so that reports
// from several workers go out in the order of their counts.
func (r *pollRun) report(now time.Time) {
	r.last = now
	r.notify(Event{Kind: PollProgress, At: now, Progress: r.p})
}

// named records the page's name once Graph has told it.
func (r *pollRun) named(name string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if name != "" {
		r.p.PageName = name
	}
}

// fetched counts a conversation's worth of work and reports it unless the
// last report is too recent.
func (r *pollRun) fetched(conversations, messages int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.p.Conversations += conversations
	r.p.Messages += messages
	if now := r.now(); now.Sub(r.last) >= progressEvery {
		r.report(now)
	}
}

func (r *pollRun) finished(err error) {
	r.notify(Event{Kind: PollFinished, Progress: r.snapshot(), Err: err})
}

// stored announces what one Apply of a poll stored for the first time.
func (r *pollRun) stored(applied store.Applied) {
	for _, m := range applied.New {
		r.notify(Event{Kind: MessageStored, PageID: m.PageID, PSID: m.PSID, MessageID: m.ID,
			Direction: m.Direction, Source: FromPoll, Created: m.CreatedAt})
	}
}
