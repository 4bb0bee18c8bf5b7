package store

import (
	"bytes"
	"context"
	"fmt"
	"time"
)

// Unread state is local: the merchant's read marker on each conversation
// (Conversation.SeenAt/SeenID, a position in its message keys) and the
// number of incoming messages after it, kept up to date by the same
// transaction that stores a message. The count depends only on which
// messages are stored and where the marker is, never on which source
// brought a message or how often, so webhooks and polls agree.

// graphUnread is what a poll's copy of a conversation says about unread
// messages: Graph's count, and when Graph last saw activity.
type graphUnread struct {
	count int
	at    time.Time
}

// seenKey is the msgs key of c's read marker, or the conversation's
// prefix (before every message) when there is none.
func seenKey(c *Conversation) []byte {
	if c.SeenID == "" {
		return msgPrefix(c.PageID, c.PSID)
	}
	return msgKey(c.PageID, c.PSID, c.SeenAt, c.SeenID)
}

// settleUnread brings the unread count up to date once the transaction's
// messages are in. Usually that is adding the incoming messages this
// write stored after the marker: no read of other messages. When a poll
// imports the conversation for the first time, the marker is placed from
// Graph's count first and the count taken again.
func (t *txn) settleUnread(e *convEntry) error {
	c := &e.cur
	if e.imported == nil {
		seen := seenKey(c)
		for _, k := range e.newIn {
			if bytes.Compare(k, seen) > 0 {
				c.UnreadCount++
			}
		}
		return nil
	}
	k, m, err := t.importMarker(e)
	if err != nil {
		return err
	}
	// The marker only moves forward: a MarkRead before the first poll
	// (the conversation came by webhook) wins over Graph's view.
	if k != nil && bytes.Compare(k, seenKey(c)) > 0 {
		c.SeenAt, c.SeenID = m.CreatedAt, m.ID
	}
	c.UnreadCount, err = t.countUnread(c)
	return err
}

// importMarker finds where Graph's unread count puts the read marker:
// just before the count newest incoming messages that Graph knew of, as
// if the merchant had read everything before them in Meta's inbox.
// Messages newer (to the second) than Graph's copy were stored since
// Graph counted, by a webhook racing the poll; they are left unread and
// do not use up Graph's count. It returns a nil key when every message
// is unread.
func (t *txn) importMarker(e *convEntry) ([]byte, Message, error) {
	g := *e.imported
	prefix := msgPrefix(e.cur.PageID, e.cur.PSID)
	c := t.msgs.Cursor()
	for k, v := lastWithPrefix(c, prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Prev() {
		var m Message
		if err := decode(k, v, &m); err != nil {
			return nil, Message{}, err
		}
		if !g.at.IsZero() && olderSecond(g.at, m.CreatedAt) {
			continue
		}
		if g.count == 0 {
			return bytes.Clone(k), m, nil
		}
		if m.Direction == Incoming {
			g.count--
		}
	}
	return nil, Message{}, nil
}

// countUnread counts the incoming messages after c's marker, walking back
// from the newest: its cost is the number of messages after the marker.
func (t *txn) countUnread(c *Conversation) (int, error) {
	prefix := msgPrefix(c.PageID, c.PSID)
	seen := seenKey(c)
	n := 0
	cur := t.msgs.Cursor()
	for k, v := lastWithPrefix(cur, prefix); k != nil && bytes.HasPrefix(k, prefix) && bytes.Compare(k, seen) > 0; k, v = cur.Prev() {
		var m Message
		if err := decode(k, v, &m); err != nil {
			return 0, err
		}
		if m.Direction == Incoming {
			n++
		}
	}
	return n, nil
}

// MarkRead moves the merchant's read marker of a conversation to its
// newest message and zeroes its unread count, as opening it in the window
// does. It reports whether that changed anything: marking a conversation
// that is already read (or has no messages) is a no-op that writes
// nothing, so calling it on every open costs one read, not a commit. A
// message stored between the window's read and this call is marked read
// too; the window shows it on the refresh its event triggers. It returns
// ErrNotFound if the conversation does not exist.
func (s *Store) MarkRead(ctx context.Context, pageID, psid string) (changed bool, err error) {
	fail := func(err error) (bool, error) {
		return false, fmt.Errorf("store: mark %s/%s read: %w", pageID, psid, err)
	}
	if err := ctx.Err(); err != nil {
		return fail(err)
	}
	var read bool
	err = s.view(func(b buckets) error {
		var c Conversation
		if err := getOrNotFound(b.convs, convKey(pageID, psid), &c); err != nil {
			return err
		}
		k, _ := lastWithPrefix(b.msgs.Cursor(), msgPrefix(pageID, psid))
		read = k == nil || bytes.Equal(k, seenKey(&c))
		return nil
	})
	if err != nil {
		return fail(err)
	}
	if read {
		return false, nil
	}
	err = s.write(func(t *txn) error {
		changed = false // fn may run again; only the last run counts
		if t.convs.Get(convKey(pageID, psid)) == nil {
			return ErrNotFound
		}
		e, err := t.conv(pageID, psid)
		if err != nil {
			return err
		}
		k, v := lastWithPrefix(t.msgs.Cursor(), msgPrefix(pageID, psid))
		if k == nil || bytes.Equal(k, seenKey(&e.cur)) {
			return nil
		}
		var m Message
		if err := decode(k, v, &m); err != nil {
			return err
		}
		e.cur.SeenAt, e.cur.SeenID, e.cur.UnreadCount = m.CreatedAt, m.ID, 0
		changed = true
		return nil
	})
	if err != nil {
		return fail(err)
	}
	return changed, nil
}
