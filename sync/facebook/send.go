package facebook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Values of the Send API's messaging_type and tag.
const (
	// MessagingResponse answers a customer inside the 24-hour window.
	MessagingResponse = "RESPONSE"
	// MessagingTag sends outside it, with a tag that says why.
	MessagingTag = "MESSAGE_TAG"
	// TagHumanAgent lets a person (not a bot) answer for 7 days after the
	// customer's last message, where Meta granted the app the permission.
	TagHumanAgent = "HUMAN_AGENT"
)

// Meta's Send API limits.
const (
	// MaxTextLength is the most characters (Unicode code points) a text
	// message may hold.
	MaxTextLength = 2000
	// MaxCardText is the most characters of a card's title or subtitle.
	MaxCardText = 80
)

// Outgoing is one message a Page sends: text, or a card.
type Outgoing struct {
	Text string
	Card *Card
	// HumanAgent sends it as MESSAGE_TAG with tag HUMAN_AGENT instead of
	// RESPONSE: for replies past the 24-hour window.
	HumanAgent bool
}

// Card is a generic template with one element: a picture, a title, a
// subtitle, and a URL button (and default action) when URL is set.
type Card struct {
	Title    string
	Subtitle string
	ImageURL string
	URL      string
	Button   string // the button's title; "View" when empty
}

// SendResult is the Send API's answer.
type SendResult struct {
	RecipientID string // the PSID
	MessageID   string // the mid its echo webhook and Graph's copy carry
}

// Send API refusals, classified from Meta's codes (match with errors.Is on
// the *Error a Send call returns).
var (
	// ErrOutsideWindow: code 10, subcode 2018278: the messaging window
	// for this messaging type is closed.
	ErrOutsideWindow = errors.New("facebook: outside the messaging window")
	// ErrUnreachable: code 551: the person is not available (they
	// blocked the Page, deleted their account, or cannot receive).
	ErrUnreachable = errors.New("facebook: the person is not available")
)

// Codes Meta gives Send API refusals.
const (
	codeUnavailable      = 551
	subcodeOutsideWindow = 2018278
	subcodeNoHumanAgent  = 2018065 // UNVERIFIED: tag used without the permission
)

// Send sends m to the customer psid from pageID:
// POST /{page-id}/messages with the page token. Nothing is retried: a
// failed send is the caller's to report, since sending twice would show
// the customer the message twice.
//
// The parameters go as form fields whose values are JSON (recipient,
// message), which Graph accepts like a JSON body.
func (c *Client) Send(ctx context.Context, pageID, token, psid string, m Outgoing) (SendResult, error) {
	if psid == "" {
		return SendResult{}, errors.New("facebook: send: no recipient")
	}
	msg, err := m.payload()
	if err != nil {
		return SendResult{}, fmt.Errorf("facebook: send: %w", err)
	}
	u, err := c.endpoint(nil, pageID, "messages")
	if err != nil {
		return SendResult{}, err
	}
	recipient, _ := json.Marshal(map[string]string{"id": psid})
	form := url.Values{"recipient": {string(recipient)}, "message": {string(msg)}, "messaging_type": {MessagingResponse}}
	if m.HumanAgent {
		form.Set("messaging_type", MessagingTag)
		form.Set("tag", TagHumanAgent)
	}
	var w struct {
		RecipientID string `json:"recipient_id"`
		MessageID   string `json:"message_id"`
	}
	if err := c.do(ctx, http.MethodPost, u, token, form, &w); err != nil {
		return SendResult{}, err
	}
	if w.MessageID == "" {
		return SendResult{}, fmt.Errorf("facebook: POST %s: the answer has no message_id", u.Path)
	}
	return SendResult{RecipientID: w.RecipientID, MessageID: w.MessageID}, nil
}

// payload is the message parameter: {"text":...} or a generic template.
func (m Outgoing) payload() ([]byte, error) {
	switch {
	case m.Card != nil && m.Text != "":
		return nil, errors.New("a message is text or a card, not both")
	case m.Card != nil:
		return json.Marshal(map[string]any{"attachment": m.Card.attachment()})
	case strings.TrimSpace(m.Text) == "":
		return nil, errors.New("empty message")
	}
	return json.Marshal(map[string]string{"text": m.Text})
}

type wireButton struct {
	Type  string `json:"type"`
	URL   string `json:"url"`
	Title string `json:"title,omitempty"`
}

type wireElement struct {
	Title         string       `json:"title"`
	Subtitle      string       `json:"subtitle,omitempty"`
	ImageURL      string       `json:"image_url,omitempty"`
	DefaultAction *wireButton  `json:"default_action,omitempty"`
	Buttons       []wireButton `json:"buttons,omitempty"`
}

// attachment is the card as Meta's generic template: one element, whose
// tap and whose one button open URL.
func (c Card) attachment() map[string]any {
	el := wireElement{Title: c.Title, Subtitle: c.Subtitle, ImageURL: c.ImageURL}
	if c.URL != "" {
		title := c.Button
		if title == "" {
			title = "View"
		}
		el.DefaultAction = &wireButton{Type: "web_url", URL: c.URL}
		el.Buttons = []wireButton{{Type: "web_url", URL: c.URL, Title: title}}
	}
	return map[string]any{
		"type": "template",
		"payload": map[string]any{
			"template_type": "generic",
			"elements":      []wireElement{el},
		},
	}
}
