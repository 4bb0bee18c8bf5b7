package store

import (
	"context"
	"fmt"
	"time"
)

// Apply is the single write path for webhooks and polls: everything in ch
// commits in one transaction or not at all.
//
// The merge rules make the result independent of which source saw a record
// first and of how often it was delivered, so Apply(ch) twice equals once:
//
//   - Pages are created if missing; non-empty Name and Category overwrite;
//     UpdatedAt only moves forward. NeedsLogin is left alone (SetNeedsLogin
//     owns it).
//   - Conversations (from polls) are created if missing, with their page;
//     non-empty ID and CustomerName overwrite; a non-empty Snippet and
//     MessageCount overwrite unless the copy's UpdatedAt is older (to the
//     second) than the stored one; UpdatedAt, DeliveredAt and ReadAt only
//     move forward.
//   - The snippet is the preview of the conversation's newest stored
//     message when that has one (see settleSnippet).
//   - UnreadCount counts the incoming messages after the merchant's read
//     marker. The first time a poll stores a conversation (a copy with
//     its Graph ID), the copy's UnreadCount (Graph's) places the marker,
//     so importing a page's history does not light up every old
//     conversation (see settleUnread); later copies' counts, and those of
//     copies without an ID, are ignored. Only MarkRead moves the marker
//     after that.
//   - Messages are deduplicated by mid (see putMessage).
//   - Reactions set Message.Reaction; the latest by At wins, and one for a
//     message not stored yet waits for it (see react).
//   - Receipts move DeliveredAt / ReadAt forward, creating the
//     conversation if needed.
//
// A record with a missing ID, or an ID containing a NUL byte, fails the
// whole call with ErrInvalid before anything is written.
//
// Concurrent calls share one transaction and one fsync; see committer.
//
// Applied lists the messages this call stored for the first time, so a
// caller can tell news (a desktop notification) from a redelivery.
func (s *Store) Apply(ctx context.Context, ch Changes) (Applied, error) {
	if err := ctx.Err(); err != nil {
		return Applied{}, fmt.Errorf("store: apply: %w", err)
	}
	if err := ch.validate(); err != nil {
		return Applied{}, fmt.Errorf("store: apply: %w", err)
	}
	if len(ch.Pages)+len(ch.Conversations)+len(ch.Messages)+len(ch.Reactions)+len(ch.Receipts) == 0 {
		return Applied{}, nil
	}
	var done Applied
	err := s.write(func(t *txn) error {
		err := t.apply(ch)
		// fn may run again (see committer.write): keep the last run's.
		done = Applied{New: t.added}
		return err
	})
	if err != nil {
		return Applied{}, fmt.Errorf("store: apply: %w", err)
	}
	return done, nil
}

// Applied is what one Apply changed.
type Applied struct {
	// New are the messages stored for the first time, as stored (a
	// message already known by its mid is not listed again).
	New []Message
}

// apply runs inside the write transaction. It must not modify ch: a
// batched transaction can be rolled back and apply run again.
func (t *txn) apply(ch Changes) error {
	for _, p := range ch.Pages {
		if err := t.mergePage(p); err != nil {
			return err
		}
	}
	for _, c := range ch.Conversations {
		if err := t.mergeConv(c); err != nil {
			return err
		}
	}
	for _, m := range ch.Messages {
		if err := t.putMessage(m); err != nil {
			return err
		}
	}
	for _, r := range ch.Reactions {
		if err := t.react(r); err != nil {
			return err
		}
	}
	for _, r := range ch.Receipts {
		if err := t.receipt(r); err != nil {
			return err
		}
	}
	return nil
}

func (t *txn) mergePage(p Page) error {
	var pg Page
	ok, err := getJSON(t.pages, []byte(p.ID), &pg)
	if err != nil {
		return err
	}
	if !ok {
		pg = Page{ID: p.ID}
		t.stats.Pages++
		t.statsDirty = true
	}
	// A copy older than what is stored (a late webhook re-delivery: Meta
	// does not keep order after failures) only fills what is missing; a
	// newer one, or one with no time, overwrites.
	newer := p.UpdatedAt.IsZero() || !p.UpdatedAt.Before(pg.UpdatedAt)
	if p.Name != "" && (newer || pg.Name == "") {
		pg.Name = p.Name
	}
	if p.Category != "" && (newer || pg.Category == "") {
		pg.Category = p.Category
	}
	pg.UpdatedAt = later(pg.UpdatedAt, p.UpdatedAt)
	return putIfChanged(t.pages, []byte(p.ID), pg)
}

func (t *txn) mergeConv(c Conversation) error {
	e, err := t.conv(c.PageID, c.PSID)
	if err != nil {
		return err
	}
	cur := &e.cur
	if c.ID != "" {
		cur.ID = c.ID
	}
	if c.CustomerName != "" {
		cur.CustomerName = c.CustomerName
	}
	// A poll reads Graph before it applies, and a webhook or a later
	// poll may have stored newer activity in between: its snippet and
	// counts would then undo that.
	if !olderSecond(c.UpdatedAt, cur.UpdatedAt) {
		if c.Snippet != "" {
			cur.Snippet = c.Snippet
			e.resnip = true
		}
		cur.MessageCount = c.MessageCount
	}
	// Graph's unread count only seeds the read marker of a conversation
	// a poll imports for the first time (see settleUnread); from then on
	// the count is kept here. A poll's copy is the one that carries the
	// Graph conversation id: a copy without it (a name looked up on its
	// own, say) says nothing about what was read.
	if !cur.Polled && c.ID != "" {
		cur.Polled = true
		e.imported = &graphUnread{count: c.UnreadCount, at: c.UpdatedAt}
	}
	cur.UpdatedAt = later(cur.UpdatedAt, c.UpdatedAt)
	cur.DeliveredAt = later(cur.DeliveredAt, c.DeliveredAt)
	cur.ReadAt = later(cur.ReadAt, c.ReadAt)
	return nil
}

func (t *txn) receipt(r Receipt) error {
	e, err := t.conv(r.PageID, r.PSID)
	if err != nil {
		return err
	}
	if r.Read {
		e.cur.ReadAt = later(e.cur.ReadAt, r.Watermark)
	} else {
		e.cur.DeliveredAt = later(e.cur.DeliveredAt, r.Watermark)
	}
	return nil
}

// olderSecond reports whether a is older than b to the second. Graph
// reports times in whole seconds and webhooks in milliseconds, so a poll
// that has seen the message a webhook stored at 12:00:05.250 says
// 12:00:05; comparing exactly would refuse every such poll's counts, and
// webhooks never bring counts. The price is that a copy read in the same
// second as newer activity passes for current until the next poll.
func olderSecond(a, b time.Time) bool {
	return a.Truncate(time.Second).Before(b.Truncate(time.Second))
}

// later returns the later of a and b in UTC, which is how every time is
// stored: the file then reads the same whatever the machine's zone.
func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b.UTC()
	}
	return a.UTC()
}
