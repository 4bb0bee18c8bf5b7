package store

import (
	"bytes"
	"fmt"
	"slices"
)

// putMessage stores m, or merges it into the copy already stored under the
// same mid.
//
// The first sighting decides the storage key and CreatedAt: a webhook
// stamps a message in milliseconds, the Graph API in seconds, so the same
// message arrives with two different times and must not become two rows
// or move within its conversation.
func (t *txn) putMessage(m Message) error {
	mid := []byte(m.ID)
	if key := t.mids.Get(mid); key != nil {
		return t.mergeMessage(bytes.Clone(key), m)
	}
	m.CreatedAt = m.CreatedAt.UTC()
	m.ReactionAt = m.ReactionAt.UTC()
	var pending Reaction
	ok, err := getJSON(t.reactions, mid, &pending)
	if err != nil {
		return err
	}
	if ok {
		applyReaction(&m, pending)
		if err := t.reactions.Delete(mid); err != nil {
			return err
		}
	}
	key := msgKey(m.PageID, m.PSID, m.CreatedAt, m.ID)
	if err := putJSON(t.msgs, key, m); err != nil {
		return err
	}
	if err := t.mids.Put(mid, key); err != nil {
		return err
	}
	t.stats.Messages++
	t.statsDirty = true
	t.added = append(t.added, m)

	e, err := t.conv(m.PageID, m.PSID)
	if err != nil {
		return err
	}
	if err := t.indexMessage(e, m); err != nil {
		return err
	}
	e.cur.UpdatedAt = later(e.cur.UpdatedAt, m.CreatedAt)
	e.resnip = true
	if m.Direction == Incoming {
		e.newIn = append(e.newIn, key)
		e.cur.LastIncomingAt = later(e.cur.LastIncomingAt, m.CreatedAt)
	}
	return nil
}

// mergeMessage folds a second sighting of a message into the stored one:
// non-empty content overwrites (a poll may carry what a webhook lacked),
// the reaction is kept (reactions have their own, timestamped path) and
// the direction is only filled in, never flipped. A card keeps its Card:
// its echo and Graph's copy describe it as a template attachment, which
// says less.
func (t *txn) mergeMessage(key []byte, m Message) error {
	var old Message
	ok, err := getJSON(t.msgs, key, &old)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("mid %q: index points at a missing message", m.ID)
	}
	merged := old
	if m.Text != "" {
		merged.Text = m.Text
	}
	if m.Card != nil {
		// The app's own copy of a card whose echo came first: the
		// template attachment the echo stored says less than the card.
		merged.Card = m.Card
		merged.Attachments = slices.DeleteFunc(slices.Clone(merged.Attachments), isTemplate)
	}
	if len(m.Attachments) > 0 && merged.Card == nil {
		merged.Attachments = m.Attachments
	}
	if m.Postback != "" {
		merged.Postback = m.Postback
	}
	if m.ReplyTo != "" {
		merged.ReplyTo = m.ReplyTo
	}
	if merged.Direction == "" {
		merged.Direction = m.Direction
	}
	if err := putIfChanged(t.msgs, key, merged); err != nil {
		return err
	}
	e, err := t.conv(old.PageID, old.PSID)
	if err != nil {
		return err
	}
	if err := t.reindexMessage(e, old, merged); err != nil {
		return err
	}
	e.resnip = true
	if old.Direction == "" && merged.Direction == Incoming {
		e.newIn = append(e.newIn, key)
		e.cur.LastIncomingAt = later(e.cur.LastIncomingAt, old.CreatedAt)
	}
	return nil
}

// settleSnippet sets the snippet from the conversation's newest stored
// message, once all of the transaction's writes are in. Looking at the
// stored messages rather than at what this write brought keeps it right
// when a poll stores older messages after newer ones, or carries Graph's
// snippet from before a message a webhook stored meanwhile (Graph's
// seconds cannot always tell). LastDirection is set with the snippet, so
// the two always describe the same message. A newest message with no
// preview leaves both as they are.
func (t *txn) settleSnippet(e *convEntry) error {
	if !e.resnip {
		return nil
	}
	k, v := lastWithPrefix(t.msgs.Cursor(), msgPrefix(e.orig.PageID, e.orig.PSID))
	if k == nil {
		return nil
	}
	var m Message
	if err := decode(k, v, &m); err != nil {
		return err
	}
	if s := snippet(m); s != "" {
		e.cur.Snippet = s
		e.cur.LastDirection = m.Direction
	}
	return nil
}

// snippet is the one-line preview of m in the inbox list.
func snippet(m Message) string {
	switch {
	case m.Text != "":
		return m.Text
	case m.Card != nil && m.Card.Title != "":
		return m.Card.Title
	case len(m.Attachments) > 0:
		return "[attachment]"
	default:
		return m.Postback
	}
}

// react sets a message's reaction, or parks it until the message arrives:
// webhooks can deliver the reaction before (or instead of) the message a
// poll will bring later, and a reaction must not be lost on the way.
func (t *txn) react(r Reaction) error {
	r.At = r.At.UTC()
	mid := []byte(r.MessageID)
	if key := t.mids.Get(mid); key != nil {
		key = bytes.Clone(key)
		var m Message
		if _, err := getJSON(t.msgs, key, &m); err != nil {
			return err
		}
		if !applyReaction(&m, r) {
			return nil
		}
		return putJSON(t.msgs, key, m)
	}
	var pending Reaction
	ok, err := getJSON(t.reactions, mid, &pending)
	if err != nil {
		return err
	}
	if ok && r.At.Before(pending.At) {
		return nil
	}
	return putIfChanged(t.reactions, mid, r)
}

// applyReaction sets m's reaction from r unless m already holds a later
// one, and reports whether m changed. On equal times the reaction applied
// last wins.
func applyReaction(m *Message, r Reaction) bool {
	if r.At.Before(m.ReactionAt) {
		return false
	}
	changed := m.Reaction != r.Emoji || !m.ReactionAt.Equal(r.At)
	m.Reaction, m.ReactionAt = r.Emoji, r.At.UTC()
	return changed
}

// isTemplate reports an attachment standing for a template (a card) in an
// echo or in Graph's copy.
func isTemplate(a Attachment) bool { return a.Type == "template" || a.Type == "fallback" }
