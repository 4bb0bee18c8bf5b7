package store

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Conversation returns one conversation, or ErrNotFound.
func (s *Store) Conversation(ctx context.Context, pageID, psid string) (Conversation, error) {
	if err := ctx.Err(); err != nil {
		return Conversation{}, fmt.Errorf("store: conversation %s/%s: %w", pageID, psid, err)
	}
	var c Conversation
	err := s.view(func(b buckets) error {
		return getOrNotFound(b.convs, convKey(pageID, psid), &c)
	})
	if err != nil {
		return Conversation{}, fmt.Errorf("store: conversation %s/%s: %w", pageID, psid, err)
	}
	return c, nil
}

// FindConversation resolves what a user may paste: a Graph conversation
// id ("t_...") or a customer's PSID. A PSID is only unique within a page,
// so one that exists under several pages gives ErrAmbiguous. Looking a
// PSID up costs one key read per page.
func (s *Store) FindConversation(ctx context.Context, ref string) (Conversation, error) {
	if err := ctx.Err(); err != nil {
		return Conversation{}, fmt.Errorf("store: find conversation %q: %w", ref, err)
	}
	if !validID(ref) {
		return Conversation{}, fmt.Errorf("store: find conversation %q: %w", ref, ErrNotFound)
	}
	var found []Conversation
	err := s.view(func(b buckets) error {
		if key := b.convIDs.Get([]byte(ref)); key != nil {
			var c Conversation
			if err := getOrNotFound(b.convs, key, &c); err != nil {
				return err
			}
			found = append(found, c)
			return nil
		}
		pc := b.pages.Cursor()
		for pageID, _ := pc.First(); pageID != nil; pageID, _ = pc.Next() {
			var c Conversation
			ok, err := getJSON(b.convs, convKey(string(pageID), ref), &c)
			if err != nil {
				return err
			}
			if ok {
				found = append(found, c)
			}
		}
		return nil
	})
	switch {
	case err != nil:
		return Conversation{}, fmt.Errorf("store: find conversation %q: %w", ref, err)
	case len(found) == 0:
		return Conversation{}, fmt.Errorf("store: find conversation %q: %w", ref, ErrNotFound)
	case len(found) > 1:
		pages := make([]string, len(found))
		for i, c := range found {
			pages[i] = c.PageID
		}
		return Conversation{}, fmt.Errorf("store: find conversation %q: %w (pages %s)", ref, ErrAmbiguous, strings.Join(pages, ", "))
	}
	return found[0], nil
}

// Conversations returns a page's conversations, most recently active
// first; pageID "" merges all pages. limit <= 0 returns all of them.
//
// Each page's recency index is read backwards from its end, limit keys
// per page, so the cost is (pages × limit) key reads plus limit record
// decodes, independent of how many conversations exist. An unknown pageID
// gives ErrNotFound. A list that scrolls reads ConversationsPage instead.
func (s *Store) Conversations(ctx context.Context, pageID string, limit int) ([]Conversation, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("store: conversations of %q: %w", pageID, err)
	}
	var convs []Conversation
	err := s.view(func(b buckets) error {
		hits, err := recentHits(b, pageID, limit, nil)
		if err != nil {
			return err
		}
		if limit > 0 && len(hits) > limit {
			hits = hits[:limit]
		}
		convs, err = loadConvs(b, hits)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: conversations of %q: %w", pageID, err)
	}
	return convs, nil
}

// ConversationQuery selects one page of the inbox list.
type ConversationQuery struct {
	// PageID limits the list to one Facebook page; "" merges all pages.
	PageID string
	// After is the Next of the page before; "" starts at the newest.
	After string
	// Limit is the page size: 50 when 0 or less, at most 1000.
	Limit int
}

// ConversationList is one page of the inbox list.
type ConversationList struct {
	Items []Conversation
	// Next continues the list after Items; "" when nothing follows.
	Next string
}

// ConversationsPage returns the conversations that follow q.After in
// recency order (newest first; ties in time by page ID, then PSID, both
// descending). It costs one seek and Limit+1 key reads per page plus
// Limit record decodes, however deep the cursor is and however many
// conversations exist. An unknown PageID gives ErrNotFound, a cursor
// not made by this method ErrBadCursor.
//
// Activity only ever moves a conversation up (UpdatedAt never goes back),
// and the cursor is a position, not a record. So while a list is paged
// down, no conversation is listed twice; one that moves up from below
// the cursor is missed by this pass. It is then at the top, where a
// reader that reloads the first page on each ConversationChanged event
// (as the window does) shows it.
func (s *Store) ConversationsPage(ctx context.Context, q ConversationQuery) (ConversationList, error) {
	fail := func(err error) (ConversationList, error) {
		return ConversationList{}, fmt.Errorf("store: conversations of %q: %w", q.PageID, err)
	}
	if err := ctx.Err(); err != nil {
		return fail(err)
	}
	var after *convPos
	if q.After != "" {
		p, err := parseConvCursor(q.After)
		if err != nil {
			return fail(err)
		}
		after = &p
	}
	limit := pageSize(q.Limit)
	var out ConversationList
	err := s.view(func(b buckets) error {
		// One more than asked tells whether a next page exists.
		hits, err := recentHits(b, q.PageID, limit+1, after)
		if err != nil {
			return err
		}
		if len(hits) > limit {
			hits = hits[:limit]
			last := hits[limit-1]
			out.Next = convPos{ts: last.ts, pageID: last.pageID, psid: last.psid}.cursor()
		}
		out.Items, err = loadConvs(b, hits)
		return err
	})
	if err != nil {
		return fail(err)
	}
	return out, nil
}

// recentHit is one recency index entry.
type recentHit struct {
	ts           uint64
	pageID, psid string
}

// newerFirst orders hits by time, newest first, and ties in reverse key
// order as a backwards index walk yields them. The string comparisons
// are skipped unless the times tie.
func newerFirst(a, b recentHit) int {
	if c := cmp.Compare(b.ts, a.ts); c != 0 {
		return c
	}
	return cmp.Or(strings.Compare(b.pageID, a.pageID), strings.Compare(b.psid, a.psid))
}

// recentHits merges the recency indexes of the listed pages: up to limit
// entries (all if limit <= 0) of each that follow after (from the newest
// if nil), sorted by newerFirst. Ties are broken as the index orders them,
// so the merge is the same whatever limit cut each page at.
func recentHits(b buckets, pageID string, limit int, after *convPos) ([]recentHit, error) {
	pageIDs, err := listedPages(b, pageID)
	if err != nil {
		return nil, err
	}
	var hits []recentHit
	for _, id := range pageIDs {
		hits = appendRecent(hits, b, id, limit, recentBound(id, after))
	}
	slices.SortFunc(hits, newerFirst)
	return hits, nil
}

// loadConvs decodes the conversations hits point at.
func loadConvs(b buckets, hits []recentHit) ([]Conversation, error) {
	convs := make([]Conversation, len(hits))
	for i, h := range hits {
		if err := getOrNotFound(b.convs, convKey(h.pageID, h.psid), &convs[i]); err != nil {
			return nil, fmt.Errorf("recency index entry %s/%s: %w", h.pageID, h.psid, err)
		}
	}
	return convs, nil
}

// listedPages is the pages a listing reads: the one asked for, or all.
func listedPages(b buckets, pageID string) ([]string, error) {
	if pageID != "" {
		if b.pages.Get([]byte(pageID)) == nil {
			return nil, ErrNotFound
		}
		return []string{pageID}, nil
	}
	var ids []string
	c := b.pages.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		ids = append(ids, string(k))
	}
	return ids, nil
}

// recentBound is the exclusive upper bound of the keys in pageID's recency
// index that come after p in newerFirst order: older entries and, on a
// tie in time, those of a smaller page ID, or of the same page and a
// smaller PSID. With p nil it bounds the whole index.
func recentBound(pageID string, p *convPos) []byte {
	switch {
	case p == nil:
		return prefixEnd(recentPrefix(pageID))
	case pageID == p.pageID:
		return recentKeyAt(pageID, p.ts, p.psid)
	case pageID > p.pageID:
		return recentKeyAt(pageID, p.ts, "")
	case p.ts == math.MaxUint64:
		return prefixEnd(recentPrefix(pageID))
	}
	return recentKeyAt(pageID, p.ts+1, "")
}

// appendRecent appends up to limit (all if limit <= 0) of a page's
// conversations below bound, newest first.
func appendRecent(hits []recentHit, b buckets, pageID string, limit int, bound []byte) []recentHit {
	prefix := recentPrefix(pageID)
	c := b.recent.Cursor()
	n := 0
	for k, _ := lastBefore(c, prefix, bound); k != nil && (limit <= 0 || n < limit); k, _ = c.Prev() {
		if !bytes.HasPrefix(k, prefix) {
			break
		}
		if ts, psid, ok := splitRecentKey(prefix, k); ok {
			hits = append(hits, recentHit{ts: ts, pageID: pageID, psid: psid})
			n++
		}
	}
	return hits
}
