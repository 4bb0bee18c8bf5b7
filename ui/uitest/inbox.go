package uitest

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
	"github.com/merchant-inbox/merchant-inbox/ui"
)

// The Fake's reads: ui.Inbox.

// Pages implements ui.Inbox.
func (f *Fake) Pages(ctx context.Context) ([]store.Page, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count("Pages")
	if err := f.check(ctx); err != nil {
		return nil, err
	}
	return slices.Clone(f.pages), nil
}

func (f *Fake) check(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return f.failWith
}

// newerFirst orders conversations as the store's recency index does.
func newerFirst(a, b *ui.Conversation) int {
	if c := b.UpdatedAt.Compare(a.UpdatedAt); c != 0 {
		return c
	}
	if c := cmp.Compare(b.PageID, a.PageID); c != 0 {
		return c
	}
	return cmp.Compare(b.PSID, a.PSID)
}

// Conversations implements ui.Inbox. The cursor is the last row's
// (time, page, psid): the next batch starts strictly after it.
func (f *Fake) Conversations(ctx context.Context, q ui.ConversationQuery) ([]ui.Conversation, string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count("Conversations")
	if err := f.check(ctx); err != nil {
		return nil, "", err
	}
	var all []*ui.Conversation
	for _, c := range f.convs {
		if q.PageID == "" || c.PageID == q.PageID {
			all = append(all, c)
		}
	}
	slices.SortFunc(all, newerFirst)
	start := 0
	if q.After != "" {
		after, err := decodeConvCursor(q.After)
		if err != nil {
			return nil, "", err
		}
		start, _ = slices.BinarySearchFunc(all, &after, func(c, t *ui.Conversation) int {
			if newerFirst(c, t) <= 0 {
				return -1
			}
			return 1
		})
	}
	limit := q.Limit
	if limit <= 0 {
		limit = len(all)
	}
	end := min(start+limit, len(all))
	out := make([]ui.Conversation, 0, end-start)
	for _, c := range all[start:end] {
		out = append(out, *c)
	}
	next := ""
	if end < len(all) && len(out) > 0 {
		next = encodeConvCursor(out[len(out)-1])
	}
	return out, next, nil
}

const cursorSep = "\x00"

func encodeConvCursor(c ui.Conversation) string {
	return c.UpdatedAt.UTC().Format(time.RFC3339Nano) + cursorSep + c.PageID + cursorSep + c.PSID
}

func decodeConvCursor(s string) (ui.Conversation, error) {
	parts := strings.Split(s, cursorSep)
	if len(parts) != 3 {
		return ui.Conversation{}, errors.New("uitest: bad cursor")
	}
	t, err := time.Parse(time.RFC3339Nano, parts[0])
	if err != nil {
		return ui.Conversation{}, errors.New("uitest: bad cursor")
	}
	return ui.Conversation{Conversation: store.Conversation{UpdatedAt: t, PageID: parts[1], PSID: parts[2]}}, nil
}

// Conversation implements ui.Inbox.
func (f *Fake) Conversation(ctx context.Context, ref ui.ConversationRef) (ui.Conversation, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count("Conversation")
	if err := f.check(ctx); err != nil {
		return ui.Conversation{}, err
	}
	c, ok := f.convs[ref]
	if !ok {
		return ui.Conversation{}, ErrNotFound
	}
	return *c, nil
}

// Messages implements ui.Inbox. The cursor is the id of the oldest
// message returned.
func (f *Fake) Messages(ctx context.Context, ref ui.ConversationRef, before string, limit int) ([]store.Message, string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count("Messages")
	if err := f.check(ctx); err != nil {
		return nil, "", err
	}
	ms, ok := f.msgs[ref]
	if !ok {
		if _, ok := f.convs[ref]; !ok {
			return nil, "", ErrNotFound
		}
	}
	end := len(ms)
	if before != "" {
		end = slices.IndexFunc(ms, func(m store.Message) bool { return m.ID == before })
		if end < 0 {
			return nil, "", errors.New("uitest: bad cursor")
		}
	}
	if limit <= 0 {
		limit = end
	}
	start := max(end-limit, 0)
	out := slices.Clone(ms[start:end])
	older := ""
	if start > 0 {
		older = ms[start].ID
	}
	return out, older, nil
}

// Message implements ui.Inbox.
func (f *Fake) Message(ctx context.Context, ref ui.ConversationRef, id string) (store.Message, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count("Message")
	if err := f.check(ctx); err != nil {
		return store.Message{}, err
	}
	for _, m := range f.msgs[ref] {
		if m.ID == id {
			return m, nil
		}
	}
	return store.Message{}, ErrNotFound
}

// Search implements ui.Inbox: every message whose text contains q.Text,
// and every conversation whose customer name does, newest first, case
// folded. (The store's index also folds accents; the fake need not.)
func (f *Fake) Search(ctx context.Context, q ui.SearchQuery) ([]ui.SearchHit, string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count("Search")
	if err := f.check(ctx); err != nil {
		return nil, "", err
	}
	needle := strings.ToLower(strings.TrimSpace(q.Text))
	if needle == "" {
		return nil, "", nil
	}
	type hit struct {
		ui.SearchHit
		at time.Time
		id string
	}
	var hits []hit
	for ref, c := range f.convs {
		if q.PageID != "" && ref.PageID != q.PageID {
			continue
		}
		if strings.Contains(strings.ToLower(c.CustomerName), needle) {
			hits = append(hits, hit{ui.SearchHit{Conversation: *c}, c.UpdatedAt, "c" + ref.PageID + ref.PSID})
		}
		for _, m := range f.msgs[ref] {
			if strings.Contains(strings.ToLower(m.Text), needle) {
				m := m
				hits = append(hits, hit{ui.SearchHit{Conversation: *c, Message: &m}, m.CreatedAt, "m" + m.ID})
			}
		}
	}
	slices.SortFunc(hits, func(a, b hit) int {
		if c := b.at.Compare(a.at); c != 0 {
			return c
		}
		return cmp.Compare(b.id, a.id)
	})
	start := 0
	if q.After != "" {
		start = slices.IndexFunc(hits, func(h hit) bool { return h.id == q.After }) + 1
		if start == 0 {
			return nil, "", errors.New("uitest: bad cursor")
		}
	}
	limit := q.Limit
	if limit <= 0 {
		limit = len(hits)
	}
	end := min(start+limit, len(hits))
	out := make([]ui.SearchHit, 0, end-start)
	for _, h := range hits[start:end] {
		out = append(out, h.SearchHit)
	}
	next := ""
	if end < len(hits) {
		next = hits[end-1].id
	}
	return out, next, nil
}

// Status implements ui.Inbox.
func (f *Fake) Status(ctx context.Context) (ui.Status, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count("Status")
	if err := f.check(ctx); err != nil {
		return ui.Status{}, err
	}
	s := f.status
	s.NeedsSignIn = slices.Clone(s.NeedsSignIn)
	return s, nil
}
