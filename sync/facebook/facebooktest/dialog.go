package facebooktest

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

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
