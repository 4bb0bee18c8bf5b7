package facebooktest

import (
	"net/http"
	"slices"
	"strings"
)

// listConversations answers GET /{page-id}/conversations: a page of the
// Page's conversations, newest first, each with its messages nested when
// ?fields asks for them.
func (s *Server) listConversations(r *http.Request, token string, p *page) (any, *graphError) {
	fields, gerr := fieldsOf(r, conversationNode)
	if gerr != nil {
		return nil, gerr
	}
	var convs []*conversation
	switch strings.ToLower(r.Form.Get("platform")) {
	case "", "messenger":
		convs = s.pageConversations(p.id)
	case "instagram":
		// The fake has no Instagram threads.
	default:
		e := badParam("(#100) Param platform must be one of {MESSENGER, INSTAGRAM} - got %q", r.Form.Get("platform"))
		return nil, &e
	}
	keys := make([]string, len(convs))
	for i, c := range convs {
		keys[i] = c.id
	}
	var nestErr *graphError
	out, gerr := s.paginate(r, token, keys, func(i int) map[string]any {
		obj, gerr := s.conversationWithFields(r, token, convs[i], fields)
		if gerr != nil {
			nestErr = gerr
		}
		return obj
	})
	if nestErr != nil {
		return nil, nestErr
	}
	return out, gerr
}

// conversationWithFields renders a conversation with the requested
// fields, its messages nested when asked for.
func (s *Server) conversationWithFields(r *http.Request, token string, c *conversation, fields []string) (map[string]any, *graphError) {
	obj := pick(s.conversationObject(c), fields)
	if spec, ok := nestedMessages(r); ok {
		edge, gerr := s.messagesEdge(r, token, c, spec)
		if gerr != nil {
			return nil, gerr
		}
		obj["messages"] = edge
	}
	return obj, nil
}

// pageConversations lists a Page's conversations as Graph orders them:
// by updated_time, newest first, the id breaking ties so that cursors are
// stable. The order is kept until the next AddMessage to the Page, so that
// walking a Page of 100,000 conversations does not sort them on every
// call; callers must not modify it.
func (s *Server) pageConversations(pageID string) []*conversation {
	if convs, ok := s.order[pageID]; ok {
		return convs
	}
	var convs []*conversation
	for _, c := range s.convs {
		if c.pageID == pageID {
			convs = append(convs, c)
		}
	}
	slices.SortFunc(convs, func(a, b *conversation) int {
		if c := b.updated().Compare(a.updated()); c != 0 {
			return c
		}
		return strings.Compare(b.id, a.id)
	})
	s.order[pageID] = convs
	return convs
}

func (s *Server) listMessages(r *http.Request, token string, c *conversation) (any, *graphError) {
	fields, gerr := fieldsOf(r, messageNode)
	if gerr != nil {
		return nil, gerr
	}
	msgs := c.newestFirst()
	keys := make([]string, len(msgs))
	for i, m := range msgs {
		keys[i] = m.ID
	}
	return s.paginate(r, token, keys, func(i int) map[string]any {
		return pick(s.messageObject(c, msgs[i]), fields)
	})
}
