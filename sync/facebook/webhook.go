package facebook

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// ErrMalformed: a webhook body is not JSON of the expected shape, or is not
// for object "page".
var ErrMalformed = errors.New("facebook: malformed webhook")

// Webhook is one verified delivery. Meta batches: a delivery may carry
// several entries (pages), each with several events, in no guaranteed
// order and possibly repeating earlier deliveries, so consumers order by
// Timestamp and dedupe by message id.
type Webhook struct {
	Object  string // always "page" after ParseWebhook
	Entries []Entry
	Skipped []Skipped // parts left out because they did not decode
}

// Skipped names a part of a delivery that ParseWebhook left out. It says
// where the part was and why, never what it held: that may be a customer's
// text, and Skipped exists to be logged.
type Skipped struct {
	PageID string // "" when the entry's own id was unreadable or unusable
	Kind   string // "entry", "change", or the event kind it looked like ("postback")
	Path   string // JSON path of the offending value ("postback.payload"), when the decoder reports one
	Reason string // ReasonUndecodable, or which id is unusable and why ("sender id is empty")
}

// ReasonUndecodable is Skipped.Reason for a part that is not the JSON
// shape Meta documents.
const ReasonUndecodable = "does not decode"

// Entry is the part of a delivery about one Page.
type Entry struct {
	PageID  string
	Time    time.Time
	Events  []Event  // from entry.messaging
	Changes []Change // from entry.changes (Page field changes)
}

// Change is a Page field change such as {"field":"name","value":"New Name"}.
// Value stays raw because its shape depends on the field.
type Change struct {
	Field string
	Value json.RawMessage
}

// EventKind says which kind of Messenger event an Event is.
type EventKind int

const (
	// EventUnknown is an event this package does not model (message edits,
	// opt-ins, referrals, handovers...). It is kept so the sink can log and
	// skip it; it is the zero value so an unset Kind is never mistaken for
	// a message.
	EventUnknown  EventKind = iota
	EventMessage            // a customer's message
	EventEcho               // a message the Page sent (is_echo); sender is the Page
	EventDelivery           // the customer's device received the Page's messages
	EventRead               // the customer read the Page's messages
	EventPostback           // the customer tapped a button
	EventReaction           // the customer reacted to, or un-reacted from, a message
)

func (k EventKind) String() string {
	switch k {
	case EventMessage:
		return "message"
	case EventEcho:
		return "echo"
	case EventDelivery:
		return "delivery"
	case EventRead:
		return "read"
	case EventPostback:
		return "postback"
	case EventReaction:
		return "reaction"
	case EventUnknown:
		return "unknown"
	}
	return fmt.Sprintf("EventKind(%d)", int(k))
}

// Event is one entry.messaging item. Exactly the field matching Kind is set
// (Message for both EventMessage and EventEcho); none for EventUnknown.
type Event struct {
	Kind        EventKind
	SenderID    string // PSID, or the Page for echoes
	RecipientID string // the Page, or the PSID for echoes
	Timestamp   time.Time
	Message     *MessageEvent
	Delivery    *DeliveryEvent
	Read        *ReadEvent
	Postback    *PostbackEvent
	Reaction    *ReactionEvent
}

// MessageEvent is a message or an echo.
type MessageEvent struct {
	MID               string
	Text              string
	Attachments       []Attachment // Type and URL (payload.url) set; Name from a title
	QuickReplyPayload string
	ReplyTo           string // mid of the message this one replies to
	IsEcho            bool
	AppID             string // the app that sent an echo; JSON number or string
}

// DeliveryEvent says that the Page's messages up to Watermark were delivered.
type DeliveryEvent struct {
	MIDs      []string // may be empty: Watermark is authoritative
	Watermark time.Time
}

// ReadEvent says that the customer read every message up to Watermark.
type ReadEvent struct{ Watermark time.Time }

// PostbackEvent is a button tap: Title is what the button said.
type PostbackEvent struct{ MID, Title, Payload string }

// ReactionEvent is a reaction to the message MID. Action is "react" or
// "unreact"; Emoji is empty on unreact.
type ReactionEvent struct{ MID, Reaction, Emoji, Action string }
