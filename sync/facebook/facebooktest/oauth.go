package facebooktest

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"fmt"
	"hash/fnv"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// The fake also plays www.facebook.com: point both the Graph base URL and
// the Login dialog's web URL at Server.URL.

const (
	// CodeLifetime is how long an authorization code can be exchanged.
	CodeLifetime = 10 * time.Minute
	// ShortLivedTokenLifetime is the expires_in of a token from a code.
	ShortLivedTokenLifetime = 2 * time.Hour
	// LongLivedTokenLifetime is the expires_in of an fb_exchange_token
	// answer: 60 days.
	LongLivedTokenLifetime = 60 * 24 * time.Hour
	// DataAccessLifetime is how long after a login debug_token reports
	// data access lasting (data_access_expires_at).
	DataAccessLifetime = 90 * 24 * time.Hour

	fakeAppName = "Merchant Inbox (fake)"
)

// Consent says how the fake's consent page behaves.
type Consent int

const (
	// ConsentAllow, the default, renders Allow and Cancel and waits for a
	// human or a browser to click one (or for Authorize).
	ConsentAllow Consent = iota
	// ConsentAutoAllow makes the page's inline script click Allow on load,
	// for headless browser tests.
	ConsentAutoAllow
	// ConsentAutoDeny makes the page's inline script click Cancel on load.
	ConsentAutoDeny
)

// loginState is the fake's Facebook Login side, guarded by Server.mu.
type loginState struct {
	app        *fakeApp
	user       *fakeUser
	consent    Consent
	granted    []string // what the user grants; nil: everything requested
	now        func() time.Time
	verify     bool                  // POST /{app}/subscriptions verifies the callback
	tickets    map[string]*ticket    // consent pages awaiting a click
	codes      map[string]*authCode  // authorization codes
	userTokens map[string]*userGrant // user access tokens
	lastScopes []string              // scopes of the latest login, for page tokens
}

type fakeApp struct {
	id, secret string
	redirects  []string
	sub        *appSubscription
}

type appSubscription struct {
	callbackURL, verifyToken string
	fields                   []string
}

type fakeUser struct {
	id, name string
	pageIDs  []string
}

// ticket is one rendered consent page; its Allow or Cancel link works once.
type ticket struct {
	redirectURI, state string
	scopes             []string
	used               bool
}

type authCode struct {
	clientID, redirectURI, userID string
	scopes                        []string
	expires                       time.Time
	used                          bool
}

type userGrant struct {
	userID, appID   string
	scopes          []string
	issued, expires time.Time
}

func (l *loginState) clock() time.Time {
	if l.now != nil {
		return l.now()
	}
	return time.Now()
}

func (l *loginState) ensureMaps() {
	if l.tickets == nil {
		l.tickets = map[string]*ticket{}
		l.codes = map[string]*authCode{}
		l.userTokens = map[string]*userGrant{}
	}
}

// SetApp registers the Meta app: its ID, secret and Valid OAuth Redirect
// URIs, which the dialog and the code exchange compare byte for byte (as
// with Meta's strict mode). Calling it again replaces the app.
func (s *Server) SetApp(appID, appSecret string, redirectURIs ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.login.app = &fakeApp{id: appID, secret: appSecret, redirects: slices.Clone(redirectURIs)}
}

// UserID is the stable id the fake gives the user added with AddUser(name).
func UserID(name string) string {
	h := fnv.New64a()
	h.Write([]byte("user\x00" + name))
	return fmt.Sprintf("%d", 100000000000000+h.Sum64()%900000000000000)
}

// AddUser sets the user who will "log in" on the dialog, managing the given
// Pages (added before with AddPage): /me/accounts lists them with their page
// tokens, in this order. No pageIDs models a merchant who selects no Page.
// It replaces any earlier user and fails the test if a Page was not added;
// call it from the test goroutine.
func (s *Server) AddUser(name string, pageIDs ...string) {
	s.tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range pageIDs {
		if s.pages[id] == nil {
			s.tb.Fatalf("facebooktest: AddUser: page %q not added", id)
		}
	}
	s.login.user = &fakeUser{id: UserID(name), name: name, pageIDs: slices.Clone(pageIDs)}
}

// SetConsent sets how later consent pages behave (default ConsentAllow).
func (s *Server) SetConsent(c Consent) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.login.consent = c
}

// GrantScopes sets what the user grants on Allow: the requested scopes that
// are in scopes (with no arguments, none of them). By default the user
// grants every requested scope. public_profile is always granted.
func (s *Server) GrantScopes(scopes ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.login.granted = append([]string{}, scopes...)
}

// SetClock replaces the clock used for code and token lifetimes (default
// time.Now), so tests can let a code expire.
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.login.now = now
}

// VerifyCallbacks makes POST /{app-id}/subscriptions verify the callback as
// Meta does before accepting it: a GET callback_url?hub.mode=subscribe&
// hub.challenge=C&hub.verify_token=T that must answer 200 with body C
// within 5 s, else code 2200. Off by default. Use a plain-http callback (the
// fake does not trust test certificates).
func (s *Server) VerifyCallbacks(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.login.verify = on
}

// AppSubscription returns the app's Page webhook subscription as set with
// POST /{app-id}/subscriptions; all empty when there is none.
func (s *Server) AppSubscription() (callbackURL string, fields []string, verifyToken string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a := s.login.app; a != nil && a.sub != nil {
		return a.sub.callbackURL, slices.Clone(a.sub.fields), a.sub.verifyToken
	}
	return "", nil, ""
}

// appID is the app id the fake reports: SetApp's, or a fixed one.
func (s *Server) appID() string {
	if s.login.app != nil {
		return s.login.app.id
	}
	return fakeAppID
}

// Authorize plays the browser on the consent page: it opens dialogURL,
// follows its Allow (or Cancel) link and returns where the fake redirects
// the browser, i.e. the redirect URI with code and state (or error=...).
// An error page (URL Blocked, Invalid App ID) is returned as an error
// quoting its heading.
func (s *Server) Authorize(dialogURL string, allow bool) (*url.URL, error) {
	c := *s.hs.Client()
	c.Timeout = 10 * time.Second
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	page, err := getPage(&c, dialogURL)
	if err != nil {
		return nil, err
	}
	id := "cancel"
	if allow {
		id = "allow"
	}
	link := linkOf(page, id)
	if link == "" {
		return nil, fmt.Errorf("facebooktest: the Login dialog shows no %s link: %q", id, headingOf(page))
	}
	resp, err := c.Get(link)
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		return nil, fmt.Errorf("facebooktest: %s answered HTTP %d, not a redirect", id, resp.StatusCode)
	}
	return url.Parse(resp.Header.Get("Location"))
}

func getPage(c *http.Client, rawURL string) (string, error) {
	resp, err := c.Get(rawURL)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("facebooktest: the Login dialog answered HTTP %d", resp.StatusCode)
	}
	return string(b), nil
}

// linkOf finds href of the element with the given id in a page rendered
// by dialogPage.
func linkOf(page, id string) string {
	_, rest, ok := strings.Cut(page, `id="`+id+`" href="`)
	if !ok {
		return ""
	}
	href, _, _ := strings.Cut(rest, `"`)
	return htmlUnescape(href)
}

func headingOf(page string) string {
	_, rest, ok := strings.Cut(page, "<h1")
	if !ok {
		return ""
	}
	_, rest, _ = strings.Cut(rest, ">")
	h, _, _ := strings.Cut(rest, "</h1>")
	return htmlUnescape(h)
}

// htmlUnescape undoes what html/template does to the fake's own text.
func htmlUnescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&#43;", "+", "&#39;", "'", "&#34;", `"`, "&quot;", `"`, "&lt;", "<", "&gt;", ">").Replace(s)
}

// ---- www.facebook.com: the Login dialog ----

type dialogPage struct {
	Title, Heading, Detail string // an error page when Detail is set
	AppName, UserName      string
	Scopes                 []string
	AllowURL, CancelURL    string
	AutoClick              string // "allow" or "cancel": the inline script clicks it
}

var dialogTemplate = template.Must(template.New("dialog").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title></head>
<body>
{{- if .Detail}}
<h1 id="error">{{.Heading}}</h1>
<p>{{.Detail}}</p>
{{- else}}
<h1>{{.AppName}} is requesting access to your Pages</h1>
<p>Continue as {{.UserName}}? {{.AppName}} would like to:</p>
<ul id="scopes">{{range .Scopes}}<li>{{.}}</li>{{end}}</ul>
<p><a id="allow" href="{{.AllowURL}}" role="button">Allow</a> <a id="cancel" href="{{.CancelURL}}" role="button">Cancel</a></p>
{{- if .AutoClick}}
<script>document.getElementById({{.AutoClick}}).click();</script>
{{- end}}
{{- end}}
</body></html>
`))

func errorPage(heading, detail string) *dialogPage {
	return &dialogPage{Title: "Error", Heading: heading, Detail: detail}
}

// serveDialog answers the Login dialog paths with HTML (or a redirect) and
// reports whether the request was one.
func (s *Server) serveDialog(w http.ResponseWriter, r *http.Request) bool {
	path := normalizePath(r.URL.Path)
	if path != "/dialog/oauth" && path != "/dialog/oauth/confirm" {
		return false
	}
	r.ParseForm() // a malformed query just reads as missing parameters
	s.mu.Lock()
	s.requests = append(s.requests, Request{
		Method: r.Method,
		Path:   r.URL.Path,
		Query:  redacted(r.URL.Query()),
		Form:   redacted(r.PostForm),
	})
	var page *dialogPage
	redirect := ""
	if path == "/dialog/oauth" {
		page = s.dialog(r)
	} else {
		redirect, page = s.confirm(r)
	}
	s.mu.Unlock()

	w.Header().Set("Cache-Control", "no-store")
	if redirect != "" {
		http.Redirect(w, r, redirect, http.StatusFound)
		return true
	}
	var b bytes.Buffer
	if err := dialogTemplate.Execute(&b, page); err != nil {
		http.Error(w, "facebooktest: rendering the dialog: "+err.Error(), http.StatusInternalServerError)
		return true
	}
	// Like Meta, error pages answer 200 (UNVERIFIED): read the page.
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(b.Bytes())
	return true
}

// dialog validates a dialog request and renders the consent page.
func (s *Server) dialog(r *http.Request) *dialogPage {
	l := &s.login
	q := r.Form
	app := l.app
	if cid := q.Get("client_id"); app == nil || cid == "" || cid != app.id {
		return errorPage("Invalid App ID", "The provided app ID does not look like a valid app ID.")
	}
	redirectURI := q.Get("redirect_uri")
	if !slices.Contains(app.redirects, redirectURI) {
		return errorPage("URL Blocked", "This redirect failed because the redirect URI is not whitelisted in the app’s Client OAuth Settings. "+
			"Make sure Client and Web OAuth Login are on and add all your app domains as Valid OAuth Redirect URIs.")
	}
	if rt := q.Get("response_type"); rt != "" && rt != "code" {
		return errorPage("Unsupported response_type", fmt.Sprintf("facebooktest implements response_type=code only, not %q.", rt))
	}
	if l.user == nil {
		return errorPage("No user", "facebooktest: call AddUser before opening the Login dialog.")
	}
	l.ensureMaps()
	id := rand.Text()
	scopes := splitList(q.Get("scope"))
	l.tickets[id] = &ticket{redirectURI: redirectURI, state: q.Get("state"), scopes: scopes}

	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	base := scheme + "://" + r.Host + strings.TrimSuffix(strings.TrimRight(r.URL.Path, "/"), "/dialog/oauth") + "/dialog/oauth/confirm?ticket=" + url.QueryEscape(id)
	p := &dialogPage{
		Title:     "Log in with Facebook",
		AppName:   fakeAppName,
		UserName:  l.user.name,
		Scopes:    scopes,
		AllowURL:  base + "&choice=allow",
		CancelURL: base + "&choice=cancel",
	}
	switch l.consent {
	case ConsentAutoAllow:
		p.AutoClick = "allow"
	case ConsentAutoDeny:
		p.AutoClick = "cancel"
	}
	return p
}

// confirm handles a click on Allow or Cancel: a redirect to the app.
func (s *Server) confirm(r *http.Request) (string, *dialogPage) {
	l := &s.login
	t := l.tickets[r.Form.Get("ticket")]
	if t == nil || t.used || l.app == nil || l.user == nil {
		return "", errorPage("This content isn't available right now", "The link you followed may be broken, or the page may have been removed.")
	}
	t.used = true
	var params []string
	if r.Form.Get("choice") == "allow" {
		code := "AQfake" + rand.Text()
		l.codes[code] = &authCode{
			clientID: l.app.id, redirectURI: t.redirectURI, userID: l.user.id,
			scopes: s.grant(t.scopes), expires: l.clock().Add(CodeLifetime),
		}
		params = append(params, "code="+url.QueryEscape(code))
	} else {
		params = append(params, "error=access_denied", "error_code=200", "error_description=Permissions+error", "error_reason=user_denied")
	}
	if t.state != "" {
		params = append(params, "state="+url.QueryEscape(t.state))
	}
	sep := "?"
	if strings.Contains(t.redirectURI, "?") {
		sep = "&"
	}
	// Meta appends the #_=_ fragment to its redirects.
	return t.redirectURI + sep + strings.Join(params, "&") + "#_=_", nil
}

// grant is what the user grants of requested.
func (s *Server) grant(requested []string) []string {
	var out []string
	for _, sc := range requested {
		if (s.login.granted == nil || slices.Contains(s.login.granted, sc)) && !slices.Contains(out, sc) {
			out = append(out, sc)
		}
	}
	if !slices.Contains(out, "public_profile") {
		out = append(out, "public_profile")
	}
	return out
}

// splitList reads "a,b" or "a b" lists.
func splitList(raw string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(raw, func(r rune) bool { return r == ',' || r == ' ' }) {
		out = append(out, f)
	}
	return out
}

// ---- graph.facebook.com: OAuth, app and user-token routes ----

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
