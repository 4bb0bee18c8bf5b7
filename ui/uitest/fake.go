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
	"sync"

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
	reply    replyState // drafts, products, sends: reply.go

	events chan ui.Event
	behind bool // events were dropped; a Resync is queued

	setup fakeSetup // the Setup side (setup.go)
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
		reply:    newReplyState(),
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
// snippet, keeps the customer's last message time (the messaging
// window) and counts an incoming message as unread. It announces
// MessageArrived with live as given. A message whose id is stored
// already (an echo of a sent reply, a poll's copy) replaces it and is
// announced as a change, as the store dedupes by id.
func (f *Fake) AddMessage(name string, m store.Message, live bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.addMessageLocked(name, m, live)
}

func (f *Fake) addMessageLocked(name string, m store.Message, live bool) {
	ref := ui.ConversationRef{PageID: m.PageID, PSID: m.PSID}
	if i := slices.IndexFunc(f.msgs[ref], func(s store.Message) bool { return s.ID == m.ID }); i >= 0 {
		f.msgs[ref][i] = m
		f.emitLocked(ui.Event{Kind: ui.ConversationChanged, Ref: ref})
		return
	}
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
		if m.CreatedAt.After(c.LastIncomingAt) {
			c.LastIncomingAt = m.CreatedAt
		}
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

// SetOverrides sets what the run's command line outweighs in the
// settings (SetupState.Overrides).
func (f *Fake) SetOverrides(o ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.setup.overrides = o
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
	_ ui.Replies = (*Fake)(nil)
)
