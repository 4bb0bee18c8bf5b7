package facebooktest

import (
	"crypto/hmac"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// fakeAppID is the app id the fake reports in subscriptions and errors.
const fakeAppID = "100000000000001"

// handle records the request and computes its answer under the lock.
func (s *Server) handle(r *http.Request) response {
	formErr := r.ParseForm()
	s.mu.Lock()
	defer s.mu.Unlock()

	token, tokenIn := tokenOf(r)
	s.requests = append(s.requests, Request{
		Method:  r.Method,
		Path:    r.URL.Path,
		Query:   redacted(r.URL.Query()),
		Form:    redacted(r.PostForm),
		TokenIn: tokenIn,
	})
	s.traces++
	trace := fmt.Sprintf("AFakeTrace%06d", s.traces)

	var resp response
	if body, gerr := s.answer(r, token, formErr); gerr != nil {
		resp = gerr.render(trace)
	} else {
		resp = response{status: http.StatusOK, header: http.Header{}, body: body}
	}
	for k, v := range s.headers {
		if resp.header.Get(k) == "" {
			resp.header.Set(k, v)
		}
	}
	resp.header.Set("X-Fb-Trace-Id", trace)
	return resp
}

// tokenOf finds the access token the way Graph does: the access_token
// parameter (query or form body) or an "Authorization: Bearer|OAuth" header.
func tokenOf(r *http.Request) (token, in string) {
	if t := r.Form.Get("access_token"); t != "" {
		return t, "query"
	}
	scheme, t, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if ok && (strings.EqualFold(scheme, "Bearer") || strings.EqualFold(scheme, "OAuth")) && t != "" {
		return strings.TrimSpace(t), "header"
	}
	return "", ""
}

func (s *Server) answer(r *http.Request, token string, formErr error) (any, *graphError) {
	path := normalizePath(r.URL.Path)
	if i := slices.IndexFunc(s.failures, func(f failure) bool { return f.path == "" || f.path == path }); i >= 0 {
		f := s.failures[i]
		s.failures = slices.Delete(s.failures, i, i+1)
		return nil, &f.err
	}
	if formErr != nil {
		e := badParam("(#100) The request parameters could not be parsed")
		return nil, &e
	}
	if gerr := s.throttled(path, token); gerr != nil {
		return nil, gerr
	}
	if body, gerr, ok := s.loginAnswer(r, token, path); ok {
		return body, gerr
	}
	pageID, gerr := s.authenticate(r, token)
	if gerr != nil {
		return nil, gerr
	}
	method := strings.ToLower(r.Method)
	segs := strings.Split(strings.Trim(path, "/"), "/")
	if len(segs) > 2 || segs[0] == "" {
		e := unsupported(method, strings.Trim(path, "/"))
		return nil, &e
	}
	id := segs[0]
	if id == "me" {
		id = pageID
	}
	edge := ""
	if len(segs) == 2 {
		edge = segs[1]
	}
	if id == pageID {
		return s.pageRoute(r, token, s.pages[pageID], edge)
	}
	if c := s.convs[id]; c != nil && c.pageID == pageID {
		return s.conversationRoute(r, token, c, edge)
	}
	if c := s.customerOf(pageID, id); c != nil {
		return s.profileRoute(r, c, edge)
	}
	e := unsupported(method, id)
	return nil, &e
}

// authenticate returns the page the token belongs to.
func (s *Server) authenticate(r *http.Request, token string) (string, *graphError) {
	if token == "" {
		return "", &graphError{code: 104}
	}
	if sub, ok := s.dead[token]; ok {
		e := deadToken(sub)
		return "", &e
	}
	pageID, ok := s.tokens[token]
	if !ok {
		return "", &graphError{code: 190}
	}
	if s.proofSecret != "" {
		proof := r.Form.Get("appsecret_proof")
		if proof == "" {
			return "", &graphError{code: 100, typ: "GraphMethodException", message: "API calls from the server require an appsecret_proof argument"}
		}
		if !hmac.Equal([]byte(strings.ToLower(proof)), []byte(appSecretProof(s.proofSecret, token))) {
			return "", &graphError{code: 100, typ: "GraphMethodException", message: "Invalid appsecret_proof provided in the API argument"}
		}
	}
	return pageID, nil
}

func (s *Server) pageRoute(r *http.Request, token string, p *page, edge string) (any, *graphError) {
	method := strings.ToLower(r.Method)
	switch {
	case edge == "" && r.Method == http.MethodGet:
		fields, gerr := fieldsOf(r, pageNode)
		if gerr != nil {
			return nil, gerr
		}
		return pick(s.pageObject(p), fields), nil
	case edge == "":
		e := unsupported(method, p.id)
		return nil, &e
	case edge == "conversations" && r.Method == http.MethodGet:
		return s.listConversations(r, token, p)
	case edge == "subscribed_apps":
		return s.subscribedApps(r, p)
	case edge == "messages" && r.Method == http.MethodPost:
		return s.sendMessage(r, p)
	case edge == "conversations":
		e := unsupported(method, p.id)
		return nil, &e
	}
	e := nonexistingField(edge, "Page")
	return nil, &e
}

func (s *Server) conversationRoute(r *http.Request, token string, c *conversation, edge string) (any, *graphError) {
	if r.Method != http.MethodGet {
		e := unsupported(strings.ToLower(r.Method), c.id)
		return nil, &e
	}
	switch edge {
	case "":
		fields, gerr := fieldsOf(r, conversationNode)
		if gerr != nil {
			return nil, gerr
		}
		return s.conversationWithFields(r, token, c, fields)
	case "messages":
		return s.listMessages(r, token, c)
	}
	e := nonexistingField(edge, "Conversation")
	return nil, &e
}

// validPageFields are the webhook fields a Page subscription accepts.
var validPageFields = []string{
	"messages", "messaging_postbacks", "messaging_optins", "messaging_optouts",
	"message_deliveries", "message_reads", "message_echoes", "message_reactions",
	"message_edits", "messaging_referrals", "messaging_handovers",
	"messaging_policy_enforcement", "messaging_account_linking",
	"messaging_feedback", "messaging_customer_information", "standby",
	"inbox_labels", "response_feedback", "send_cart", "feed", "mention",
	"name", "category", "picture", "description", "phone", "email", "website",
	"location", "hours", "conversations", "ratings", "leadgen",
}

func (s *Server) subscribedApps(r *http.Request, p *page) (any, *graphError) {
	switch r.Method {
	case http.MethodGet:
		data := []any{}
		if p.subscribed != nil {
			data = append(data, map[string]any{
				"link":              "https://merchant-inbox.example/",
				"name":              "Merchant Inbox (fake)",
				"id":                s.appID(),
				"subscribed_fields": slices.Clone(p.subscribed),
			})
		}
		return map[string]any{"data": data}, nil
	case http.MethodPost:
		fields, gerr := subscribedFields(r.Form.Get("subscribed_fields"))
		if gerr != nil {
			return nil, gerr
		}
		p.subscribed = fields
		return map[string]any{"success": true}, nil
	case http.MethodDelete:
		p.subscribed = nil
		return map[string]any{"success": true}, nil
	}
	e := unsupported(strings.ToLower(r.Method), p.id)
	return nil, &e
}

// subscribedFields parses subscribed_fields, given as "a,b" or as a JSON
// array, and checks every field.
func subscribedFields(raw string) ([]string, *graphError) {
	var fields []string
	if strings.HasPrefix(strings.TrimSpace(raw), "[") {
		if json.Unmarshal([]byte(raw), &fields) != nil {
			e := badParam("(#100) Param subscribed_fields must be an array or a comma-separated list")
			return nil, &e
		}
	} else {
		for f := range strings.SplitSeq(raw, ",") {
			if f = strings.TrimSpace(f); f != "" {
				fields = append(fields, f)
			}
		}
	}
	if len(fields) == 0 {
		e := badParam("(#100) The parameter subscribed_fields is required")
		return nil, &e
	}
	for i, f := range fields {
		if !slices.Contains(validPageFields, f) {
			e := badParam("(#100) Param subscribed_fields[%d] must be one of {%s} - got %q", i, strings.Join(validPageFields, ", "), f)
			return nil, &e
		}
	}
	return fields, nil
}
