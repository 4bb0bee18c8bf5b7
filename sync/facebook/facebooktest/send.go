package facebooktest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// The Send API: POST /{page-id}/messages. The fake checks a request the
// way Meta documents it (recipient, messaging_type, tag, text of 1 to
// 2,000 characters or a well-formed generic template), decides the
// messaging window from the conversation's stored messages and the fake's
// clock (SetClock), and stores what it sends as a message from the Page,
// so the next poll lists it and DeliverEcho can play its echo webhook.

// Meta's windows, counted from the customer's last message.
const (
	responseWindow   = 24 * time.Hour
	humanAgentWindow = 7 * 24 * time.Hour
)

// sendState is the Send API's part of the fake.
type sendState struct {
	unreachable       map[string]bool // "pageID\x00psid"
	humanAgentRevoked bool
	sent              []SentMessage
}

// SentMessage is a message the fake accepted on the Send API.
type SentMessage struct {
	PageID, PSID  string
	MessageID     string
	MessagingType string // RESPONSE or MESSAGE_TAG
	Tag           string // HUMAN_AGENT, or ""
	Text          string
	// Template is the attachment payload of a template message
	// ({"template_type":"generic","elements":[...]}), nil for text.
	Template json.RawMessage
	At       time.Time
}

// Sent returns the messages the Send API accepted, oldest first.
func (s *Server) Sent() []SentMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.send.sent)
}

// SetUnreachable makes sends to psid from pageID fail with code 551, as
// when the person blocked the Page or deleted their account; false undoes
// it.
func (s *Server) SetUnreachable(pageID, psid string, unreachable bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.send.unreachable == nil {
		s.send.unreachable = map[string]bool{}
	}
	s.send.unreachable[pageID+"\x00"+psid] = unreachable
}

// RevokeHumanAgent makes HUMAN_AGENT sends fail as for an app Meta has not
// granted the human-agent permission (the default is granted); false
// grants it again.
func (s *Server) RevokeHumanAgent(revoked bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.send.humanAgentRevoked = revoked
}

// DeliverEcho plays the message_echoes webhook of a message the Send API
// sent (see Deliver), as Meta does shortly after each send. It fails the
// test for a mid the fake did not send.
func (s *Server) DeliverEcho(ctx context.Context, mid string) (int, error) {
	s.tb.Helper()
	s.mu.Lock()
	i := slices.IndexFunc(s.send.sent, func(m SentMessage) bool { return m.MessageID == mid })
	var sm SentMessage
	if i >= 0 {
		sm = s.send.sent[i]
	}
	s.mu.Unlock()
	if i < 0 {
		s.tb.Fatalf("facebooktest: DeliverEcho: %q was not sent", mid)
	}
	return s.Deliver(ctx, sm.PageID, sm.PSID, sm.fake())
}

// fake is the sent message as the conversation holds it.
func (m SentMessage) fake() FakeMessage {
	return FakeMessage{ID: m.MessageID, Text: m.Text, At: m.At, FromPage: true, Template: m.Template}
}

// maxSendBody bounds a Send API request body.
const maxSendBody = 1 << 20

// sendParams are the Send API's parameters, from a JSON body or from form
// fields whose values are JSON (both are accepted by Graph).
type sendParams struct {
	Recipient *struct {
		ID string `json:"id"`
	} `json:"recipient"`
	MessagingType string       `json:"messaging_type"`
	Tag           string       `json:"tag"`
	Message       *sendMessage `json:"message"`
}

type sendMessage struct {
	Text       *string `json:"text"`
	Attachment *struct {
		Type    string          `json:"type"`
		Payload json.RawMessage `json:"payload"`
	} `json:"attachment"`
}

func readSendParams(r *http.Request) (sendParams, *graphError) {
	var p sendParams
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/json" {
		body, err := io.ReadAll(io.LimitReader(r.Body, maxSendBody))
		if err != nil || json.Unmarshal(body, &p) != nil {
			e := badParam("(#100) The request body is not valid JSON")
			return p, &e
		}
		return p, nil
	}
	for name, dst := range map[string]any{"recipient": &p.Recipient, "message": &p.Message} {
		if v := r.Form.Get(name); v != "" && json.Unmarshal([]byte(v), dst) != nil {
			e := badParam("(#100) param %s must be JSON", name)
			return p, &e
		}
	}
	p.MessagingType, p.Tag = r.Form.Get("messaging_type"), r.Form.Get("tag")
	return p, nil
}

// sendMessage answers POST /{page-id}/messages.
func (s *Server) sendMessage(r *http.Request, p *page) (any, *graphError) {
	params, gerr := readSendParams(r)
	if gerr != nil {
		return nil, gerr
	}
	if params.Recipient == nil || params.Recipient.ID == "" {
		e := badParam("(#100) The parameter recipient is required")
		return nil, &e
	}
	psid := params.Recipient.ID
	text, template, gerr := checkSendMessage(params.Message)
	if gerr != nil {
		return nil, gerr
	}
	humanAgent := false
	switch params.MessagingType {
	case "RESPONSE", "UPDATE":
		if params.Tag != "" {
			e := badParam("(#100) Tag can only be used with messaging_type MESSAGE_TAG")
			return nil, &e
		}
	case "MESSAGE_TAG":
		switch params.Tag {
		case "":
			e := badParam("(#100) Tag is required for MESSAGE_TAG messaging type")
			return nil, &e
		case "HUMAN_AGENT":
			humanAgent = true
		default:
			e := badParam("(#100) Param tag must be one of {CONFIRMED_EVENT_UPDATE, POST_PURCHASE_UPDATE, ACCOUNT_UPDATE, HUMAN_AGENT} - got %q", params.Tag)
			return nil, &e
		}
	case "":
		e := badParam("(#100) The parameter messaging_type is required")
		return nil, &e
	default:
		e := badParam("(#100) Param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG} - got %q", params.MessagingType)
		return nil, &e
	}
	c := s.convs[ConversationID(p.id, psid)]
	if c == nil {
		return nil, &graphError{code: 100, subcode: 2018001, message: "(#100) No matching user found"}
	}
	if s.send.unreachable[p.id+"\x00"+psid] {
		return nil, &graphError{code: 551, subcode: 1545041, message: "(#551) This person isn't available right now."}
	}
	now := s.login.clock()
	last, ok := c.lastFromCustomer()
	switch {
	case humanAgent && s.send.humanAgentRevoked:
		// UNVERIFIED: the exact text and subcode Meta gives an app
		// without the human-agent permission.
		return nil, &graphError{code: 10, subcode: 2018065, message: "(#10) This message is sent outside of allowed window. You need page_messaging_human_agent permission to be able to do it."}
	case !ok || !now.Before(last.Add(window(humanAgent))):
		return nil, &graphError{code: 10, subcode: 2018278, message: "(#10) This message is sent outside of allowed window. Learn more about the new policy here: https://developers.facebook.com/docs/messenger-platform/policy-overview"}
	}
	s.seq++
	sm := SentMessage{
		PageID: p.id, PSID: psid, MessageID: fmt.Sprintf("m_sent%d", s.seq),
		MessagingType: params.MessagingType, Tag: params.Tag, Text: text, Template: template,
		// Graph's times are whole seconds; a message sent in the same
		// second as the customer's still sorts after it.
		At: now,
	}
	s.send.sent = append(s.send.sent, sm)
	s.addMessageLocked(c, sm.fake())
	return map[string]any{"recipient_id": psid, "message_id": sm.MessageID}, nil
}

func window(humanAgent bool) time.Duration {
	if humanAgent {
		return humanAgentWindow
	}
	return responseWindow
}

// lastFromCustomer is when the customer last wrote.
func (c *conversation) lastFromCustomer() (time.Time, bool) {
	var last time.Time
	ok := false
	for _, m := range c.msgs {
		if !m.FromPage && (!ok || m.At.After(last)) {
			last, ok = m.At, true
		}
	}
	return last, ok
}

// addMessageLocked appends m to c; the caller holds s.mu.
func (s *Server) addMessageLocked(c *conversation, m FakeMessage) {
	c.msgs = append(c.msgs, &message{seq: s.seq, FakeMessage: m})
	c.sorted = nil
	delete(s.order, c.pageID)
}

// checkSendMessage validates the message parameter: a text of 1 to 2,000
// characters, or a template attachment (only generic templates are
// modelled).
func checkSendMessage(m *sendMessage) (text string, template json.RawMessage, gerr *graphError) {
	fail := func(format string, args ...any) (string, json.RawMessage, *graphError) {
		e := badParam(format, args...)
		return "", nil, &e
	}
	switch {
	case m == nil:
		return fail("(#100) The parameter message is required")
	case m.Text != nil && m.Attachment != nil:
		return fail("(#100) Only one of text or attachment may be set")
	case m.Text != nil:
		t := *m.Text
		if !utf8.ValidString(t) {
			return fail("(#100) Param message[text] must be a valid UTF-8 string")
		}
		if n := utf8.RuneCountInString(t); n == 0 || strings.TrimSpace(t) == "" {
			return fail("(#100) The parameter message[text] is required")
		} else if n > 2000 {
			return fail("(#100) Length of param message[text] must be less than or equal to 2000")
		}
		return t, nil, nil
	case m.Attachment == nil:
		return fail("(#100) Must send either text or attachment")
	case m.Attachment.Type != "template":
		return fail("(#100) facebooktest: only template attachments are modelled, got %q", m.Attachment.Type)
	}
	if gerr := checkGenericTemplate(m.Attachment.Payload); gerr != nil {
		return "", nil, gerr
	}
	return "", m.Attachment.Payload, nil
}

type genericElement struct {
	Title         string           `json:"title"`
	Subtitle      string           `json:"subtitle"`
	ImageURL      string           `json:"image_url"`
	DefaultAction *templateButton  `json:"default_action"`
	Buttons       []templateButton `json:"buttons"`
}

type templateButton struct {
	Type    string  `json:"type"`
	URL     string  `json:"url"`
	Title   *string `json:"title"`
	Payload string  `json:"payload"`
}

// checkGenericTemplate applies the generic template reference: at most 10
// elements; each with a title of at most 80 characters and at least one
// more property; a subtitle of at most 80; at most 3 buttons, a web_url
// one with a url and a title, a postback one with a title and payload; a
// default_action is a web_url button without a title.
func checkGenericTemplate(raw json.RawMessage) *graphError {
	fail := func(format string, args ...any) *graphError {
		e := badParam(format, args...)
		return &e
	}
	var p struct {
		TemplateType string           `json:"template_type"`
		Elements     []genericElement `json:"elements"`
	}
	if json.Unmarshal(raw, &p) != nil {
		return fail("(#100) param message[attachment][payload] must be an object")
	}
	switch {
	case p.TemplateType != "generic":
		return fail("(#100) facebooktest: only template_type generic is modelled, got %q", p.TemplateType)
	case len(p.Elements) == 0:
		return fail("(#100) param message[attachment][payload][elements] must be non-empty")
	case len(p.Elements) > 10:
		return fail("(#100) param message[attachment][payload][elements] must have at most 10 elements")
	}
	for i, el := range p.Elements {
		at := fmt.Sprintf("message[attachment][payload][elements][%d]", i)
		switch {
		case strings.TrimSpace(el.Title) == "":
			return fail("(#100) param %s[title] must be non-empty", at)
		case utf8.RuneCountInString(el.Title) > 80:
			return fail("(#100) param %s[title] must be at most 80 characters", at)
		case utf8.RuneCountInString(el.Subtitle) > 80:
			return fail("(#100) param %s[subtitle] must be at most 80 characters", at)
		case el.Subtitle == "" && el.ImageURL == "" && el.DefaultAction == nil && len(el.Buttons) == 0:
			return fail("(#100) %s must set at least one property besides title", at)
		case len(el.Buttons) > 3:
			return fail("(#100) param %s[buttons] must have at most 3 buttons", at)
		}
		if el.ImageURL != "" && !absoluteURL(el.ImageURL) {
			return fail("(#100) param %s[image_url] must be a valid URL", at)
		}
		if a := el.DefaultAction; a != nil {
			if a.Type != "web_url" || !absoluteURL(a.URL) {
				return fail("(#100) param %s[default_action] must be a web_url with a valid url", at)
			}
			if a.Title != nil {
				return fail("(#100) param %s[default_action] cannot have a title", at)
			}
		}
		for j, b := range el.Buttons {
			bat := fmt.Sprintf("%s[buttons][%d]", at, j)
			if b.Title == nil || strings.TrimSpace(*b.Title) == "" {
				return fail("(#100) param %s[title] is required", bat)
			}
			switch b.Type {
			case "web_url":
				if !absoluteURL(b.URL) {
					return fail("(#100) param %s[url] is required and must be a valid URL", bat)
				}
			case "postback":
				if b.Payload == "" {
					return fail("(#100) param %s[payload] is required", bat)
				}
			default:
				return fail("(#100) facebooktest: button type %q is not modelled", b.Type)
			}
		}
	}
	return nil
}

func absoluteURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}
