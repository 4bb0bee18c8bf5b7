package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// pollPage polls one page: metadata, the conversations that failed on
// their own last time, then the conversations that changed since its last
// successful poll, streamed as the list arrives. Its sync state records
// the poll as a success only once all of that landed; a poll cut short
// leaves a checkpoint, and the next one goes on from there.
func (p *Poller) pollPage(ctx context.Context, run *pollRun, pg store.Page, started time.Time) PageReport {
	rep := PageReport{PageID: pg.ID, Name: pg.Name}
	if pg.NeedsLogin {
		rep.Err, rep.Skipped = ErrNeedsLogin, true
		return rep
	}
	st, err := p.o.Store.SyncState(ctx, pg.ID)
	if err != nil {
		rep.Err = err
		return rep
	}
	next, err := p.pollPageData(ctx, run, pg, st, started, &rep)
	rep.Err = p.tokenDead(ctx, run, pg.ID, err)
	rep.Skipped = errors.Is(err, ErrNoToken)

	next.LastAttempt = started
	next.LastError = ""
	if rep.Err != nil {
		next.LastError = rep.Err.Error()
	}
	// Recorded whatever ctx says: a poll stopped by a shutdown keeps its
	// place for the next one.
	if err := p.o.Store.PutSyncState(context.WithoutCancel(ctx), next); err != nil {
		rep.Err = errors.Join(rep.Err, fmt.Errorf("record sync state: %w", err))
	}
	run.notify(Event{Kind: PageChanged, PageID: pg.ID})
	return rep
}

// pollPageData does the Graph part of pollPage and returns the sync state
// to record.
func (p *Poller) pollPageData(ctx context.Context, run *pollRun, pg store.Page, st store.SyncState, started time.Time, rep *PageReport) (store.SyncState, error) {
	token, err := p.token(ctx, pg)
	if err != nil {
		return st, err
	}
	meta, err := p.pageMeta(ctx, run, pg.ID, token)
	if err != nil {
		return st, err
	}
	rep.Name = meta.Name
	run.named(meta.Name)

	w := &pageWalk{
		p: p, run: run, pageID: pg.ID, token: token,
		plan: planWalk(st, started, p.o.Overlap), old: st.Checkpoint, state: st,
	}
	err = w.retryFailed(ctx)
	if err == nil {
		err = w.walk(ctx)
	}
	rep.Conversations, rep.Messages = w.convs, w.msgs
	next := w.finalState(err == nil)
	return next, errors.Join(err, failedConversations(w.failed))
}

// failedConversations sums up the conversations that failed on their own,
// to be read again at the next poll.
func failedConversations(errs []error) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return fmt.Errorf("%w; it is read again at the next sync", errs[0])
	}
	return fmt.Errorf("%d conversations failed, read again at the next sync; the first: %w", len(errs), errs[0])
}

func (p *Poller) token(ctx context.Context, pg store.Page) (string, error) {
	token, err := p.o.Tokens.Get(ctx, secrets.PageToken(pg.ID))
	if errors.Is(err, secrets.ErrNotFound) {
		return "", ErrNoToken
	}
	if err != nil {
		return "", fmt.Errorf("read page token: %w", err)
	}
	return token, nil
}

func (p *Poller) pageMeta(ctx context.Context, run *pollRun, pageID, token string) (facebook.Page, error) {
	var meta facebook.Page
	err := p.withRetry(ctx, run, pageID, func() error {
		var err error
		meta, err = p.o.Graph.Page(ctx, pageID, token)
		return err
	})
	if err != nil {
		return meta, fmt.Errorf("read page: %w", err)
	}
	ch := store.Changes{Pages: []store.Page{{ID: pageID, Name: meta.Name, Category: meta.Category, UpdatedAt: p.o.Now()}}}
	if _, err := p.o.Store.Apply(ctx, ch); err != nil {
		return meta, err
	}
	return meta, nil
}

// tokenDead turns a dead-token answer into the page's needs-login state,
// which stops every later poll from calling Meta with it again.
func (p *Poller) tokenDead(ctx context.Context, run *pollRun, pageID string, err error) error {
	if !errors.Is(err, facebook.ErrTokenInvalid) {
		return err
	}
	if serr := p.o.Store.SetNeedsLogin(ctx, pageID, true); serr != nil {
		return errors.Join(ErrNeedsLogin, serr)
	}
	run.notify(Event{Kind: PageNeedsLogin, PageID: pageID, Err: fmt.Errorf("%w: %w", ErrNeedsLogin, err)})
	run.notify(Event{Kind: PageChanged, PageID: pageID})
	return ErrNeedsLogin
}
