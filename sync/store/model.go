package store

import "time"

// Page is a Facebook Page the merchant syncs. The keychain cannot be listed,
// so this record is how the app remembers which pages exist.
type Page struct {
	ID       string `json:"id"`
	Name     string `json:"name,omitempty"`
	Category string `json:"category,omitempty"`
	// NeedsLogin is set when Meta reported the page token dead (code 190).
	// Polls skip such a page until a new token is stored, so a dead token
	// never causes a retry storm.
	NeedsLogin bool `json:"needs_login,omitempty"`
	// Disconnected is set when the merchant disconnected the page: what
	// was synced stays readable, but webhooks for it are no longer
	// stored. Connecting the page again clears it.
	Disconnected bool      `json:"disconnected,omitempty"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// Direction says who wrote a message, seen from the merchant.
type Direction string

const (
	Incoming Direction = "in"  // customer to page
	Outgoing Direction = "out" // page to customer (echo, or sent from Meta's inbox)
)

// Conversation is one customer's thread with one page. It is keyed by
// (PageID, PSID) because webhooks carry only those, never the Graph
// conversation id; ID is filled in once a poll has seen the thread.
type Conversation struct {
	PageID       string    `json:"page_id"`
	PSID         string    `json:"psid"`
	ID           string    `json:"id,omitempty"` // Graph id, "t_..."
	CustomerName string    `json:"customer_name,omitempty"`
	UpdatedAt    time.Time `json:"updated_at"` // latest activity; orders the inbox
	Snippet      string    `json:"snippet,omitempty"`
	// LastDirection is who wrote the message Snippet previews (the
	// newest stored one), so a list row can say "You: ...". It is empty
	// while the snippet is Graph's and no message is stored yet.
	LastDirection Direction `json:"last_direction,omitempty"`
	MessageCount  int       `json:"message_count,omitempty"` // Graph's count
	// LastIncomingAt is when the customer's newest stored message was
	// written: it opens the messaging window (package replywindow). Zero
	// when no incoming message is stored.
	LastIncomingAt time.Time `json:"last_incoming_at,omitzero"`
	// UnreadCount is the number of incoming messages after the
	// merchant's read marker (SeenAt, SeenID). Every write keeps it, so
	// it is the same whichever source brought a message first and however
	// often. In a poll's copy given to Apply (one with ID set) it
	// carries Graph's unread_count instead, which only the
	// conversation's first import by a poll uses (see Apply).
	UnreadCount int `json:"unread_count,omitempty"`
	// SeenAt and SeenID are the merchant's read marker: the CreatedAt
	// and mid of the newest message they have seen here, zero before
	// any. Every message at or before it is read. Only MarkRead and the
	// first import by a poll move it, and only forward.
	SeenAt time.Time `json:"seen_at,omitzero"`
	SeenID string    `json:"seen_id,omitempty"`
	// Polled is set once a poll has stored the conversation, after which
	// Graph's unread count no longer matters.
	Polled bool `json:"polled,omitempty"`
	// DeliveredAt and ReadAt are the customer's delivery and read
	// watermarks: every outgoing message at or before them arrived / was seen.
	DeliveredAt time.Time `json:"delivered_at,omitzero"`
	ReadAt      time.Time `json:"read_at,omitzero"`
}

// Attachment is a file, image or other payload attached to a message.
type Attachment struct {
	Type string `json:"type,omitempty"`
	URL  string `json:"url,omitempty"`
	Name string `json:"name,omitempty"`
}

// Message is one Messenger message or postback, keyed by its mid so that the
// same message seen by a webhook and by a poll is stored once.
type Message struct {
	ID          string       `json:"id"` // mid
	PageID      string       `json:"page_id"`
	PSID        string       `json:"psid"`
	Direction   Direction    `json:"direction"`
	CreatedAt   time.Time    `json:"created_at"`
	Text        string       `json:"text,omitempty"`
	Attachments []Attachment `json:"attachments,omitempty"`
	// Postback is the button payload when the customer tapped a button
	// rather than typed; Text then holds the button title.
	Postback string `json:"postback,omitempty"`
	ReplyTo  string `json:"reply_to,omitempty"` // mid this message answers
	// Card is set when the message is a product card (a Messenger generic
	// template) rather than text.
	Card *Card `json:"card,omitempty"`
	// Reaction is the customer's current reaction (emoji), empty when none.
	Reaction string `json:"reaction,omitempty"`
	// ReactionAt is when Reaction was set or removed. Reaction events can
	// arrive out of order (and before the message); the latest one wins.
	ReactionAt time.Time `json:"reaction_at,omitzero"`
}

// Card is a Messenger generic template with one element, as the merchant
// sends a product: a picture, a title, a subtitle (the price) and a button
// that opens URL.
type Card struct {
	Title    string `json:"title"`
	Subtitle string `json:"subtitle,omitempty"`
	ImageURL string `json:"image_url,omitempty"`
	URL      string `json:"url,omitempty"`
	Button   string `json:"button,omitempty"` // the button's title, e.g. "View"
}

// Reaction records a customer reacting to (or withdrawing a reaction from)
// a message. Emoji empty means the reaction was removed.
type Reaction struct {
	PageID, PSID string
	MessageID    string
	Emoji        string
	At           time.Time
}

// Receipt moves a conversation's delivery or read watermark forward.
type Receipt struct {
	PageID, PSID string
	Read         bool // false: delivery
	Watermark    time.Time
}

// Changes is one atomic write: everything in it commits in a single
// transaction or not at all. Webhook ingest turns one POST into one Changes;
// a poll turns one conversation into one Changes. Applying the same Changes
// twice leaves the store as applying it once.
type Changes struct {
	Pages         []Page
	Conversations []Conversation
	Messages      []Message
	Reactions     []Reaction
	Receipts      []Receipt
}

// SyncState is what the poller remembers per page between runs.
type SyncState struct {
	PageID      string    `json:"page_id"`
	LastSuccess time.Time `json:"last_success,omitzero"` // start time of the last poll that completed
	LastAttempt time.Time `json:"last_attempt,omitzero"`
	LastError   string    `json:"last_error,omitempty"`
	// Checkpoint is what an unfinished poll of the page left to do, so
	// the next one goes on from there; nil when the last poll did it all.
	Checkpoint *SyncCheckpoint `json:"checkpoint,omitempty"`
}

// SyncCheckpoint is where a poll that was cut short (a rate limit, a dead
// token, a shutdown) stopped, so that a first sync of a page with 100,000
// conversations always finishes, over as many polls as it takes. Graph
// lists a page's conversations by updated_time, newest first, so a time
// marks a place in the list that survives a restart, which Graph's cursors
// are not promised to. The poller gives the fields their meaning.
type SyncCheckpoint struct {
	// Started is when the poll began that last read every conversation
	// updated after Through.
	Started time.Time `json:"started"`
	// Through: every conversation updated after it (and before Started)
	// is stored.
	Through time.Time `json:"through"`
	// Until is where the walk ends: conversations updated before it were
	// stored by earlier polls. Zero: the page's oldest.
	Until time.Time `json:"until,omitzero"`
	// Walked: the walk reached Until; only Retry is left.
	Walked bool `json:"walked,omitempty"`
	// Retry lists conversations that failed on their own; the next poll
	// reads them again, one by one.
	Retry []SyncRetry `json:"retry,omitempty"`
}

// SyncRetry is a conversation to read again, with its messages back to
// Since (zero: all of them).
type SyncRetry struct {
	ConversationID string    `json:"conversation_id"`
	Since          time.Time `json:"since,omitzero"`
}

// Stats are counts kept up to date by every write, so that status never
// has to walk the database.
type Stats struct {
	Pages         int `json:"pages"`
	Conversations int `json:"conversations"`
	Messages      int `json:"messages"`
	// Products counts the Shopify catalogue (not its tombstones).
	Products int `json:"products"`
}
