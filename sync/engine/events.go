package engine

// EventKind says what changed in the store.
type EventKind int

const (
	// ConversationChanged: a conversation got messages, reactions or receipts.
	ConversationChanged EventKind = iota + 1
	// PageChanged: a page's metadata or connection state changed.
	PageChanged
	// PollFinished: a poll ended (successfully or not); the whole view may be stale.
	PollFinished
	// CatalogueChanged: the shop's products or details changed.
	CatalogueChanged
)

func (k EventKind) String() string {
	switch k {
	case ConversationChanged:
		return "conversation-changed"
	case PageChanged:
		return "page-changed"
	case PollFinished:
		return "poll-finished"
	case CatalogueChanged:
		return "catalogue-changed"
	}
	return "unknown"
}

// Event tells a view (the window, a desktop notification, the serve log)
// that something it shows is out of date. It carries identities, not data:
// the store stays the one place to read from.
type Event struct {
	Kind   EventKind
	PageID string
	PSID   string
}
