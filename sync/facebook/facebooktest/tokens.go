package facebooktest

import (
	"crypto/hmac"
	"crypto/rand"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// ---- graph.facebook.com: the OAuth token endpoint and debug_token ----

// loginAnswer answers the token endpoint, debug_token, the app's edges and
// every user-token call; ok is false for the Page routes.
func (s *Server) loginAnswer(r *http.Request, token, path string) (body any, gerr *graphError, ok bool) {
	switch path {
	case "/oauth/access_token":
		body, gerr = s.accessToken(r)
		return body, gerr, true
	case "/debug_token":
		body, gerr = s.debugToken(r, token)
		return body, gerr, true
	}
	segs := strings.Split(strings.Trim(path, "/"), "/")
	if a := s.login.app; a != nil && segs[0] == a.id {
		body, gerr = s.appRoute(r, token, segs[1:])
		return body, gerr, true
	}
	if g := s.login.userTokens[token]; token != "" && g != nil {
		body, gerr = s.userRoute(r, token, g, segs)
		return body, gerr, true
	}
	return nil, nil, false
}

// accessToken is GET (or POST) /oauth/access_token: the code exchange and
// the fb_exchange_token grant.
func (s *Server) accessToken(r *http.Request) (any, *graphError) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		return nil, &graphError{code: 100, typ: "GraphMethodException", message: "Unsupported " + strings.ToLower(r.Method) + " request."}
	}
	f, app := r.Form, s.login.app
	cid := f.Get("client_id")
	if cid == "" {
		return nil, &graphError{code: 101, message: "Missing client_id parameter."}
	}
	if app == nil || cid != app.id {
		return nil, &graphError{code: 101, message: "Error validating application. Invalid application ID."}
	}
	if !hmac.Equal([]byte(f.Get("client_secret")), []byte(app.secret)) {
		return nil, &graphError{status: http.StatusBadRequest, code: 1, message: "Error validating client secret."}
	}
	switch f.Get("grant_type") {
	case "", "authorization_code":
		return s.exchangeCode(f)
	case "fb_exchange_token":
		return s.exchangeToken(f)
	}
	e := badParam("(#100) Unsupported grant_type %q", f.Get("grant_type"))
	return nil, &e
}

func (s *Server) exchangeCode(f url.Values) (any, *graphError) {
	l := &s.login
	code := f.Get("code")
	if code == "" {
		e := badParam("(#100) The parameter code is required")
		return nil, &e
	}
	c := l.codes[code]
	if c == nil || c.clientID != l.app.id {
		return nil, &graphError{code: 100, message: "Invalid verification code format."}
	}
	if f.Get("redirect_uri") != c.redirectURI {
		return nil, &graphError{code: 100, subcode: 36008, message: "Error validating verification code. " +
			"Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request"}
	}
	if c.used {
		return nil, &graphError{code: 100, subcode: 36009, message: "This authorization code has been used."}
	}
	if !l.clock().Before(c.expires) {
		return nil, &graphError{code: 100, subcode: 36007, message: "This authorization code has expired."}
	}
	c.used = true
	l.lastScopes = c.scopes
	return s.issueUserToken(c.userID, c.scopes, ShortLivedTokenLifetime), nil
}

func (s *Server) exchangeToken(f url.Values) (any, *graphError) {
	l := &s.login
	tok := f.Get("fb_exchange_token")
	if tok == "" {
		e := badParam("(#100) The parameter fb_exchange_token is required")
		return nil, &e
	}
	if sub, dead := s.dead[tok]; dead {
		e := deadToken(sub)
		return nil, &e
	}
	g := l.userTokens[tok]
	if g == nil || g.appID != l.app.id {
		return nil, &graphError{code: 190}
	}
	if !l.clock().Before(g.expires) {
		e := deadToken(463)
		return nil, &e
	}
	return s.issueUserToken(g.userID, g.scopes, LongLivedTokenLifetime), nil
}

func (s *Server) issueUserToken(userID string, scopes []string, life time.Duration) map[string]any {
	l := &s.login
	l.ensureMaps()
	tok := "EAAfakeUser" + rand.Text()
	now := l.clock()
	l.userTokens[tok] = &userGrant{userID: userID, appID: l.app.id, scopes: slices.Clone(scopes), issued: now, expires: now.Add(life)}
	return map[string]any{"access_token": tok, "token_type": "bearer", "expires_in": int(life / time.Second)}
}

// appAuth checks an app access token "{app-id}|{app-secret}".
func (s *Server) appAuth(token string) *graphError {
	if token == "" {
		return &graphError{code: 104}
	}
	id, secret, ok := strings.Cut(token, "|")
	if !ok {
		return &graphError{code: 15, message: "(#15) This method must be called with an app access_token."}
	}
	app := s.login.app
	if app == nil || id != app.id {
		return &graphError{code: 101, message: "Error validating application. Invalid application ID."}
	}
	if !hmac.Equal([]byte(secret), []byte(app.secret)) {
		return &graphError{code: 190, message: "Invalid OAuth access token signature."}
	}
	return nil
}

// debugToken is GET /debug_token?input_token=.. with the app token. A dead
// or unknown input token is not an error: data.is_valid is false and
// data.error says why.
func (s *Server) debugToken(r *http.Request, token string) (any, *graphError) {
	if r.Method != http.MethodGet {
		e := unsupported(strings.ToLower(r.Method), "debug_token")
		return nil, &e
	}
	if gerr := s.appAuth(token); gerr != nil {
		return nil, gerr
	}
	in := r.Form.Get("input_token")
	if in == "" {
		e := badParam("(#100) The parameter input_token is required")
		return nil, &e
	}
	return map[string]any{"data": s.tokenData(in)}, nil
}

func (s *Server) tokenData(in string) map[string]any {
	l := &s.login
	invalid := func(code, sub int, msg string) map[string]any {
		e := map[string]any{"code": code, "message": msg}
		if sub != 0 {
			e["subcode"] = sub
		}
		return map[string]any{"app_id": l.app.id, "is_valid": false, "scopes": []string{}, "error": e}
	}
	if sub, dead := s.dead[in]; dead {
		return invalid(190, sub, deadToken(sub).message)
	}
	if g := l.userTokens[in]; g != nil {
		if !l.clock().Before(g.expires) {
			return invalid(190, 463, deadTokenMessages[463])
		}
		return map[string]any{
			"app_id":                 g.appID,
			"type":                   "USER",
			"application":            fakeAppName,
			"data_access_expires_at": g.issued.Add(DataAccessLifetime).Unix(),
			"expires_at":             g.expires.Unix(),
			"is_valid":               true,
			"issued_at":              g.issued.Unix(),
			"scopes":                 slices.Clone(g.scopes),
			"user_id":                g.userID,
		}
	}
	if pageID, ok := s.tokens[in]; ok {
		d := map[string]any{
			"app_id":      l.app.id,
			"type":        "PAGE",
			"application": fakeAppName,
			"expires_at":  0, // page tokens from a long-lived user token never expire
			"is_valid":    true,
			"profile_id":  pageID,
			"scopes":      append([]string{}, l.lastScopes...),
		}
		if u := l.user; u != nil && slices.Contains(u.pageIDs, pageID) {
			d["user_id"] = u.id
		}
		return d
	}
	return invalid(190, 0, knownErrors[190].message)
}

// appRoute answers /{app-id} and /{app-id}/subscriptions.
