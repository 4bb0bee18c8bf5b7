package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// fetchConversation reads one conversation's messages, newest first, back
// to since (zero: all), and stores them with the conversation in one
// transaction: a conversation is stored whole or not at all, so a walk
// cut short never leaves a gap in one. The newest messages came nested in
// the list call; only when they do not reach back to since does it page
// further, from the nested page's next. It returns how many messages it
// read.
//
// It stops at since, not at the first message already stored: a webhook
// may have stored the newest message of a conversation whose older ones
// the app never saw (it was off), and stopping there would leave them out.
func (p *Poller) fetchConversation(ctx context.Context, run *pollRun, pageID, token string, c facebook.Conversation, since time.Time) (int, error) {
	msgs, complete := nestedMessages(c, since)
	pages := p.o.Graph.MoreMessages(c, token, p.o.PageSize)
more:
	for !complete && pages.More() {
		var batch []facebook.Message
		err := p.withRetry(ctx, run, pageID, func() error {
			var err error
			batch, err = pages.Next(ctx)
			return err
		})
		if err != nil {
			return 0, err
		}
		for _, m := range batch {
			if !since.IsZero() && m.CreatedTime.Before(since) {
				break more
			}
			msgs = append(msgs, m)
		}
	}
	c.Messages = msgs
	return p.storeNested(ctx, run, pageID, []facebook.Conversation{c}, since)
}

// nestedMessages returns the conversation's nested messages back to since
// and whether they are all there is to read.
func nestedMessages(c facebook.Conversation, since time.Time) ([]facebook.Message, bool) {
	for i, m := range c.Messages {
		if !since.IsZero() && m.CreatedTime.Before(since) {
			return c.Messages[:i], true
		}
	}
	return c.Messages, !c.HasMoreMessages()
}

// storeNested stores conversations with their Messages back to since in
// one transaction, and announces what it stored. It returns how many
// messages that was.
func (p *Poller) storeNested(ctx context.Context, run *pollRun, pageID string, convs []facebook.Conversation, since time.Time) (int, error) {
	var (
		ch    store.Changes
		psids []string
	)
	for _, c := range convs {
		customer, ok := customerOf(pageID, c.Participants)
		if !ok {
			p.o.Logger.Warn("conversation without a customer participant; skipped", "page", pageID, "conversation", c.ID)
			continue
		}
		ch.Conversations = append(ch.Conversations, store.Conversation{
			PageID: pageID, PSID: customer.ID, ID: c.ID, CustomerName: customer.Name,
			UpdatedAt: c.UpdatedTime, Snippet: c.Snippet,
			MessageCount: c.MessageCount, UnreadCount: c.UnreadCount,
		})
		msgs, _ := nestedMessages(c, since)
		for _, m := range msgs {
			ch.Messages = append(ch.Messages, graphMessage(pageID, customer.ID, m))
		}
		psids = append(psids, customer.ID)
	}
	applied, err := p.o.Store.Apply(ctx, ch)
	if err != nil {
		return 0, err
	}
	run.stored(applied)
	for _, psid := range psids {
		run.notify(Event{Kind: ConversationChanged, PageID: pageID, PSID: psid})
	}
	run.fetched(len(convs), len(ch.Messages))
	return len(ch.Messages), nil
}

// retryFailed reads again, one by one, the conversations that failed on
// their own in an earlier poll. One that fails on its own again stays for
// the next poll; one Graph says is gone is dropped; anything else stops
// the page, the rest kept.
func (w *pageWalk) retryFailed(ctx context.Context) error {
	if w.old == nil {
		return nil
	}
	todo := w.old.Retry
	for i, r := range todo {
		n, err := w.retryOne(ctx, r)
		switch {
		case err == nil:
			w.mu.Lock()
			w.convs++
			w.msgs += n
			w.mu.Unlock()
		case gone(err):
			w.p.o.Logger.Warn("a conversation to read again is no longer readable; dropped", "page", w.pageID, "conversation", r.ConversationID, "err", err)
		case isolated(err):
			w.mu.Lock()
			w.retry = append(w.retry, r)
			w.failed = append(w.failed, fmt.Errorf("conversation %s: %w", r.ConversationID, err))
			w.mu.Unlock()
		default:
			w.mu.Lock()
			w.retry = append(w.retry, todo[i:]...)
			w.mu.Unlock()
			return fmt.Errorf("conversation %s: %w", r.ConversationID, err)
		}
	}
	return nil
}

func (w *pageWalk) retryOne(ctx context.Context, r store.SyncRetry) (int, error) {
	var c facebook.Conversation
	err := w.p.withRetry(ctx, w.run, w.pageID, func() error {
		var err error
		c, err = w.p.o.Graph.Conversation(ctx, r.ConversationID, w.token, w.p.query())
		return err
	})
	if err != nil {
		return 0, err
	}
	return w.p.fetchConversation(ctx, w.run, w.pageID, w.token, c, r.Since)
}

// gone reports Graph's answer for an object that does not exist (or that
// the token may no longer see): code 100, subcode 33.
func gone(err error) bool {
	ge, ok := errors.AsType[*facebook.Error](err)
	return ok && ge.Code == 100 && ge.Subcode == 33
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
