package ui

import (
	"context"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/price"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// Replies is what the window needs to answer customers: the draft of a
// conversation, the shop's catalogue, and sending. It stands beside Inbox
// and Actions, with the same rules: Draft, Shop and Products are reads
// the UI makes only from its event loop goroutine; Send and SaveDraft
// are actions it calls off the UI goroutine. Without it (Options.Replies
// nil) the window reads but cannot answer, and says so.
type Replies interface {
	// Draft returns what the merchant left unsent in a conversation (a
	// zero Draft when nothing), so a reply survives a switch or a
	// restart.
	Draft(ctx context.Context, ref ConversationRef) (Draft, error)
	// SaveDraft keeps what the merchant left unsent in a conversation,
	// failed sends included, replacing what was kept; a zero Draft
	// removes it. The window calls it once typing pauses, on leaving a
	// conversation, and when a send fails or a failed one is retried or
	// deleted.
	SaveDraft(ctx context.Context, ref ConversationRef, d Draft) error
	// Send sends a reply and returns it as stored, with the id Meta gave
	// it, so the window can swap its "Sending…" bubble for it: the echo
	// and the next poll bring the same id and are not shown twice. The
	// error's text is one sentence the merchant can act on; the window
	// shows it after "Not sent:". The callee never retries on its own.
	Send(ctx context.Context, r SendRequest) (store.Message, error)

	// Shop returns the connected Shopify shop; a zero Shop (Domain "")
	// when none is, which the products panel says.
	Shop(ctx context.Context) (store.Shop, error)
	// Products returns up to q.Limit products of the catalogue whose
	// title, SKU, handle or vendor contains q.Text (case folded; all
	// products when it is empty), active ones first.
	Products(ctx context.Context, q ProductQuery) ([]store.Product, error)
}

// SendRequest is one reply the merchant asked to send.
type SendRequest struct {
	// ID is the window's name for the reply until Meta gives it one:
	// a failure is kept in the draft under it, and a retry sends it again
	// under it, so the window and whoever keeps the draft speak of the
	// same entry. Unique across restarts.
	ID   string
	Ref  ConversationRef
	Text string
	// HumanAgent asks for Meta's HUMAN_AGENT tag: the merchant chose it
	// after the standard 24-hour window closed.
	HumanAgent bool
	// Product, when set, sends the product as a card (picture, title,
	// price, a "View" button) instead of Text.
	Product *store.Product
	// Card is a card already made, sent as it is: a failed card kept in
	// the draft, whose product may have changed since. Product is then
	// nil.
	Card *store.Card
}

// card is the card r sends, nil for text.
func (r SendRequest) card(currency string) *store.Card {
	if r.Card != nil {
		return r.Card
	}
	if p := r.Product; p != nil {
		return &store.Card{Title: p.Title, Subtitle: price.From(*p, currency), ImageURL: p.ImageURL, URL: p.URL, Button: "View"}
	}
	return nil
}

// Draft is what a conversation holds unsent: the text in the reply box
// and the sends that failed, which the merchant may retry or delete. It
// is kept through Actions.SaveDraft so that neither is lost when the
// merchant switches conversations or the app restarts.
type Draft struct {
	Text   string
	Failed []FailedSend
}

// IsZero reports whether d holds nothing worth keeping.
func (d Draft) IsZero() bool { return d.Text == "" && len(d.Failed) == 0 }

// FailedSend is a reply that could not be sent, with the reason.
type FailedSend struct {
	// ID tells failed sends apart; the window makes it, the store only
	// keeps it.
	ID      string
	Request SendRequest
	Reason  string    // the send error's sentence
	At      time.Time // when the send was tried
}

// ProductQuery selects products from the catalogue.
type ProductQuery struct {
	Text  string
	Limit int
}
