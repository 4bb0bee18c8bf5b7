package facebook

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"
)

// The wire types below mirror Meta's webhook JSON; ParseWebhook converts
// them into the exported types, which do not depend on JSON details.
// Entries and items stay raw one level up so each is decoded on its own
// and a bad one cannot fail its neighbours.

type wireWebhook struct {
	Object string            `json:"object"`
	Entry  []json.RawMessage `json:"entry"`
}

type wireEntry struct {
	ID        flexString        `json:"id"`
	Time      millis            `json:"time"`
	Messaging []json.RawMessage `json:"messaging"` // each a wireEvent
	Changes   []json.RawMessage `json:"changes"`   // each a wireChange
}

type wireChange struct {
	Field string          `json:"field"`
	Value json.RawMessage `json:"value"`
}

type wireActor struct {
	ID flexString `json:"id"`
}

type wireEvent struct {
	Sender    wireActor        `json:"sender"`
	Recipient wireActor        `json:"recipient"`
	Timestamp millis           `json:"timestamp"`
	Message   *wireHookMessage `json:"message"`
	Delivery  *struct {
		MIDs      []string `json:"mids"`
		Watermark millis   `json:"watermark"`
	} `json:"delivery"`
	Read *struct {
		Watermark millis `json:"watermark"`
	} `json:"read"`
	Postback *struct {
		MID     string `json:"mid"`
		Title   string `json:"title"`
		Payload string `json:"payload"`
	} `json:"postback"`
	Reaction *struct {
		MID      string `json:"mid"`
		Reaction string `json:"reaction"`
		Emoji    string `json:"emoji"`
		Action   string `json:"action"`
	} `json:"reaction"`
}

type wireHookMessage struct {
	MID         string               `json:"mid"`
	Text        string               `json:"text"`
	IsEcho      bool                 `json:"is_echo"`
	AppID       flexString           `json:"app_id"`
	Attachments []wireHookAttachment `json:"attachments"`
	QuickReply  *struct {
		Payload string `json:"payload"`
	} `json:"quick_reply"`
	ReplyTo *struct {
		MID string `json:"mid"`
	} `json:"reply_to"`
}

// wireHookAttachment keeps payload raw: its shape depends on the type
// (media, template, location, sticker...), and an unusual one must not make
// the whole delivery unparseable.
type wireHookAttachment struct {
	Type    string          `json:"type"`
	Title   string          `json:"title"`
	URL     string          `json:"url"` // legacy "fallback" attachments
	Payload json.RawMessage `json:"payload"`
}

func (w wireHookAttachment) attachment() Attachment {
	a := Attachment{Type: w.Type, Name: w.Title, URL: w.URL}
	var p struct {
		URL   string `json:"url"`
		Title string `json:"title"`
	}
	if json.Unmarshal(w.Payload, &p) == nil {
		if p.URL != "" {
			a.URL = p.URL
		}
		if a.Name == "" {
			a.Name = p.Title
		}
	}
	return a
}

func (w wireEvent) event() Event {
	ev := Event{
		Kind:        EventUnknown,
		SenderID:    string(w.Sender.ID),
		RecipientID: string(w.Recipient.ID),
		Timestamp:   w.Timestamp.time(),
	}
	switch {
	case w.Message != nil:
		m := &MessageEvent{MID: w.Message.MID, Text: w.Message.Text, IsEcho: w.Message.IsEcho, AppID: string(w.Message.AppID)}
		for _, a := range w.Message.Attachments {
			m.Attachments = append(m.Attachments, a.attachment())
		}
		if w.Message.QuickReply != nil {
			m.QuickReplyPayload = w.Message.QuickReply.Payload
		}
		if w.Message.ReplyTo != nil {
			m.ReplyTo = w.Message.ReplyTo.MID
		}
		ev.Kind, ev.Message = EventMessage, m
		if m.IsEcho {
			ev.Kind = EventEcho
		}
	case w.Delivery != nil:
		ev.Kind = EventDelivery
		ev.Delivery = &DeliveryEvent{MIDs: w.Delivery.MIDs, Watermark: w.Delivery.Watermark.time()}
	case w.Read != nil:
		ev.Kind = EventRead
		ev.Read = &ReadEvent{Watermark: w.Read.Watermark.time()}
	case w.Postback != nil:
		ev.Kind = EventPostback
		ev.Postback = &PostbackEvent{MID: w.Postback.MID, Title: w.Postback.Title, Payload: w.Postback.Payload}
	case w.Reaction != nil:
		ev.Kind = EventReaction
		ev.Reaction = &ReactionEvent{MID: w.Reaction.MID, Reaction: w.Reaction.Reaction, Emoji: w.Reaction.Emoji, Action: w.Reaction.Action}
	}
	return ev
}

// flexString accepts a JSON string or number. Meta's examples write app_id
// as a number and ids as strings; ids far beyond 2^53 must not pass through
// float64, so numbers are kept as their literal text.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		err := json.Unmarshal(b, &s)
		*f = flexString(s)
		return err
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*f = flexString(n)
	return nil
}

// millis is a Unix time in milliseconds, as a JSON number or numeric string.
type millis int64

func (m *millis) UnmarshalJSON(b []byte) error {
	var f flexString
	if err := f.UnmarshalJSON(b); err != nil || f == "" {
		return err
	}
	v, err := strconv.ParseInt(string(f), 10, 64)
	if err != nil {
		// Tolerate 1.458692752478e12 style numbers.
		fv, ferr := strconv.ParseFloat(string(f), 64)
		if ferr != nil {
			return err
		}
		v = int64(fv)
	}
	*m = millis(v)
	return nil
}

func (m millis) time() time.Time {
	if m == 0 {
		return time.Time{}
	}
	return time.UnixMilli(int64(m)).UTC()
}
