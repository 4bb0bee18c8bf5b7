// Package uitest is an in-memory Inbox, Actions and event source for the
// window's tests and for looking at the window without an engine. It
// keeps the contracts of the real ones: the inbox is ordered by last
// activity, cursors are keysets (a batch after a cursor is not shifted by
// conversations that became newer meanwhile), messages come oldest first
// in batches that page backwards, and events say what changed, never the
// data.
package uitest

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
	"github.com/merchant-inbox/merchant-inbox/ui"
)

// ErrNotFound is returned for a conversation or message the fake does
// not hold.
var ErrNotFound = errors.New("uitest: not found")

// Fake is an in-memory Inbox and Actions with an event channel. It is
// safe for concurrent use. The zero value is not usable: call New.
type Fake struct {
	mu       sync.Mutex
	pages    []store.Page
	convs    map[ui.ConversationRef]*ui.Conversation
	msgs     map[ui.ConversationRef][]store.Message // oldest first
	status   ui.Status
	settings ui.Settings
	reads    map[string]int
	marked   []ui.ConversationRef
	syncs    int
	onSync   func()
	failWith error

	events chan ui.Event
	behind bool // events were dropped; a Resync is queued
}

// New returns an empty Fake whose event channel holds buffer events
// before it drops them for a single Resync, like the engine's
// broadcaster.
func New(buffer int) *Fake {
	return &Fake{
		convs:    map[ui.ConversationRef]*ui.Conversation{},
		msgs:     map[ui.ConversationRef][]store.Message{},
		reads:    map[string]int{},
		settings: ui.Settings{Notifications: true},
		events:   make(chan ui.Event, max(buffer, 1)+1),
	}
}

// Events returns the channel the window reads.
func (f *Fake) Events() <-chan ui.Event { return f.events }

// Emit publishes ev without blocking: when the buffer is full the
// reader gets one Resync instead of the events it missed.
func (f *Fake) Emit(ev ui.Event) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.emitLocked(ev)
}

func (f *Fake) emitLocked(ev ui.Event) {
	switch {
	case len(f.events) < cap(f.events)-1:
		f.behind = false
		f.events <- ev
	case !f.behind:
		f.behind = true
		f.events <- ui.Event{Kind: ui.Resync}
	}
}

// Reads returns how many times the named Inbox method was called.
func (f *Fake) Reads(method string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reads[method]
}

func (f *Fake) count(method string) {
	f.reads[method]++
}

// FailReads makes every Inbox read return err (nil to stop).
func (f *Fake) FailReads(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failWith = err
}

// AddPage adds or renames a page and announces it.
func (f *Fake) AddPage(p store.Page) {
	f.mu.Lock()
	defer f.mu.Unlock()
	i := slices.IndexFunc(f.pages, func(q store.Page) bool { return q.ID == p.ID })
	if i < 0 {
		f.pages = append(f.pages, p)
	} else {
		f.pages[i] = p
	}
	slices.SortFunc(f.pages, func(a, b store.Page) int { return cmp.Compare(a.ID, b.ID) })
	f.status.Pages = len(f.pages)
	f.emitLocked(ui.Event{Kind: ui.PagesChanged})
}

// PutConversation stores a conversation record as is (for states a
// message alone does not produce, such as receipts) and announces it.
func (f *Fake) PutConversation(c ui.Conversation) {
	f.mu.Lock()
	defer f.mu.Unlock()
	cc := c
	f.convs[c.Ref()] = &cc
	f.emitLocked(ui.Event{Kind: ui.ConversationChanged, Ref: c.Ref()})
}

// AddMessage stores a message the way the store does: it creates the
// conversation if needed (named name), moves it to the top, sets its
// snippet and counts an incoming message as unread. It announces
// MessageArrived with live as given.
func (f *Fake) AddMessage(name string, m store.Message, live bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ref := ui.ConversationRef{PageID: m.PageID, PSID: m.PSID}
	c := f.convs[ref]
	if c == nil {
		c = &ui.Conversation{Conversation: store.Conversation{PageID: m.PageID, PSID: m.PSID, ID: "t_" + m.PSID}}
		f.convs[ref] = c
	}
	if name != "" {
		c.CustomerName = name
	}
	ms := f.msgs[ref]
	// After any message of the same time: the later write is the newer.
	i, _ := slices.BinarySearchFunc(ms, m, func(a, b store.Message) int {
		if a.CreatedAt.After(b.CreatedAt) {
			return 1
		}
		return -1
	})
	f.msgs[ref] = slices.Insert(ms, i, m)
	c.MessageCount++
	if i == len(ms) { // the newest
		c.UpdatedAt = m.CreatedAt
		c.Snippet = snippet(m)
		c.LastOutgoing = m.Direction == store.Outgoing
	}
	if m.Direction == store.Incoming {
		c.UnreadCount++
	}
	f.emitLocked(ui.Event{Kind: ui.MessageArrived, Ref: ref, MessageID: m.ID,
		Incoming: m.Direction == store.Incoming, Live: live})
}

// snippet is the store's snippet rule (sync/store).
func snippet(m store.Message) string {
	switch {
	case m.Text != "":
		return m.Text
	case len(m.Attachments) > 0:
		return "[attachment]"
	}
	return m.Postback
}

// SetStatus replaces the status and announces it.
func (f *Fake) SetStatus(s ui.Status) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.status = s
	f.emitLocked(ui.Event{Kind: ui.StatusChanged})
}

// SetSettings replaces the settings.
func (f *Fake) SetSettings(s ui.Settings) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.settings = s
}

// OnSync runs fn (outside the fake's lock) on every SyncNow.
func (f *Fake) OnSync(fn func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.onSync = fn
}

// Syncs returns how many times SyncNow was called.
func (f *Fake) Syncs() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.syncs
}

// Marked returns the conversations MarkRead was called for, in order.
func (f *Fake) Marked() []ui.ConversationRef {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.marked)
}

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

// SyncNow implements ui.Actions.
func (f *Fake) SyncNow(ctx context.Context) error {
	f.mu.Lock()
	f.syncs++
	fn := f.onSync
	f.mu.Unlock()
	if fn != nil {
		fn()
	}
	return ctx.Err()
}

// MarkRead implements ui.Actions: the conversation's unread count drops
// to zero and ConversationChanged is announced, as the store does.
func (f *Fake) MarkRead(ctx context.Context, ref ui.ConversationRef) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return err
	}
	c, ok := f.convs[ref]
	if !ok {
		return ErrNotFound
	}
	f.marked = append(f.marked, ref)
	if c.UnreadCount != 0 {
		c.UnreadCount = 0
		f.emitLocked(ui.Event{Kind: ui.ConversationChanged, Ref: ref})
	}
	return nil
}

// Settings implements ui.Actions.
func (f *Fake) Settings(ctx context.Context) (ui.Settings, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.settings, ctx.Err()
}

var (
	_ ui.Inbox   = (*Fake)(nil)
	_ ui.Actions = (*Fake)(nil)
)
