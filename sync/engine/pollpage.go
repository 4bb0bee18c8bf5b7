package engine

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// pollPage polls one page: metadata, then the conversations that changed
// since its last successful poll, then their new messages. Its sync state
// moves forward only when all of that landed, so a failed poll is simply
// repeated next time.
func (p *Poller) pollPage(ctx context.Context, run *pollRun, pg store.Page, started time.Time) PageReport {
	rep := PageReport{PageID: pg.ID, Name: pg.Name}
	if pg.NeedsLogin {
		rep.Err = ErrNeedsLogin
		return rep
	}
	st, err := p.o.Store.SyncState(ctx, pg.ID)
	if err != nil {
		rep.Err = err
		return rep
	}
	rep.Err = p.tokenDead(ctx, run, pg.ID, p.pollPageData(ctx, run, pg, st, &rep))

	st.LastAttempt = started
	st.LastError = ""
	if rep.Err != nil {
		st.LastError = rep.Err.Error()
	} else {
		st.LastSuccess = started
	}
	if err := p.o.Store.PutSyncState(ctx, st); err != nil {
		rep.Err = errors.Join(rep.Err, fmt.Errorf("record sync state: %w", err))
	}
	run.notify(Event{Kind: PageChanged, PageID: pg.ID})
	return rep
}

func (p *Poller) pollPageData(ctx context.Context, run *pollRun, pg store.Page, st store.SyncState, rep *PageReport) error {
	token, err := p.token(ctx, pg)
	if err != nil {
		return err
	}
	meta, err := p.pageMeta(ctx, run, pg.ID, token)
	if err != nil {
		return err
	}
	rep.Name = meta.Name
	run.named(meta.Name)

	var since time.Time
	if !st.LastSuccess.IsZero() {
		since = st.LastSuccess.Add(-p.o.Overlap)
	}
	convs, err := p.changedConversations(ctx, run, pg.ID, token, since)
	if err != nil {
		return err
	}
	rep.Conversations = len(convs)
	n, err := p.fetchAll(ctx, run, pg.ID, token, convs, since)
	rep.Messages = n
	return err
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

// changedConversations walks the page's conversations, newest first, and
// stops at the first one not updated since `since` (zero: walk them all).
func (p *Poller) changedConversations(ctx context.Context, run *pollRun, pageID, token string, since time.Time) ([]facebook.Conversation, error) {
	var convs []facebook.Conversation
	err := p.withRetry(ctx, run, pageID, func() error {
		convs = convs[:0] // a retried walk starts again from the newest
		for c, err := range p.o.Graph.Conversations(ctx, pageID, token, p.o.PageSize) {
			if err != nil {
				return err
			}
			if !since.IsZero() && c.UpdatedTime.Before(since) {
				return nil
			}
			convs = append(convs, c)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list conversations: %w", err)
	}
	return convs, nil
}

// fetchAll fetches and stores the messages of convs with bounded
// concurrency. A dead token stops everything; other failures are collected
// so one broken conversation does not hide the rest.
func (p *Poller) fetchAll(ctx context.Context, run *pollRun, pageID, token string, convs []facebook.Conversation, since time.Time) (int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	work := make(chan facebook.Conversation)
	var (
		mu    sync.Mutex
		total int
		errs  []error
		wg    sync.WaitGroup
	)
	for range min(p.o.Concurrency, len(convs)) {
		wg.Go(func() {
			for c := range work {
				n, err := p.fetchConversation(ctx, run, pageID, token, c, since)
				mu.Lock()
				total += n
				if err != nil {
					errs = append(errs, fmt.Errorf("conversation %s: %w", c.ID, err))
					if errors.Is(err, facebook.ErrTokenInvalid) {
						cancel()
					}
				}
				mu.Unlock()
			}
		})
	}
feed:
	for _, c := range convs {
		select {
		case work <- c:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	if len(errs) == 0 && ctx.Err() != nil {
		errs = append(errs, ctx.Err())
	}
	return total, errors.Join(errs...)
}

// fetchConversation reads one conversation's messages, newest first, back
// to `since`, and stores them with the conversation in one transaction.
func (p *Poller) fetchConversation(ctx context.Context, run *pollRun, pageID, token string, c facebook.Conversation, since time.Time) (int, error) {
	customer, ok := customerOf(pageID, c.Participants)
	if !ok {
		p.o.Logger.Warn("conversation without a customer participant; skipped", "page", pageID, "conversation", c.ID)
		return 0, nil
	}
	var msgs []store.Message
	err := p.withRetry(ctx, run, pageID, func() error {
		msgs = msgs[:0]
		for m, err := range p.o.Graph.Messages(ctx, c.ID, token, p.o.PageSize) {
			if err != nil {
				return err
			}
			if !since.IsZero() && m.CreatedTime.Before(since) {
				return nil
			}
			msgs = append(msgs, graphMessage(pageID, customer.ID, m))
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	ch := store.Changes{
		Conversations: []store.Conversation{{
			PageID: pageID, PSID: customer.ID, ID: c.ID, CustomerName: customer.Name,
			UpdatedAt: c.UpdatedTime, Snippet: c.Snippet,
			MessageCount: c.MessageCount, UnreadCount: c.UnreadCount,
		}},
		Messages: msgs,
	}
	applied, err := p.o.Store.Apply(ctx, ch)
	if err != nil {
		return 0, err
	}
	run.stored(applied)
	run.notify(Event{Kind: ConversationChanged, PageID: pageID, PSID: customer.ID})
	run.fetched(1, len(msgs))
	return len(msgs), nil
}

func customerOf(pageID string, ps []facebook.Participant) (facebook.Participant, bool) {
	for _, pt := range ps {
		if pt.ID != "" && pt.ID != pageID {
			return pt, true
		}
	}
	return facebook.Participant{}, false
}

func graphMessage(pageID, psid string, m facebook.Message) store.Message {
	dir := store.Incoming
	if m.From.ID == pageID {
		dir = store.Outgoing
	}
	return store.Message{
		ID: m.ID, PageID: pageID, PSID: psid, Direction: dir,
		CreatedAt: m.CreatedTime, Text: m.Text, Attachments: attachments(m.Attachments),
	}
}
