package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// Ingester turns verified webhook deliveries into store writes. It is the
// facebook.Sink behind the webhook handler: Ingest returns only after the
// whole delivery is committed, so the handler never acknowledges an event
// it could still lose.
type Ingester struct {
	store  *store.Store
	log    *slog.Logger
	notify func(Event)
	// pageChanged is told about `changes` entries so page metadata can be
	// refetched out of band; the webhook answer never waits for Graph.
	pageChanged func(pageID string)
}

// IngesterOptions configures an Ingester. Only Store is required.
type IngesterOptions struct {
	Store       *store.Store
	Logger      *slog.Logger
	Notify      func(Event)         // optional: told what changed, after commit
	PageChanged func(pageID string) // optional: a page's metadata changed on Facebook
}

// NewIngester returns an Ingester writing to o.Store.
func NewIngester(o IngesterOptions) *Ingester {
	in := &Ingester{store: o.Store, log: o.Logger, notify: o.Notify, pageChanged: o.PageChanged}
	if in.log == nil {
		in.log = slog.New(slog.DiscardHandler)
	}
	return in
}

// Ingest commits every event of wh that belongs to a known page in one
// transaction. Events for pages the merchant has not added, and event kinds
// we do not store, are logged and skipped: they are not errors, and failing
// the delivery would only make Meta retry it forever.
func (in *Ingester) Ingest(ctx context.Context, wh *facebook.Webhook) error {
	var ch store.Changes
	var changedPages []string
	for _, e := range wh.Entries {
		pg, known, err := in.knownPage(ctx, e.PageID)
		if err != nil {
			return err
		}
		if !known {
			in.log.Warn("webhook for a page that is not added; skipped", "page", e.PageID, "events", len(e.Events))
			continue
		}
		if pg.Disconnected {
			// Meta was told to stop; this one was already on its way.
			in.log.Info("webhook for a disconnected page; skipped", "page", e.PageID, "events", len(e.Events))
			continue
		}
		for _, ev := range e.Events {
			if !addEvent(&ch, e.PageID, ev) {
				in.log.Info("webhook event kind not stored; skipped", "page", e.PageID, "kind", ev.Kind.String())
			}
		}
		for _, c := range e.Changes {
			if p, ok := pageChange(e.PageID, e.Time, c); ok {
				ch.Pages = append(ch.Pages, p)
			}
			changedPages = append(changedPages, e.PageID)
		}
	}
	applied, err := in.store.Apply(ctx, ch)
	if err != nil {
		return fmt.Errorf("ingest webhook: %w", err)
	}
	in.announce(ch, applied)
	if in.pageChanged != nil {
		for _, id := range dedupe(changedPages) {
			in.pageChanged(id)
		}
	}
	return nil
}

func (in *Ingester) knownPage(ctx context.Context, id string) (store.Page, bool, error) {
	pg, err := in.store.Page(ctx, id)
	switch {
	case err == nil:
		return pg, true, nil
	case errors.Is(err, store.ErrNotFound):
		return pg, false, nil
	default:
		return pg, false, fmt.Errorf("ingest webhook: look up page: %w", err)
	}
}

// announce tells the subscriber what the committed delivery changed: each
// message stored for the first time, then each conversation and page it
// touched. A redelivered message is not news and is not announced again.
func (in *Ingester) announce(ch store.Changes, applied store.Applied) {
	if in.notify == nil {
		return
	}
	for _, m := range applied.New {
		in.notify(Event{Kind: MessageStored, PageID: m.PageID, PSID: m.PSID, MessageID: m.ID,
			Direction: m.Direction, Source: FromWebhook, Created: m.CreatedAt})
	}
	seen := map[[2]string]bool{}
	conv := func(page, psid string) {
		k := [2]string{page, psid}
		if !seen[k] {
			seen[k] = true
			in.notify(Event{Kind: ConversationChanged, PageID: page, PSID: psid})
		}
	}
	for _, m := range ch.Messages {
		conv(m.PageID, m.PSID)
	}
	for _, r := range ch.Reactions {
		conv(r.PageID, r.PSID)
	}
	for _, r := range ch.Receipts {
		conv(r.PageID, r.PSID)
	}
	for _, p := range ch.Pages {
		in.notify(Event{Kind: PageChanged, PageID: p.ID})
	}
}

// addEvent maps one Messenger event onto ch and reports whether it was a
// kind we store. Direction comes from who sent it: an echo is the page
// writing to the customer, everything else is the customer acting.
func addEvent(ch *store.Changes, pageID string, ev facebook.Event) bool {
	customer := ev.SenderID
	if ev.Kind == facebook.EventEcho {
		customer = ev.RecipientID
	}
	if customer == "" || customer == pageID && ev.Kind != facebook.EventEcho {
		return false
	}
	switch ev.Kind {
	case facebook.EventMessage, facebook.EventEcho:
		m := ev.Message
		if m == nil || m.MID == "" {
			return false
		}
		dir := store.Incoming
		if ev.Kind == facebook.EventEcho {
			dir = store.Outgoing
		}
		ch.Messages = append(ch.Messages, store.Message{
			ID: m.MID, PageID: pageID, PSID: customer, Direction: dir,
			CreatedAt: ev.Timestamp, Text: m.Text, Attachments: attachments(m.Attachments),
			Postback: m.QuickReplyPayload, ReplyTo: m.ReplyTo,
		})
	case facebook.EventPostback:
		p := ev.Postback
		if p == nil {
			return false
		}
		id := p.MID
		if id == "" {
			// Older postbacks carry no mid; derive a stable one so a
			// redelivery still dedupes.
			id = "pb_" + customer + "_" + strconv.FormatInt(ev.Timestamp.UnixMilli(), 10)
		}
		ch.Messages = append(ch.Messages, store.Message{
			ID: id, PageID: pageID, PSID: customer, Direction: store.Incoming,
			CreatedAt: ev.Timestamp, Text: p.Title, Postback: p.Payload,
		})
	case facebook.EventReaction:
		r := ev.Reaction
		if r == nil || r.MID == "" {
			return false
		}
		emoji := r.Emoji
		if emoji == "" {
			emoji = r.Reaction
		}
		if r.Action == "unreact" {
			emoji = ""
		}
		ch.Reactions = append(ch.Reactions, store.Reaction{
			PageID: pageID, PSID: customer, MessageID: r.MID, Emoji: emoji, At: ev.Timestamp,
		})
	case facebook.EventDelivery:
		if ev.Delivery == nil {
			return false
		}
		ch.Receipts = append(ch.Receipts, store.Receipt{PageID: pageID, PSID: customer, Watermark: ev.Delivery.Watermark})
	case facebook.EventRead:
		if ev.Read == nil {
			return false
		}
		ch.Receipts = append(ch.Receipts, store.Receipt{PageID: pageID, PSID: customer, Read: true, Watermark: ev.Read.Watermark})
	default:
		return false
	}
	return true
}

// pageChange applies the page fields a `changes` entry carries in full,
// dated by the entry so that a late re-delivery cannot undo a newer name.
// Everything else is left to the metadata refetch it also triggers.
func pageChange(pageID string, at time.Time, c facebook.Change) (store.Page, bool) {
	var s string
	if json.Unmarshal(c.Value, &s) != nil || s == "" {
		return store.Page{}, false
	}
	switch c.Field {
	case "name":
		return store.Page{ID: pageID, Name: s, UpdatedAt: at}, true
	case "category":
		return store.Page{ID: pageID, Category: s, UpdatedAt: at}, true
	}
	return store.Page{}, false
}

func attachments(as []facebook.Attachment) []store.Attachment {
	if len(as) == 0 {
		return nil
	}
	out := make([]store.Attachment, 0, len(as))
	for _, a := range as {
		out = append(out, store.Attachment{Type: a.Type, URL: a.URL, Name: a.Name})
	}
	return out
}

func dedupe(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := ids[:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
