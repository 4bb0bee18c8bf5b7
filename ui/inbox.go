package ui

import (
	"context"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// Inbox is everything the window reads. Each call is a short read of the
// store; the UI makes them only from its event loop goroutine, never from
// the UI goroutine, so a slow disk cannot freeze the window.
//
// Cursors are opaque to the UI: it only hands back what it was given. An
// empty cursor in a result means there is nothing more.
type Inbox interface {
	// Pages returns the Facebook pages that are synced.
	Pages(ctx context.Context) ([]store.Page, error)
	// Conversations returns up to q.Limit conversations, most recently
	// active first, and the cursor of the next batch.
	Conversations(ctx context.Context, q ConversationQuery) ([]Conversation, string, error)
	// Conversation returns one conversation.
	Conversation(ctx context.Context, ref ConversationRef) (Conversation, error)
	// Messages returns up to limit messages of a conversation older than
	// the before cursor ("" for the latest), oldest first, and the cursor
	// of the next older batch.
	Messages(ctx context.Context, ref ConversationRef, before string, limit int) ([]store.Message, string, error)
	// Message returns one message by id (a notification describes it).
	Message(ctx context.Context, ref ConversationRef, id string) (store.Message, error)
	// Search returns a hit for each message whose text matches q.Text
	// (case and accents folded), and one for each conversation whose
	// customer name does (dated by its last activity), newest first, and
	// the cursor of the next batch.
	Search(ctx context.Context, q SearchQuery) ([]SearchHit, string, error)
	// Status returns what the tray and the status bar show.
	Status(ctx context.Context) (Status, error)
}

// Actions are the buttons of the window and the tray. The UI calls them
// off the UI goroutine: they may write to the store or wait for a lock.
type Actions interface {
	// SyncNow starts a poll of every page, as the daily schedule does. A
	// call while a poll runs queues one more; it does not wait for the
	// poll to finish.
	SyncNow(ctx context.Context) error
	// MarkRead records that the merchant has seen the conversation.
	MarkRead(ctx context.Context, ref ConversationRef) error
	// Settings returns the stored preferences the UI obeys.
	Settings(ctx context.Context) (Settings, error)
}

// Settings are the merchant's preferences. The UI obeys Notifications;
// the rest it shows and saves through Setup.
type Settings struct {
	// Notifications is false when the merchant turned desktop
	// notifications off.
	Notifications bool
	// PollAt is the local time of the daily sync, "HH:MM".
	PollAt string
	// Listen is the local address of the webhook endpoints (host:port).
	Listen string
	// Tunnel opens the ngrok tunnel when an authtoken is saved; off is
	// polling only.
	Tunnel bool
	// Domain is the ngrok static domain, "" for a new address each start.
	Domain string
	// StartAtLogin starts the app in the tray when the merchant logs in.
	StartAtLogin bool
	// ImageCacheMB bounds the pictures kept on disk, in megabytes.
	ImageCacheMB int
}

// ConversationRef names a conversation the way the store keys it: a
// customer (PSID) of one page.
type ConversationRef struct {
	PageID, PSID string
}

// IsZero reports whether r names no conversation.
func (r ConversationRef) IsZero() bool { return r == ConversationRef{} }

// Conversation is one row of the inbox: the store's record plus what the
// row needs that the record may not carry.
type Conversation struct {
	store.Conversation
	// LastOutgoing is true when the newest message is the merchant's
	// own, so the snippet reads "You: …".
	LastOutgoing bool
}

// Ref returns the conversation's key.
func (c Conversation) Ref() ConversationRef {
	return ConversationRef{PageID: c.PageID, PSID: c.PSID}
}

// ConversationQuery selects a batch of the inbox.
type ConversationQuery struct {
	PageID string // "" for all pages
	After  string // cursor from the previous batch, "" for the newest
	Limit  int
}

// SearchQuery selects a batch of search hits.
type SearchQuery struct {
	Text   string
	PageID string // "" for all pages
	After  string
	Limit  int
}

// SearchHit is a conversation that matches a search, with the message that
// matched (nil when only the customer's name did).
type SearchHit struct {
	Conversation Conversation
	Message      *store.Message
}
