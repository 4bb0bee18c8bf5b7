package engine

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// maxRetryList bounds the conversations a page keeps to read again on
// their own. More failures than that are not one broken thread but a
// broken poll: the walk stops, and its checkpoint keeps the place.
const maxRetryList = 100

// pageWalk is one poll of one page's conversations: a list walk that
// streams conversations to workers as its pages arrive, and the
// checkpoint that follows them.
type pageWalk struct {
	p      *Poller
	run    *pollRun
	pageID string
	token  string
	plan   walkPlan
	old    *store.SyncCheckpoint // the checkpoint this poll started from
	front  frontier

	mu     sync.Mutex
	retry  []store.SyncRetry // to read again at the next poll
	failed []error           // this poll's conversations that failed on their own
	convs  int               // conversations stored
	msgs   int               // messages read

	saveMu sync.Mutex // checkpoints are written in the order they are taken
	saved  int        // done prefix at the last save
	state  store.SyncState
}

// walkJob is one conversation that needs calls of its own, or a list
// page's conversations whose nested messages were all there was to read,
// stored together in one transaction: one fsync for the page, not one per
// conversation.
type walkJob struct {
	seqs  []int
	convs []facebook.Conversation
	batch bool
}

// walk reads the conversations the plan names and returns nil once it
// reached the plan's end, every one of them stored or left to a retry
// of its own.
func (w *pageWalk) walk(ctx context.Context) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	// A little read-ahead: the next list call goes out while the workers
	// are still on this page's conversations, but a slow store does not
	// let the walk run pages ahead of what is stored (all of that is lost
	// work when the walk is cut short).
	jobs := make(chan walkJob, w.p.o.Concurrency)
	var wg sync.WaitGroup
	for range w.p.o.Concurrency {
		wg.Go(func() {
			for j := range jobs {
				w.work(ctx, cancel, j)
			}
		})
	}
	err := w.list(ctx, jobs)
	close(jobs)
	wg.Wait()
	if err != nil {
		return err
	}
	return context.Cause(ctx) // a worker's fatal error, or the caller's end
}

// list walks the conversation list, newest first, and hands the
// conversations to read to the workers as soon as their page arrives.
func (w *pageWalk) list(ctx context.Context, jobs chan<- walkJob) error {
	walk := w.p.o.Graph.WalkConversations(w.pageID, w.token, w.p.query())
	since := w.plan.messagesSince()
	send := func(j walkJob) bool {
		select {
		case jobs <- j:
			return true
		case <-ctx.Done():
			return false // the cause is the walk's error
		}
	}
	// unskimmed: the walk went back to full pages to find the first
	// conversation to read in a skimmed page; it stays there until it has.
	unskimmed := false
	for walk.More() {
		var convs []facebook.Conversation
		err := w.p.withRetry(ctx, w.run, w.pageID, func() error {
			var err error
			convs, err = walk.Next(ctx)
			return err
		})
		if err != nil {
			return fmt.Errorf("list conversations: %w", err)
		}
		skimmed, allSkipped, end, unskim := walk.Skimming(), true, false, false
		batch := walkJob{batch: true}
	page:
		for _, c := range convs {
			r := w.plan.region(c.UpdatedTime)
			switch {
			case r == regionEnd:
				end = true
				break page
			case r == regionSkip:
				w.front.add(c.UpdatedTime, r)
				continue
			case skimmed:
				unskim = true
				break page
			}
			allSkipped, unskimmed = false, false
			seq := w.front.add(c.UpdatedTime, r)
			if _, complete := nestedMessages(c, since); complete {
				batch.seqs, batch.convs = append(batch.seqs, seq), append(batch.convs, c)
			} else if !send(walkJob{seqs: []int{seq}, convs: []facebook.Conversation{c}}) {
				return nil
			}
		}
		if len(batch.seqs) > 0 && !send(batch) {
			return nil
		}
		switch {
		case end:
			return nil
		case unskim:
			walk.Unskim()
			unskimmed = true
		case !skimmed && allSkipped && !unskimmed && len(convs) > 0:
			walk.Skim()
		}
	}
	return nil
}

// work stores a job's conversations. A failure of one conversation alone
// leaves it to a retry of its own and the walk goes on; anything else
// (a rate limit the poll does not sit out, a dead token, the network,
// the store, the end of ctx) stops the walk where it is.
func (w *pageWalk) work(ctx context.Context, stop context.CancelCauseFunc, j walkJob) {
	if ctx.Err() != nil {
		return // not done: the checkpoint stays before it
	}
	since := w.plan.messagesSince()
	var (
		n   int
		err error
	)
	if j.batch {
		n, err = w.p.storeNested(ctx, w.run, w.pageID, j.convs, since)
	} else {
		n, err = w.p.fetchConversation(ctx, w.run, w.pageID, w.token, j.convs[0], since)
	}
	if err != nil && (j.batch || !w.isolate(j.convs[0].ID, err)) {
		stop(fmt.Errorf("conversation %s: %w", j.convs[0].ID, err))
		return
	}
	if err == nil {
		w.mu.Lock()
		w.convs += len(j.convs)
		w.msgs += n
		w.mu.Unlock()
	}
	low := 0
	for _, seq := range j.seqs {
		low = w.front.done(seq)
	}
	w.save(low)
}

// isolate records a failure that is the conversation's own (Graph refused
// that thread) for a retry at the next poll, and reports whether it did.
func (w *pageWalk) isolate(conversationID string, err error) bool {
	if !isolated(err) {
		return false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.retry) >= maxRetryList {
		return false
	}
	w.retry = append(w.retry, store.SyncRetry{ConversationID: conversationID, Since: w.plan.messagesSince()})
	w.failed = append(w.failed, fmt.Errorf("conversation %s: %w", conversationID, err))
	return true
}

// isolated reports whether err is Graph refusing one object, as opposed
// to a throttle, a dead token or anything that would fail every call.
func isolated(err error) bool {
	ge, ok := errors.AsType[*facebook.Error](err)
	return ok && !errors.Is(ge, facebook.ErrRateLimited) && !errors.Is(ge, facebook.ErrTokenInvalid)
}

// save writes the checkpoint as the walk stands, low conversations done,
// once every checkpointEvery of them, so that even a killed process loses
// at most that much work.
func (w *pageWalk) save(low int) {
	w.saveMu.Lock()
	defer w.saveMu.Unlock()
	if low-w.saved < w.p.checkpointEvery {
		return
	}
	w.saved = low
	st := w.state
	st.Checkpoint = w.front.checkpoint(w.plan, w.old, w.retryList())
	// Saved whatever ctx says: a walk cut short keeps its place.
	if err := w.p.o.Store.PutSyncState(context.Background(), st); err != nil {
		w.p.o.Logger.Warn("saving the poll's checkpoint failed; the next poll redoes more", "page", w.pageID, "err", err)
	}
}

func (w *pageWalk) retryList() []store.SyncRetry {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]store.SyncRetry(nil), w.retry...)
}

// finalState is the page's sync state after the walk: a finished walk
// records the poll as the last success; one cut short, its checkpoint.
func (w *pageWalk) finalState(finished bool) store.SyncState {
	st := w.state
	retry := w.retryList()
	switch {
	case !finished:
		st.Checkpoint = w.front.checkpoint(w.plan, w.old, retry)
	case len(retry) > 0:
		st.LastSuccess = w.plan.started
		st.Checkpoint = &store.SyncCheckpoint{Walked: true, Retry: retry}
	default:
		st.LastSuccess = w.plan.started
		st.Checkpoint = nil
	}
	return st
}

// query is how the poll reads conversations.
func (p *Poller) query() facebook.ConversationQuery {
	return facebook.ConversationQuery{PageSize: p.o.PageSize, SkimSize: p.o.SkimPageSize, Messages: p.o.NestedMessages}
}
