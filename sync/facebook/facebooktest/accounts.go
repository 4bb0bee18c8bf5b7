package facebooktest

import (
	"crypto/hmac"
	"net/http"
	"slices"
	"strings"
)

// ---- graph.facebook.com: what a user token reads ----

// accountNode is a Page as read through /me/accounts.
var accountNode = node{"Page",
	[]string{"id", "name", "category", "category_list", "access_token", "tasks", "link"},
	[]string{"id", "name", "category", "category_list", "access_token", "tasks"}}

// userRoute answers calls made with a user token: /me, /me/accounts and
// /me/permissions (also under the user's id).
func (s *Server) userRoute(r *http.Request, token string, g *userGrant, segs []string) (any, *graphError) {
	l := &s.login
	if sub, dead := s.dead[token]; dead {
		e := deadToken(sub)
		return nil, &e
	}
	if !l.clock().Before(g.expires) {
		e := deadToken(463)
		return nil, &e
	}
	if gerr := s.checkProof(r, token); gerr != nil {
		return nil, gerr
	}
	method := strings.ToLower(r.Method)
	if len(segs) > 2 || (segs[0] != "me" && segs[0] != g.userID) || r.Method != http.MethodGet {
		e := unsupported(method, strings.Join(segs, "/"))
		return nil, &e
	}
	edge := ""
	if len(segs) == 2 {
		edge = segs[1]
	}
	name := ""
	if u := l.user; u != nil && u.id == g.userID {
		name = u.name
	}
	switch edge {
	case "":
		fields, gerr := fieldsOf(r, node{"User", []string{"id", "name"}, []string{"id", "name"}})
		if gerr != nil {
			return nil, gerr
		}
		return pick(map[string]any{"id": g.userID, "name": name}, fields), nil
	case "permissions":
		data := []any{}
		for _, sc := range g.scopes {
			data = append(data, map[string]any{"permission": sc, "status": "granted"})
		}
		return map[string]any{"data": data}, nil
	case "accounts":
		return s.listAccounts(r, token, g)
	}
	e := nonexistingField(edge, "User")
	return nil, &e
}

// listAccounts lists the user's Pages with their page tokens, paged. Without
// pages_show_list the list is empty (UNVERIFIED: Meta may answer an error).
func (s *Server) listAccounts(r *http.Request, token string, g *userGrant) (any, *graphError) {
	fields, gerr := fieldsOf(r, accountNode)
	if gerr != nil {
		return nil, gerr
	}
	var ids []string
	if u := s.login.user; u != nil && u.id == g.userID && slices.Contains(g.scopes, "pages_show_list") {
		for _, id := range u.pageIDs {
			if s.pages[id] != nil {
				ids = append(ids, id)
			}
		}
	}
	return s.paginate(r, token, ids, func(i int) map[string]any {
		p := s.pages[ids[i]]
		obj := s.pageObject(p)
		obj["access_token"] = p.token
		obj["category_list"] = []any{map[string]any{"id": "2200", "name": p.category}}
		obj["tasks"] = []string{"ADVERTISE", "ANALYZE", "CREATE_CONTENT", "MESSAGING", "MODERATE", "MANAGE"}
		return pick(obj, fields)
	})
}

// checkProof applies RequireAppSecretProof to a user-token call.
func (s *Server) checkProof(r *http.Request, token string) *graphError {
	if s.proofSecret == "" {
		return nil
	}
	proof := r.Form.Get("appsecret_proof")
	if proof == "" {
		return &graphError{code: 100, typ: "GraphMethodException", message: "API calls from the server require an appsecret_proof argument"}
	}
	if !hmac.Equal([]byte(strings.ToLower(proof)), []byte(appSecretProof(s.proofSecret, token))) {
		return &graphError{code: 100, typ: "GraphMethodException", message: "Invalid appsecret_proof provided in the API argument"}
	}
	return nil
}
