package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/merchant-inbox/merchant-inbox/sync/engine"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
	"github.com/merchant-inbox/merchant-inbox/ui"
)

// The window's replies (ui.Replies) over the engine and its store: the
// reply box's drafts, the products panel's catalogue, and sending, which
// is the engine's Send, the same as `reply`.

func (b *bridge) Draft(ctx context.Context, ref ui.ConversationRef) (ui.Draft, error) {
	d, err := b.st.Draft(ctx, ref.PageID, ref.PSID)
	if err != nil {
		return ui.Draft{}, err
	}
	out := ui.Draft{Text: d.Text}
	for _, f := range d.Failed {
		out.Failed = append(out.Failed, ui.FailedSend{
			ID: f.ID, Reason: f.Reason, At: f.At,
			Request: ui.SendRequest{Ref: ref, Text: f.Text, HumanAgent: f.HumanAgent, Card: f.Card},
		})
	}
	return out, nil
}

// SaveDraft replaces the stored draft with the window's, failed sends
// included: the window read them all (those the engine kept for a reply
// from the command line too) and decides which stay.
func (b *bridge) SaveDraft(ctx context.Context, ref ui.ConversationRef, d ui.Draft) error {
	if d.IsZero() {
		return b.st.DeleteDraft(ctx, ref.PageID, ref.PSID)
	}
	shop := b.shopOrZero(ctx)
	out := store.Draft{PageID: ref.PageID, PSID: ref.PSID, Text: d.Text}
	for _, f := range d.Failed {
		out.Failed = append(out.Failed, store.FailedSend{
			ID: f.ID, Text: f.Request.Text, Card: b.card(f.Request, shop),
			HumanAgent: f.Request.HumanAgent, Reason: f.Reason, At: f.At,
		})
	}
	return b.st.PutDraft(ctx, out)
}

// Send sends through the engine, which checks the window, stores the
// message under Meta's id and announces it. The engine keeps a failure in
// the draft under the window's id for the reply, the entry the window
// then saves too, and drops it when a retry under that id is sent.
func (b *bridge) Send(ctx context.Context, r ui.SendRequest) (store.Message, error) {
	reply := engine.Reply{PageID: r.Ref.PageID, PSID: r.Ref.PSID, Text: r.Text, HumanAgent: r.HumanAgent, LocalID: r.ID}
	if card := b.card(r, b.shopOrZero(ctx)); card != nil {
		reply.Text, reply.Card = "", card
	}
	m, err := b.eng.Send(ctx, reply)
	if err != nil {
		return store.Message{}, sendSentence(err)
	}
	return m, nil
}

// card is the card r sends (nil: text), priced in the shop's currency.
func (b *bridge) card(r ui.SendRequest, shop store.Shop) *store.Card {
	switch {
	case r.Card != nil:
		return r.Card
	case r.Product != nil:
		return engine.ProductCard(*r.Product, shop)
	}
	return nil
}

// sendSentence is a send's failure as the window shows it after "Not
// sent:": the engine's sentence, with what to do where there is a fix.
func sendSentence(err error) error {
	if errors.Is(err, context.Canceled) {
		return err
	}
	if wc, ok := errors.AsType[*engine.WindowClosedError](err); ok && wc.HumanAgentPossible {
		return fmt.Errorf("%w; tick “Reply as human agent” to send it with the human-agent tag", err)
	}
	return err
}

// Shop is the connected shop; a zero Shop when none is, or when it was
// disconnected (its catalogue stays readable, but cannot be sent from).
func (b *bridge) Shop(ctx context.Context) (store.Shop, error) {
	c, err := b.st.Connection(ctx, store.ProviderShopify)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return store.Shop{}, nil
	case err != nil:
		return store.Shop{}, err
	case c.Disconnected:
		return store.Shop{}, nil
	}
	sh, err := b.st.Shop(ctx)
	if errors.Is(err, store.ErrNotFound) {
		// Connected, but the shop's details are not read yet: the
		// domain is enough for the panel.
		return store.Shop{Domain: c.Account}, nil
	}
	return sh, err
}

func (b *bridge) shopOrZero(ctx context.Context) store.Shop {
	sh, err := b.Shop(ctx)
	if err != nil {
		return store.Shop{}
	}
	return sh
}

func (b *bridge) Products(ctx context.Context, q ui.ProductQuery) ([]store.Product, error) {
	return b.st.SearchProducts(ctx, q.Text, q.Limit)
}

var _ ui.Replies = (*bridge)(nil)
