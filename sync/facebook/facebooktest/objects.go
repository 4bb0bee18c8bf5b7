package facebooktest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// graphTimeLayout is how Graph writes times: 2026-05-01T10:00:00+0000.
const graphTimeLayout = "2006-01-02T15:04:05-0700"

func graphTime(t time.Time) string { return t.UTC().Format(graphTimeLayout) }

// node describes a Graph node type for field selection.
type node struct {
	name     string
	known    []string // fields Graph has on this node; absent ones are omitted
	defaults []string // answered when the request has no ?fields
}

var (
	pageNode = node{"Page",
		[]string{"id", "name", "category", "link", "about", "username", "fan_count", "picture", "category_list", "access_token"},
		[]string{"id", "name"}}
	conversationNode = node{"Conversation",
		[]string{"id", "link", "updated_time", "participants", "senders", "message_count", "unread_count", "snippet", "can_reply", "is_subscribed", "former_participants", "name", "subject", "wallpaper", "messages"},
		[]string{"id", "updated_time"}}
	messageNode = node{"Message",
		[]string{"id", "created_time", "from", "to", "message", "attachments", "sticker", "tags", "shares", "is_unsupported"},
		[]string{"id", "created_time"}}
)

// fieldsOf parses ?fields and returns the names at nesting depth zero,
// refusing fields the node does not have. Edges asked for with modifiers
// and fields of their own ("messages.limit(5){message}") are checked by
// nestedOf; only a Conversation's messages are served nested.
func fieldsOf(r *http.Request, n node) ([]string, *graphError) {
	specs, gerr := parseFields(r.Form.Get("fields"))
	if gerr != nil {
		return nil, gerr
	}
	if len(specs) == 0 {
		return n.defaults, nil
	}
	fields := make([]string, 0, len(specs))
	for _, f := range specs {
		if !slices.Contains(n.known, f.name) {
			e := nonexistingField(f.name, n.name)
			return nil, &e
		}
		if (f.limit > 0 || f.sub != "") && !(n.name == "Conversation" && f.name == "messages") {
			e := badParam("(#100) facebooktest: nested fields of %s on node type (%s) are not implemented", f.name, n.name)
			return nil, &e
		}
		fields = append(fields, f.name)
	}
	return fields, nil
}

// pick keeps the requested fields of a full object; fields the object does
// not have are omitted, as Graph omits empty ones.
func pick(full map[string]any, fields []string) map[string]any {
	out := make(map[string]any, len(fields))
	for _, f := range fields {
		if v, ok := full[f]; ok {
			out[f] = v
		}
	}
	return out
}

func (s *Server) pageObject(p *page) map[string]any {
	return map[string]any{
		"id":       p.id,
		"name":     p.name,
		"category": p.category,
		"link":     "https://www.facebook.com/" + p.id,
	}
}

func participant(id, name string) map[string]any {
	return map[string]any{"id": id, "name": name, "email": id + "@facebook.com"}
}

func (s *Server) pageParticipant(pageID string) map[string]any {
	return participant(pageID, s.pages[pageID].name)
}

func (c *conversation) customerParticipant() map[string]any {
	return participant(c.psid, c.customer)
}

// newestFirst orders messages as Graph does; later additions win ties.
// The order is kept until the next AddMessage; callers must not modify it.
func (c *conversation) newestFirst() []*message {
	if c.sorted == nil {
		c.sorted = slices.Clone(c.msgs)
		slices.SortFunc(c.sorted, func(a, b *message) int {
			if c := b.At.Compare(a.At); c != 0 {
				return c
			}
			return b.seq - a.seq
		})
	}
	return c.sorted
}

func (c *conversation) updated() time.Time {
	if msgs := c.newestFirst(); len(msgs) > 0 {
		return msgs[0].At
	}
	return time.Time{}
}

func (s *Server) conversationObject(c *conversation) map[string]any {
	msgs := c.newestFirst()
	unread := 0
	for _, m := range msgs {
		if m.FromPage {
			break
		}
		unread++
	}
	snippet := ""
	if len(msgs) > 0 {
		snippet = truncate(msgs[0].Text, 100)
	}
	people := map[string]any{"data": []any{c.customerParticipant(), s.pageParticipant(c.pageID)}}
	return map[string]any{
		"id":            c.id,
		"link":          fmt.Sprintf("/%s/inbox/%s", c.pageID, c.id),
		"updated_time":  graphTime(c.updated()),
		"participants":  people,
		"senders":       people,
		"message_count": len(msgs),
		"unread_count":  unread,
		"snippet":       snippet,
		"can_reply":     true,
		"is_subscribed": true,
	}
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

func (s *Server) messageObject(c *conversation, m *message) map[string]any {
	from, to := c.customerParticipant(), s.pageParticipant(c.pageID)
	if m.FromPage {
		from, to = to, from
	}
	obj := map[string]any{
		"id":           m.ID,
		"created_time": graphTime(m.At),
		"from":         from,
		"to":           map[string]any{"data": []any{to}},
		"message":      m.Text,
	}
	if len(m.Attachments) > 0 {
		var data []any
		for i, a := range m.Attachments {
			data = append(data, attachmentObject(m, i, a))
		}
		obj["attachments"] = map[string]any{"data": data}
	}
	if t := templateAttachment(m); t != nil {
		obj["attachments"] = map[string]any{"data": []any{t}}
	}
	return obj
}

// templateAttachment is how Graph lists a generic template message: an
// attachment carrying generic_template (UNVERIFIED: the field's exact
// shape), nil for other messages.
func templateAttachment(m *message) map[string]any {
	el, ok := firstElement(m.Template)
	if !ok {
		return nil
	}
	gt := map[string]any{"title": el.Title, "subtitle": el.Subtitle, "media_url": el.ImageURL}
	if len(el.Buttons) > 0 && el.Buttons[0].Type == "web_url" {
		gt["url"] = el.Buttons[0].URL
		gt["cta"] = map[string]any{"type": "web_url", "url": el.Buttons[0].URL, "title": *el.Buttons[0].Title}
	}
	return map[string]any{"id": fmt.Sprintf("%d000", m.seq), "generic_template": gt}
}

// firstElement is a generic template's first element.
func firstElement(payload json.RawMessage) (genericElement, bool) {
	var p struct {
		Elements []genericElement `json:"elements"`
	}
	if payload == nil || json.Unmarshal(payload, &p) != nil || len(p.Elements) == 0 {
		return genericElement{}, false
	}
	return p.Elements[0], true
}

func attachmentObject(m *message, i int, a FakeAttachment) map[string]any {
	id := a.ID
	if id == "" {
		id = fmt.Sprintf("%d%03d", m.seq, i)
	}
	obj := map[string]any{"id": id, "mime_type": a.MimeType, "name": a.Name}
	switch {
	case strings.HasPrefix(a.MimeType, "image/"):
		obj["image_data"] = map[string]any{"url": a.URL, "preview_url": a.URL, "width": 640, "height": 480}
	case strings.HasPrefix(a.MimeType, "video/"):
		obj["video_data"] = map[string]any{"url": a.URL, "preview_url": a.URL, "width": 640, "height": 480}
	default:
		obj["file_url"] = a.URL
	}
	return obj
}
