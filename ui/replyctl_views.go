package ui

import (
	"slices"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// outViews implements outboxSource: ref's replies being sent, sent and
// not yet read back, and failed, oldest first. A sent reply whose id the
// store now holds is forgotten: the stored copy shows instead. The store
// may hold a reply before its send has returned (it is stored as soon as
// Meta accepts it): a stored reply of the merchant's with the same words,
// from the moment of the send on, is taken to be it, so that it never
// shows twice.
func (c *replyCtl) outViews(ref ConversationRef, stored []store.Message) []outView {
	s := c.convs[ref]
	if s == nil {
		return nil
	}
	ids := make(map[string]bool, len(stored))
	for _, m := range stored {
		ids[m.ID] = true
	}
	s.out = slices.DeleteFunc(s.out, func(it *outItem) bool { return it.msg != nil && ids[it.msg.ID] })
	claimed := map[string]bool{}
	for _, it := range s.out {
		if it.msg != nil {
			claimed[it.msg.ID] = true
		}
	}
	views := make([]outView, 0, len(s.out)+len(s.failed))
	for _, it := range s.out {
		if it.msg == nil && storedAlready(it, stored, claimed) {
			continue
		}
		local := "local:" + it.id
		if it.msg != nil {
			views = append(views, outView{key: it.msg.ID, local: local, msg: *it.msg, state: sendStored})
			continue
		}
		views = append(views, outView{key: local, msg: c.pendingMessage(local, it.req, it.at), state: sendSending})
	}
	for _, f := range s.failed {
		key := "local:" + f.ID
		views = append(views, outView{key: key, msg: c.pendingMessage(key, f.Request, f.At),
			state: sendFailed, reason: f.Reason, id: f.ID})
	}
	slices.SortStableFunc(views, func(a, b outView) int { return a.msg.CreatedAt.Compare(b.msg.CreatedAt) })
	return views
}

// storedAlready finds a stored reply that it, still sending, must be, and
// claims it.
func storedAlready(it *outItem, stored []store.Message, claimed map[string]bool) bool {
	since := it.at.Add(-2 * time.Second) // the store's clock may be a little behind
	for i := len(stored) - 1; i >= 0; i-- {
		m := stored[i]
		if m.CreatedAt.Before(since) {
			return false
		}
		if m.Direction != store.Outgoing || claimed[m.ID] {
			continue
		}
		same := m.Text == it.req.Text
		if card := it.req.card(""); card != nil {
			same = m.Card != nil && m.Card.Title == card.Title
		}
		if same {
			claimed[m.ID] = true
			return true
		}
	}
	return false
}

// pendingMessage is how a reply not sent yet shows: as the message it
// will be.
func (c *replyCtl) pendingMessage(id string, r SendRequest, at time.Time) store.Message {
	m := store.Message{ID: id, PageID: r.Ref.PageID, PSID: r.Ref.PSID, Direction: store.Outgoing, CreatedAt: at, Text: r.Text}
	if card := r.card(c.currency); card != nil {
		m.Text = ""
		m.Card = card
	}
	return m
}
