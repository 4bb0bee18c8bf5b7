package facebook

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Page is a Facebook Page.
type Page struct{ ID, Name, Category string }

// Participant is a person or Page taking part in a conversation. For a
// customer, ID is the page-scoped ID (PSID) that webhooks also carry.
type Participant struct{ ID, Name, Email string }

// Conversation is one Messenger thread between a Page and a customer, as
// listed by GET /{page}/conversations.
type Conversation struct {
	ID           string // "t_..."
	UpdatedTime  time.Time
	Participants []Participant
	MessageCount int
	UnreadCount  int
	Snippet      string
	// Messages are the newest messages, newest first, when the
	// conversation was read with them nested (ConversationQuery.Messages);
	// MoreMessages walks the rest.
	Messages []Message

	nested       bool   // read with nested messages
	messagesNext string // the nested paging.next, token stripped; "" at the end
}

// HasMoreMessages reports whether the conversation has messages that
// Messages does not carry: all of them when it was read without nested
// messages, else those past the nested page.
func (c Conversation) HasMoreMessages() bool { return !c.nested || c.messagesNext != "" }

// Attachment is a file, image or other media attached to a message, from
// the Graph API or from a webhook.
type Attachment struct {
	ID       string // Graph attachment id; empty in webhooks
	MimeType string // e.g. "image/jpeg"; Graph only, empty in webhooks
	Name     string // file name (Graph) or title (webhook fallback)
	URL      string // image_data.url, video_data.url or file_url (Graph); payload.url (webhook)
	// Type is the attachment kind: the webhook's "type" (image, video, audio,
	// file, fallback, ...) or, for Graph, derived from MimeType or from
	// which of image_data / video_data / file_url is present.
	Type string
}

// Message is one Messenger message as read from GET /{conversation}/messages.
type Message struct {
	ID          string // "m_...", the same mid webhooks carry
	CreatedTime time.Time
	From        Participant
	To          []Participant
	Text        string // Graph field "message"
	Attachments []Attachment
}

// graphTimeLayout is how Graph writes times: 2026-05-01T10:00:00+0000.
const graphTimeLayout = "2006-01-02T15:04:05-0700"

// graphTime decodes a Graph timestamp into UTC; RFC 3339 is accepted too.
type graphTime struct{ time.Time }

func (t *graphTime) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if s == "" {
		return nil
	}
	v, err := time.Parse(graphTimeLayout, s)
	if err != nil {
		if v, err = time.Parse(time.RFC3339, s); err != nil {
			return fmt.Errorf("facebook: unexpected Graph time %q", s)
		}
	}
	t.Time = v.UTC()
	return nil
}

// list is Graph's wrapper around nested collections: {"data":[...]}.
type list[T any] struct {
	Data []T `json:"data"`
}

type wirePage struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Category string `json:"category"`
}

type wireParticipant struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

func (p wireParticipant) participant() Participant {
	return Participant{ID: p.ID, Name: p.Name, Email: p.Email}
}

func participants(ps []wireParticipant) []Participant {
	if len(ps) == 0 {
		return nil
	}
	out := make([]Participant, len(ps))
	for i, p := range ps {
		out[i] = p.participant()
	}
	return out
}

type wireConversation struct {
	ID           string                `json:"id"`
	UpdatedTime  graphTime             `json:"updated_time"`
	Participants list[wireParticipant] `json:"participants"`
	MessageCount int                   `json:"message_count"`
	UnreadCount  int                   `json:"unread_count"`
	Snippet      string                `json:"snippet"`
	// Messages is the nested edge: {"data":[...],"paging":{"next":...}}.
	Messages *pageOf[wireMessage] `json:"messages"`
}

func (w wireConversation) conversation() Conversation {
	c := Conversation{
		ID:           w.ID,
		UpdatedTime:  w.UpdatedTime.Time,
		Participants: participants(w.Participants.Data),
		MessageCount: w.MessageCount,
		UnreadCount:  w.UnreadCount,
		Snippet:      w.Snippet,
	}
	if w.Messages != nil {
		c.nested = true
		for _, m := range w.Messages.Data {
			c.Messages = append(c.Messages, m.message())
		}
		c.messagesNext = withoutToken(w.Messages.Paging.Next)
	}
	return c
}

// withoutToken strips the access token and proof Graph writes into paging
// links, so that a Conversation holds none (it may be printed or logged).
// An unparsable link becomes "-", which MoreMessages refuses to follow as
// it refuses any link off the Graph host.
func withoutToken(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "-"
	}
	q := u.Query()
	q.Del("access_token")
	q.Del("appsecret_proof")
	u.RawQuery = q.Encode()
	return u.String()
}

type wireURL struct {
	URL string `json:"url"`
}

type wireAttachment struct {
	ID        string   `json:"id"`
	MimeType  string   `json:"mime_type"`
	Name      string   `json:"name"`
	FileURL   string   `json:"file_url"`
	ImageData *wireURL `json:"image_data"`
	VideoData *wireURL `json:"video_data"`
	// GenericTemplate is set on a generic template (a card) the Page sent.
	GenericTemplate *struct {
		Title string `json:"title"`
		URL   string `json:"url"`
	} `json:"generic_template"`
}

func (w wireAttachment) attachment() Attachment {
	a := Attachment{ID: w.ID, MimeType: w.MimeType, Name: w.Name}
	switch {
	case w.GenericTemplate != nil:
		a.Type, a.Name, a.URL = "template", w.GenericTemplate.Title, w.GenericTemplate.URL
	case w.ImageData != nil && w.ImageData.URL != "":
		a.URL, a.Type = w.ImageData.URL, "image"
	case w.VideoData != nil && w.VideoData.URL != "":
		a.URL, a.Type = w.VideoData.URL, "video"
	default:
		a.URL, a.Type = w.FileURL, "file"
	}
	if kind, _, ok := strings.Cut(w.MimeType, "/"); ok {
		switch kind {
		case "image", "video", "audio":
			a.Type = kind
		}
	}
	return a
}

type wireMessage struct {
	ID          string                `json:"id"`
	CreatedTime graphTime             `json:"created_time"`
	From        wireParticipant       `json:"from"`
	To          list[wireParticipant] `json:"to"`
	Message     string                `json:"message"`
	Attachments list[wireAttachment]  `json:"attachments"`
}

func (w wireMessage) message() Message {
	m := Message{
		ID:          w.ID,
		CreatedTime: w.CreatedTime.Time,
		From:        w.From.participant(),
		To:          participants(w.To.Data),
		Text:        w.Message,
	}
	for _, a := range w.Attachments.Data {
		m.Attachments = append(m.Attachments, a.attachment())
	}
	return m
}
