package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"slices"

	bbolt "go.etcd.io/bbolt"
)

// SearchQuery is what the search box asks.
type SearchQuery struct {
	// Text is what the merchant typed: every word must match, case and
	// accents aside; the last word matches as a prefix until a space or
	// punctuation follows it.
	Text string
	// PageID limits hits to one Facebook page; "" searches all pages.
	PageID string
	// Limit is the page size: 50 when 0 or less, at most 1000.
	Limit int
	// After is the Next of the result before; "" starts at the newest.
	After string
}

// SearchHit is a message whose text matches, or a conversation whose
// customer's name does (Message nil).
type SearchHit struct {
	Conversation Conversation
	Message      *Message
}

// SearchResult is one page of hits, newest first: a message by when it
// was written, a name by its conversation's last activity.
type SearchResult struct {
	Hits []SearchHit
	// Next continues after Hits; "" when no more can match. A page can
	// hold fewer than Limit hits and still have a Next: each call looks
	// at a bounded number of candidates (see searchBudget), so a query
	// whose few matches lie deep in years of messages costs several
	// quick calls rather than one long one.
	Next string
	// Partial is set while the index is still being built from messages
	// stored before it existed (see Open): older hits may be missing.
	Partial bool
}

// searchBudget bounds the candidates (a conversation's messages in one
// second, or one name) a call verifies per source. Verifying costs a
// decode and a tokenisation, a few microseconds; this keeps the worst
// call near the 50 ms a search box can wait.
const searchBudget = 4096

// maxUnionWords is how many words a prefix may stand for and still join
// an intersection with complete words. A longer list (a one-letter
// prefix) costs more to merge than checking each candidate of the
// complete words, which is what happens instead.
const maxUnionWords = 64

// Search finds messages and customers by words, newest first: see
// SearchQuery and SearchResult. A query with no words gives no hits. An
// unknown PageID gives ErrNotFound, a cursor not made by Search
// ErrBadCursor.
//
// Each word's postings are read backwards from the newest and
// intersected, and each candidate is checked against the words of the
// message itself (a posting stands for a conversation and a second, not
// one message). A cursor is a position, so later messages never shift a
// page; they are above it, found by searching again.
func (s *Store) Search(ctx context.Context, q SearchQuery) (SearchResult, error) {
	fail := func(err error) (SearchResult, error) {
		return SearchResult{}, fmt.Errorf("store: search %q: %w", q.Text, err)
	}
	if err := ctx.Err(); err != nil {
		return fail(err)
	}
	after := []byte(nil)
	if q.After != "" {
		var err error
		if after, err = decodeCursor(cursorSearch, q.After); err != nil {
			return fail(err)
		}
		if len(after) < docKeyLen+1 {
			return fail(fmt.Errorf("%w %q", ErrBadCursor, q.After))
		}
	}
	out := SearchResult{Partial: s.indexing.Load()}
	pq := parseQuery(q.Text)
	if pq.empty() {
		return out, nil
	}
	limit := pageSize(q.Limit)
	err := s.view(func(b buckets) error {
		if q.PageID != "" && b.pages.Get([]byte(q.PageID)) == nil {
			return ErrNotFound
		}
		sr := searcher{b: b, q: pq, pageID: q.PageID, after: after, need: limit, convs: map[uint32]*Conversation{}}
		msgs, err := sr.run(b.searchMsgs, sr.messageHits)
		if err != nil {
			return err
		}
		names, err := sr.run(b.searchNames, sr.nameHits)
		if err != nil {
			return err
		}
		out.Hits, out.Next = merge(limit, msgs, names)
		return nil
	})
	if err != nil {
		return fail(err)
	}
	return out, nil
}

// hit is a SearchHit with its sort key: the docKey, then 0 and the mid
// for a message, 1 for a name. Hits are listed by this key descending,
// and a cursor is the key of the last one listed (or of a position).
type hit struct {
	key []byte
	SearchHit
}

func messageHitKey(d docKey, mid string) []byte {
	return append(append(d.appendTo(nil), 0), mid...)
}

func nameHitKey(d docKey) []byte { return append(d.appendTo(nil), 1) }

// stream is what one source (messages or names) found: its hits, and the
// position it reached. Every hit at or above stop was found; stop is nil
// when the source has nothing more.
type stream struct {
	hits []hit
	stop []byte
}

// merge takes the newest limit hits of both sources that are known to be
// complete: none above the lower source's stopping point can be missing.
func merge(limit int, a, b stream) ([]SearchHit, string) {
	bound := a.stop
	if b.stop != nil && (bound == nil || bytes.Compare(b.stop, bound) > 0) {
		bound = b.stop
	}
	var all []hit
	for _, h := range slices.Concat(a.hits, b.hits) {
		if bound == nil || bytes.Compare(h.key, bound) >= 0 {
			all = append(all, h)
		}
	}
	slices.SortFunc(all, func(x, y hit) int { return bytes.Compare(y.key, x.key) })
	next := bound
	if len(all) > limit {
		all = all[:limit]
		next = all[limit-1].key
	}
	hits := make([]SearchHit, len(all))
	for i, h := range all {
		hits[i] = h.SearchHit
	}
	if next == nil {
		return hits, ""
	}
	return hits, encodeCursor(append([]byte{cursorSearch}, next...))
}

// searcher runs one query in one read transaction.
type searcher struct {
	b      buckets
	q      query
	pageID string
	after  []byte // hits must sort below it; nil: from the newest
	need   int
	convs  map[uint32]*Conversation
}

// run walks the candidates of one index bucket, newest first, and lets
// verify turn each into hits, until it has need hits, runs out of budget
// or of candidates.
func (sr *searcher) run(bucket *bbolt.Bucket, verify func(docKey) ([]hit, error)) (stream, error) {
	lists := sr.plan(bucket)
	if lists == nil {
		return stream{}, nil
	}
	d := topDoc
	if sr.after != nil {
		d = docKey{binary.BigEndian.Uint32(sr.after), binary.BigEndian.Uint32(sr.after[4:])}
	}
	var st stream
	for budget := searchBudget; ; budget-- {
		at, ok := intersect(lists, d)
		if !ok {
			return st, nil
		}
		hits, err := verify(at)
		if err != nil {
			return stream{}, err
		}
		for _, h := range hits {
			if sr.after == nil || bytes.Compare(h.key, sr.after) < 0 {
				st.hits = append(st.hits, h)
			}
		}
		if len(st.hits) >= sr.need || budget == 1 {
			st.stop = append(at.appendTo(nil), 0)
			return st, nil
		}
		if d, ok = at.prev(); !ok {
			return st, nil
		}
	}
}

// plan picks the posting lists whose intersection holds every match:
// one per complete word, plus the prefix's words when they are few (or
// alone). nil means nothing can match.
func (sr *searcher) plan(bucket *bbolt.Bucket) []postings {
	var lists []postings
	for _, term := range sr.q.exact {
		lists = append(lists, newTermList(bucket, term))
	}
	if sr.q.prefix != "" {
		maxWords := maxUnionWords
		if len(lists) == 0 {
			maxWords = 0 // alone, it is read however many words it has
		}
		if u, ok := newUnion(bucket, sr.q.prefix, maxWords); ok {
			if len(u.heads) == 0 {
				return nil
			}
			lists = append(lists, u)
		}
	}
	return lists
}

// conv returns the conversation a number stands for, if it belongs to the
// page searched.
func (sr *searcher) conv(no uint32) (*Conversation, error) {
	if c, ok := sr.convs[no]; ok {
		return c, nil
	}
	var c *Conversation
	if key := sr.b.convKeys.Get(convNoKey(no)); key != nil {
		if sr.pageID == "" || bytes.HasPrefix(key, recentPrefix(sr.pageID)) {
			c = new(Conversation)
			if err := getOrNotFound(sr.b.convs, key, c); err != nil {
				return nil, fmt.Errorf("search index conversation %d: %w", no, err)
			}
		}
	}
	sr.convs[no] = c
	return c, nil
}

// messageHits checks a conversation's messages in the candidate's second.
func (sr *searcher) messageHits(d docKey) ([]hit, error) {
	c, err := sr.conv(d.conv)
	if c == nil || err != nil {
		return nil, err
	}
	var hits []hit
	err = eachInSecond(sr.b.msgs, c.PageID, c.PSID, d.sec, func(m Message) bool {
		if sr.q.matches(termSet(m.Text)) {
			hits = append(hits, hit{messageHitKey(d, m.ID), SearchHit{Conversation: *c, Message: &m}})
		}
		return true
	})
	return hits, err
}

// nameHits checks the customer's name of the candidate's conversation.
func (sr *searcher) nameHits(d docKey) ([]hit, error) {
	c, err := sr.conv(d.conv)
	if c == nil || err != nil || !sr.q.matches(termSet(c.CustomerName)) {
		return nil, err
	}
	return []hit{{nameHitKey(d), SearchHit{Conversation: *c}}}, nil
}
