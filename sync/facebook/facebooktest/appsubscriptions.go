package facebooktest

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// ---- graph.facebook.com: the app and its Page webhook subscription ----

func (s *Server) appRoute(r *http.Request, token string, rest []string) (any, *graphError) {
	app := s.login.app
	if gerr := s.appAuth(token); gerr != nil {
		return nil, gerr
	}
	switch {
	case len(rest) == 0 && r.Method == http.MethodGet:
		return map[string]any{"id": app.id, "name": fakeAppName}, nil
	case len(rest) == 1 && rest[0] == "subscriptions":
		return s.appSubscriptions(r, app)
	case len(rest) == 1:
		e := nonexistingField(rest[0], "Application")
		return nil, &e
	}
	e := unsupported(strings.ToLower(r.Method), app.id)
	return nil, &e
}

type verifyResultKey struct{}

func (s *Server) appSubscriptions(r *http.Request, app *fakeApp) (any, *graphError) {
	switch r.Method {
	case http.MethodGet:
		data := []any{}
		if sub := app.sub; sub != nil {
			var fields []any
			for _, f := range sub.fields {
				fields = append(fields, map[string]any{"name": f, "version": "v25.0"})
			}
			data = append(data, map[string]any{"object": "page", "callback_url": sub.callbackURL, "active": true, "fields": fields})
		}
		return map[string]any{"data": data}, nil
	case http.MethodDelete:
		app.sub = nil
		return map[string]any{"success": true}, nil
	case http.MethodPost:
	default:
		e := unsupported(strings.ToLower(r.Method), app.id)
		return nil, &e
	}
	f := r.Form
	switch obj := f.Get("object"); obj {
	case "page":
	case "":
		e := badParam("(#100) The parameter object is required")
		return nil, &e
	default:
		e := badParam("(#100) facebooktest: only object=page is implemented, not %q", obj)
		return nil, &e
	}
	cb := f.Get("callback_url")
	if u, err := url.Parse(cb); cb == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		e := badParam("(#100) callback_url must be a valid http(s) URL")
		return nil, &e
	}
	vt := f.Get("verify_token")
	if vt == "" {
		e := badParam("(#100) The parameter verify_token is required")
		return nil, &e
	}
	fields, gerr := subscribedFields(f.Get("fields"))
	if gerr != nil {
		gerr.message = strings.ReplaceAll(gerr.message, "subscribed_fields", "fields")
		return nil, gerr
	}
	if problem, ok := r.Context().Value(verifyResultKey{}).(string); ok && problem != "" {
		return nil, &graphError{code: 2200, message: "(#2200) Callback verification failed with the following errors: " + problem}
	}
	// Each POST adds fields to the subscription (UNVERIFIED: Meta's docs
	// only show creation); callback and verify token are replaced.
	if app.sub == nil {
		app.sub = &appSubscription{}
	}
	app.sub.callbackURL, app.sub.verifyToken = cb, vt
	for _, fl := range fields {
		if !slices.Contains(app.sub.fields, fl) {
			app.sub.fields = append(app.sub.fields, fl)
		}
	}
	// Meta's documented sample answer is {"success": "true"}, a string.
	return map[string]any{"success": "true"}, nil
}

// verifyCallback runs Meta's callback check for an app subscription, before
// the request takes the lock, and leaves the outcome in the context: "" when
// the callback echoed the challenge, else the problem.
func (s *Server) verifyCallback(r *http.Request) *http.Request {
	s.mu.Lock()
	on, app := s.login.verify, s.login.app
	s.mu.Unlock()
	if !on || app == nil || r.Method != http.MethodPost || normalizePath(r.URL.Path) != "/"+app.id+"/subscriptions" {
		return r
	}
	if r.ParseForm() != nil {
		return r
	}
	u, err := url.Parse(r.Form.Get("callback_url"))
	if err != nil || u.Host == "" {
		return r
	}
	challenge := rand.Text()
	q := u.Query()
	q.Set("hub.mode", "subscribe")
	q.Set("hub.challenge", challenge)
	q.Set("hub.verify_token", r.Form.Get("verify_token"))
	u.RawQuery = q.Encode()
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	problem := ""
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	var resp *http.Response
	if err == nil {
		resp, err = http.DefaultClient.Do(req)
	}
	if err != nil {
		problem = "curl_errno = 7; curl_error = Couldn't connect to server"
	} else {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		resp.Body.Close()
		switch {
		case resp.StatusCode != http.StatusOK:
			problem = fmt.Sprintf("HTTP Status Code = %d; HTTP Message = %s", resp.StatusCode, http.StatusText(resp.StatusCode))
		case string(body) != challenge:
			problem = "The URL couldn't be validated. Response does not match challenge"
		}
	}
	return r.WithContext(context.WithValue(r.Context(), verifyResultKey{}, problem))
}
