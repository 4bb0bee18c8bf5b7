package ui

// EventKind says what an Event reports.
type EventKind int

const (
	// Resync: events were lost; re-read everything shown.
	Resync EventKind = iota + 1
	// MessageArrived: a message was stored for the first time.
	MessageArrived
	// ConversationChanged: a conversation's record or messages changed
	// (reaction, receipt, read marker, name).
	ConversationChanged
	// PagesChanged: a page was added, removed or renamed.
	PagesChanged
	// StatusChanged: something Status reports changed (sync progress,
	// tunnel, sign-in needed, connections).
	StatusChanged
	// ProductsChanged: the shop's catalogue or the shop itself changed.
	ProductsChanged
)

// Event tells the UI that something it shows may be out of date. Like the
// engine's events it carries identities, not data: the UI reads the data
// from Inbox, once per burst of events.
type Event struct {
	Kind EventKind
	Ref  ConversationRef // MessageArrived, ConversationChanged
	// MessageID is the new message (MessageArrived).
	MessageID string
	// Incoming is true when the customer wrote the message; echoes and
	// the merchant's own replies are not incoming.
	Incoming bool
	// Live is true when the message is news: it came by webhook, or a poll
	// found it newer than the last sync. Only live incoming messages
	// raise a notification; a poll importing history does not.
	Live bool
}
