package engine

import (
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// EventKind says what changed.
type EventKind int

const (
	// Resync replaces events a subscriber was too slow to take: whatever
	// it shows may be stale, so it reads everything again.
	Resync EventKind = iota + 1
	// MessageStored: a new message was committed (PageID, PSID, MessageID,
	// Direction, Source).
	MessageStored
	// ConversationChanged: a conversation got messages, reactions, receipts
	// or a new read marker.
	ConversationChanged
	// PageChanged: a page's metadata or connection state changed.
	PageChanged
	// PageNeedsLogin: Meta reported the page's token dead; Err says why.
	PageNeedsLogin
	// PollStarted, PollProgress, PollFinished follow one poll (Progress;
	// Err on PollFinished joins what failed).
	PollStarted
	PollProgress
	PollFinished
	// RateLimitWait: calls for Scope (a page id, or "app") wait until Until.
	RateLimitWait
	// TunnelUp (URL) and TunnelDown (Err): the public endpoint.
	TunnelUp
	TunnelDown
	// CatalogueChanged: the shop's products or details changed.
	CatalogueChanged
	// StateChanged: the engine's State changed in a way no other kind says
	// (it started, stopped or reloaded; a connection or setting changed).
	StateChanged
)

var eventKindNames = [...]string{
	Resync:              "resync",
	MessageStored:       "message-stored",
	ConversationChanged: "conversation-changed",
	PageChanged:         "page-changed",
	PageNeedsLogin:      "page-needs-login",
	PollStarted:         "poll-started",
	PollProgress:        "poll-progress",
	PollFinished:        "poll-finished",
	RateLimitWait:       "rate-limit-wait",
	TunnelUp:            "tunnel-up",
	TunnelDown:          "tunnel-down",
	CatalogueChanged:    "catalogue-changed",
	StateChanged:        "state-changed",
}

func (k EventKind) String() string {
	if k > 0 && int(k) < len(eventKindNames) {
		return eventKindNames[k]
	}
	return "unknown"
}

// Source says how a message reached the store.
type Source int

const (
	FromWebhook Source = iota + 1
	FromPoll
	FromSend // the merchant's own reply, sent by this app
)

func (s Source) String() string {
	switch s {
	case FromWebhook:
		return "webhook"
	case FromPoll:
		return "poll"
	case FromSend:
		return "send"
	}
	return "unknown"
}

// Progress is where a poll stands: page Page of Pages, and what it has
// fetched so far in all pages.
type Progress struct {
	Page, Pages   int // 1-based; 0 before the first page
	PageID        string
	PageName      string
	Conversations int
	Messages      int
}

// Event tells a view (the window, a desktop notification, the log) that
// something it shows is out of date. It carries identities, not data: the
// store stays the one place to read from.
type Event struct {
	Kind EventKind
	At   time.Time

	PageID    string
	PSID      string
	MessageID string
	Direction store.Direction
	Source    Source
	// Created is the message's own time (MessageStored): a poll importing
	// old history must not look like news.
	Created time.Time

	Progress Progress  // the Poll* kinds
	Scope    string    // RateLimitWait: a page id, or "app"
	Until    time.Time // RateLimitWait
	URL      string    // TunnelUp
	// Err: PollFinished, PageNeedsLogin, TunnelDown; RateLimitWait when
	// the poll does not wait that long and the page fails instead.
	Err error
}
