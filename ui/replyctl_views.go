package ui

import (
	"slices"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// outViews implements outboxSource: ref's replies being sent, sent and
// not yet read back, and failed, oldest first. A sent reply whose id the
// store now holds is forgotten: the stored copy shows instead.
func (c *replyCtl) outViews(ref ConversationRef, stored map[string]bool) []outView {
	s := c.convs[ref]
	if s == nil {
		return nil
	}
	s.out = slices.DeleteFunc(s.out, func(it *outItem) bool { return it.msg != nil && stored[it.msg.ID] })
	views := make([]outView, 0, len(s.out)+len(s.failed))
	for _, it := range s.out {
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

// pendingMessage is how a reply not sent yet shows: as the message it
// will be.
func (c *replyCtl) pendingMessage(id string, r SendRequest, at time.Time) store.Message {
	m := store.Message{ID: id, PageID: r.Ref.PageID, PSID: r.Ref.PSID, Direction: store.Outgoing, CreatedAt: at, Text: r.Text}
	if p := r.Product; p != nil {
		m.Text = ""
		m.Card = &store.Card{Title: p.Title, Subtitle: productPrice(*p, c.currency), ImageURL: p.ImageURL, URL: p.URL, Button: "View"}
	}
	return m
}
