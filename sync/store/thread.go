package store

import (
	"bytes"
	"context"
	"fmt"
	"slices"

	bbolt "go.etcd.io/bbolt"
)

// Messages returns a conversation's messages, oldest first. With limit > 0
// it returns only the latest limit of them (still oldest first), which is
// what a chat view opens on. It returns ErrNotFound if the conversation
// does not exist. A thread that loads older messages on demand reads
// MessagesPage instead.
func (s *Store) Messages(ctx context.Context, pageID, psid string, limit int) ([]Message, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("store: messages of %s/%s: %w", pageID, psid, err)
	}
	var msgs []Message
	err := s.view(func(b buckets) error {
		if b.convs.Get(convKey(pageID, psid)) == nil {
			return ErrNotFound
		}
		prefix := msgPrefix(pageID, psid)
		c := b.msgs.Cursor()
		if limit > 0 {
			var err error
			msgs, _, err = readBack(c, prefix, prefixEnd(prefix), limit)
			return err
		}
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var m Message
			if err := decode(k, v, &m); err != nil {
				return err
			}
			msgs = append(msgs, m)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: messages of %s/%s: %w", pageID, psid, err)
	}
	return msgs, nil
}

// MessageList is one page of a conversation's messages.
type MessageList struct {
	// Items are oldest first, as a thread shows them.
	Items []Message
	// Older continues with the messages before Items; "" when there are
	// none.
	Older string
}

// MessagesPage returns a conversation's latest messages (before "") or
// those just older than a cursor from an earlier page: up to limit (50
// when 0 or less, at most 1000), oldest first. A thread opens on the
// latest page and asks for Older as the merchant scrolls up. The cost is
// one seek and limit decodes however long the thread is.
//
// A message keeps the place its first sighting gave it, so a cursor
// resumes exactly where its page stopped; messages stored since are newer
// and come with the latest page, and older history a poll imports
// meanwhile shows up further up. It returns ErrNotFound if the
// conversation does not exist, ErrBadCursor for a cursor not made here.
func (s *Store) MessagesPage(ctx context.Context, pageID, psid, before string, limit int) (MessageList, error) {
	fail := func(err error) (MessageList, error) {
		return MessageList{}, fmt.Errorf("store: messages of %s/%s: %w", pageID, psid, err)
	}
	if err := ctx.Err(); err != nil {
		return fail(err)
	}
	prefix := msgPrefix(pageID, psid)
	bound := prefixEnd(prefix)
	if before != "" {
		pos, err := parseMsgCursor(before)
		if err != nil {
			return fail(err)
		}
		bound = append(prefix[:len(prefix):len(prefix)], pos...)
	}
	var out MessageList
	err := s.view(func(b buckets) error {
		if b.convs.Get(convKey(pageID, psid)) == nil {
			return ErrNotFound
		}
		msgs, oldest, err := readBack(b.msgs.Cursor(), prefix, bound, pageSize(limit))
		if oldest != nil {
			out.Older = msgCursor(oldest[len(prefix):])
		}
		out.Items = msgs
		return err
	})
	if err != nil {
		return fail(err)
	}
	return out, nil
}

// readBack decodes up to limit messages of the range prefix that sort
// before bound, and returns them oldest first. oldest is the key of the
// first of them when older messages remain, nil when none do.
func readBack(c *bbolt.Cursor, prefix, bound []byte, limit int) (msgs []Message, oldest []byte, err error) {
	var last []byte
	for k, v := lastBefore(c, prefix, bound); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Prev() {
		if len(msgs) == limit {
			oldest = last
			break
		}
		var m Message
		if err := decode(k, v, &m); err != nil {
			return nil, nil, err
		}
		msgs = append(msgs, m)
		last = k
	}
	slices.Reverse(msgs)
	// Keys are only valid during the transaction.
	return msgs, bytes.Clone(oldest), nil
}
