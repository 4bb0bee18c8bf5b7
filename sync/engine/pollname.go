package engine

import (
	"context"
	"fmt"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// NameCustomer gives a conversation that has no customer name (one first
// seen by a webhook: webhooks carry no names) its customer's name from
// the User Profile API, stored through the conversation merge, and
// publishes ConversationChanged when one arrives. A conversation that has
// a name is left alone, without a call. It sits out no rate limit: the
// next poll brings the name with the conversation's participants anyway.
// A dead token marks the page as needing sign-in, as a poll does.
func (p *Poller) NameCustomer(ctx context.Context, pageID, psid string) error {
	conv, err := p.o.Store.Conversation(ctx, pageID, psid)
	if err != nil {
		return err
	}
	if conv.CustomerName != "" {
		return nil
	}
	pg, err := p.o.Store.Page(ctx, pageID)
	if err != nil {
		return fmt.Errorf("page %s: %w", pageID, err)
	}
	if pg.NeedsLogin {
		return ErrNeedsLogin
	}
	token, err := p.token(ctx, pg)
	if err != nil {
		return err
	}
	run := p.newRun()
	profile, err := p.o.Graph.UserProfile(ctx, psid, token)
	if err != nil {
		return p.tokenDead(ctx, run, pageID, fmt.Errorf("read the customer's profile: %w", err))
	}
	name := profile.DisplayName()
	if name == "" {
		return nil
	}
	// Only the name: no time, so the merge keeps the conversation's
	// snippet, counts and recency as they are.
	ch := store.Changes{Conversations: []store.Conversation{{PageID: pageID, PSID: psid, CustomerName: name}}}
	if _, err := p.o.Store.Apply(ctx, ch); err != nil {
		return err
	}
	run.notify(Event{Kind: ConversationChanged, PageID: pageID, PSID: psid})
	return nil
}
