package store

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
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
// gives ErrNotFound.
func (s *Store) Conversations(ctx context.Context, pageID string, limit int) ([]Conversation, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("store: conversations of %q: %w", pageID, err)
	}
	var convs []Conversation
	err := s.view(func(b buckets) error {
		pageIDs, err := listedPages(b, pageID)
		if err != nil {
			return err
		}
		var hits []recentHit
		for _, id := range pageIDs {
			hits = appendRecent(hits, b, id, limit)
		}
		// Ties are broken like the index orders them, so the merged
		// result is the same whatever limit cut each page at.
		slices.SortFunc(hits, newerFirst)
		if limit > 0 && len(hits) > limit {
			hits = hits[:limit]
		}
		convs = make([]Conversation, len(hits))
		for i, h := range hits {
			if err := getOrNotFound(b.convs, convKey(h.pageID, h.psid), &convs[i]); err != nil {
				return fmt.Errorf("recency index entry %s/%s: %w", h.pageID, h.psid, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: conversations of %q: %w", pageID, err)
	}
	return convs, nil
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

// listedPages is the pages Conversations reads: the one asked for, or all.
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

// appendRecent appends up to limit (all if limit <= 0) of a page's most
// recent conversations, newest first.
func appendRecent(hits []recentHit, b buckets, pageID string, limit int) []recentHit {
	prefix := recentPrefix(pageID)
	c := b.recent.Cursor()
	n := 0
	for k, _ := lastWithPrefix(c, prefix); k != nil && (limit <= 0 || n < limit); k, _ = c.Prev() {
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
