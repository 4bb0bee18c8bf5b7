package facebooktest

import (
	"net/http"
	"slices"
	"strings"
)

// profileNode is a customer as the User Profile API shows them to the
// Page they wrote to (GET /{psid} with the page token).
var profileNode = node{"User",
	[]string{"id", "name", "first_name", "last_name", "profile_pic", "locale", "timezone", "gender"},
	[]string{"id", "name"}}

// customerOf is the conversation of the Page with the customer psid, nil
// when that customer never wrote to the Page.
func (s *Server) customerOf(pageID, psid string) *conversation {
	return s.convs[ConversationID(pageID, psid)]
}

// HideProfile makes the User Profile API refuse a customer of a Page, as
// Meta does for a person who has not opted in or whose profile cannot be
// read: code 100, "No profile available for this user." (the fake's
// choice of answer; Meta does not document one).
func (s *Server) HideProfile(pageID, psid string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.hidden == nil {
		s.hidden = map[string]bool{}
	}
	s.hidden[ConversationID(pageID, psid)] = true
}

// profileRoute answers GET /{psid}: the customer's name, split in first
// and last at the first space, as the Page may see it.
func (s *Server) profileRoute(r *http.Request, c *conversation, edge string) (any, *graphError) {
	if r.Method != http.MethodGet || edge != "" {
		e := unsupported(strings.ToLower(r.Method), c.psid)
		return nil, &e
	}
	fields, gerr := fieldsOf(r, profileNode)
	if gerr != nil {
		return nil, gerr
	}
	if s.hidden[c.id] || c.customer == "" {
		return nil, &graphError{code: 100, message: "(#100) No profile available for this user."}
	}
	first, last, _ := strings.Cut(c.customer, " ")
	// Graph answers a node's id whether asked or not.
	return pick(map[string]any{
		"id":          c.psid,
		"name":        c.customer,
		"first_name":  first,
		"last_name":   last,
		"profile_pic": "https://platform-lookaside.fbsbx.com/platform/profilepic/?psid=" + c.psid,
		"locale":      "en_US",
		"timezone":    0,
	}, append(slices.Clip(fields), "id")), nil
}
