package shopifytest

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

const (
	codeLifetime         = 10 * time.Minute
	expiringLifetime     = 3600    // s, expires_in of an expiring offline token
	refreshLifetime      = 7776000 // s, refresh_token_expires_in (90 days)
	credentialsLifetime  = 86399   // s, expires_in of a client-credentials token
	maxTokenRequestBytes = 64 << 10
)

// SignQuery returns the hmac parameter Shopify adds to a redirect: the hex
// HMAC-SHA256, keyed with clientSecret, of the parameters except hmac and
// signature, sorted by key and joined as k=v with &.
func SignQuery(q url.Values, clientSecret string) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		if k != "hmac" && k != "signature" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + q.Get(k)
	}
	m := hmac.New(sha256.New, []byte(clientSecret))
	m.Write([]byte(strings.Join(parts, "&")))
	return hex.EncodeToString(m.Sum(nil))
}

var consentPage = template.Must(template.New("consent").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Install app – {{.Shop}}</title></head>
<body>
<h1>Install app on {{.ShopName}}</h1>
<p>The app <code>{{.ClientID}}</code> asks for: {{.Scope}}</p>
<form id="consent" method="post" action="/admin/oauth/authorize">
<input type="hidden" name="client_id" value="{{.ClientID}}">
<input type="hidden" name="scope" value="{{.Scope}}">
<input type="hidden" name="redirect_uri" value="{{.RedirectURI}}">
<input type="hidden" name="state" value="{{.State}}">
<button id="install" type="submit">Install app</button>
</form>
{{if .Auto}}<script>window.addEventListener("load", function () { document.getElementById("install").click(); });</script>{{end}}
</body></html>
`))

// authorizeParams are the parameters of the authorize page and its form.
type authorizeParams struct{ clientID, scope, redirectURI, state string }

// checkAuthorize validates client_id and redirect_uri, under the lock.
func (s *Server) checkAuthorize(p authorizeParams) error {
	if p.clientID == "" || p.clientID != s.clientID {
		return errors.New("Oauth error invalid_request: The client_id is invalid")
	}
	u, err := url.Parse(p.redirectURI)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("Oauth error invalid_request: The redirect_uri is missing or invalid")
	}
	if len(s.redirectURIs) > 0 && !slices.Contains(s.redirectURIs, p.redirectURI) {
		return errors.New("Oauth error invalid_request: The redirect_uri is not whitelisted")
	}
	return nil
}

func oauthErrorPage(w http.ResponseWriter, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusBadRequest)
	fmt.Fprintf(w, "<!doctype html><title>Oauth error</title><h1>%s</h1>", template.HTMLEscapeString(msg))
}

func (s *Server) authorizePage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p := authorizeParams{q.Get("client_id"), q.Get("scope"), q.Get("redirect_uri"), q.Get("state")}
	s.mu.Lock()
	s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, Query: q})
	err := s.checkAuthorize(p)
	data := map[string]any{
		"Shop": s.shop.myshopify, "ShopName": s.shop.name, "ClientID": p.clientID,
		"Scope": p.scope, "RedirectURI": p.redirectURI, "State": p.state, "Auto": s.consent == ConsentAutoInstall,
	}
	s.mu.Unlock()
	if err != nil {
		oauthErrorPage(w, err.Error())
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	consentPage.Execute(w, data)
}

// install is the "Install app" button: it issues a code and redirects.
func (s *Server) install(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxTokenRequestBytes)
	if err := r.ParseForm(); err != nil {
		oauthErrorPage(w, "Oauth error invalid_request: malformed form")
		return
	}
	p := authorizeParams{r.PostForm.Get("client_id"), r.PostForm.Get("scope"), r.PostForm.Get("redirect_uri"), r.PostForm.Get("state")}
	s.mu.Lock()
	s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, Params: r.PostForm})
	if err := s.checkAuthorize(p); err != nil {
		s.mu.Unlock()
		oauthErrorPage(w, err.Error())
		return
	}
	now := s.now()
	code := randomHex(16)
	scope := p.scope
	if s.grant != "" {
		scope = s.grant
	}
	s.codes[code] = &authCode{clientID: p.clientID, scope: scope, issued: now}
	q := url.Values{}
	q.Set("code", code)
	q.Set("host", base64.RawStdEncoding.EncodeToString([]byte("admin.shopify.com/store/"+strings.TrimSuffix(s.shop.myshopify, ".myshopify.com"))))
	q.Set("shop", s.shop.myshopify)
	q.Set("state", p.state)
	q.Set("timestamp", strconv.FormatInt(now.Unix(), 10))
	q.Set("hmac", SignQuery(q, s.clientSecret))
	s.mu.Unlock()

	target, _ := url.Parse(p.redirectURI) // checked by checkAuthorize
	merged := target.Query()
	for k, vs := range q {
		merged[k] = vs
	}
	target.RawQuery = merged.Encode()
	http.Redirect(w, r, target.String(), http.StatusFound)
}

// Install plays the merchant approving the app: it loads installURL (the
// authorize page, which must answer 200), submits its form as the "Install
// app" button would, and returns the redirect Shopify sends the browser to,
// without following it.
func (s *Server) Install(ctx context.Context, installURL string) (*url.URL, error) {
	hc := &http.Client{
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, installURL, nil)
	if err != nil {
		return nil, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	page, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("shopifytest: authorize page answered %d: %s", resp.StatusCode, page)
	}
	u, err := url.Parse(installURL)
	if err != nil {
		return nil, err
	}
	q := u.Query()
	form := url.Values{"client_id": {q.Get("client_id")}, "scope": {q.Get("scope")}, "redirect_uri": {q.Get("redirect_uri")}, "state": {q.Get("state")}}
	u.RawQuery = ""
	req, err = http.NewRequestWithContext(ctx, http.MethodPost, u.String(), strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err = hc.Do(req)
	if err != nil {
		return nil, err
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		return nil, fmt.Errorf("shopifytest: install answered %d: %s", resp.StatusCode, body)
	}
	return url.Parse(resp.Header.Get("Location"))
}

// tokenParams reads the token endpoint's parameters from a JSON object or a
// form body. JSON numbers and booleans become their text.
func tokenParams(r *http.Request) (url.Values, error) {
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxTokenRequestBytes+1))
	if err != nil || len(raw) > maxTokenRequestBytes {
		return nil, errors.New("unreadable body")
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, errors.New("body is not a JSON object")
		}
		v := url.Values{}
		for k, x := range m {
			switch x := x.(type) {
			case string:
				v.Set(k, x)
			case float64:
				v.Set(k, strconv.FormatFloat(x, 'f', -1, 64))
			case bool:
				v.Set(k, strconv.FormatBool(x))
			}
		}
		return v, nil
	}
	return url.ParseQuery(string(raw))
}

func redactParams(v url.Values) url.Values {
	out := cloneValues(v)
	for _, k := range []string{"client_secret", "code", "refresh_token"} {
		if _, ok := out[k]; ok {
			out[k] = []string{"REDACTED"}
		}
	}
	return out
}

func oauthError(status int, code, desc string) response {
	return response{status: status, body: map[string]any{"error": code, "error_description": desc}}
}

func truthy(s string) bool { return s == "1" || s == "true" }

func (s *Server) tokenEndpoint(r *http.Request) response {
	params, perr := tokenParams(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, Params: redactParams(params)})
	if resp, ok := s.takeFailure(); ok {
		return resp
	}
	if perr != nil {
		return oauthError(http.StatusBadRequest, "invalid_request", "The request body could not be parsed.")
	}
	if params.Get("client_id") != s.clientID ||
		!hmac.Equal([]byte(params.Get("client_secret")), []byte(s.clientSecret)) {
		return oauthError(http.StatusUnauthorized, "invalid_client", "Client authentication failed: the client_id or client_secret is invalid.")
	}
	now := s.now()
	switch grant := params.Get("grant_type"); grant {
	case "", "authorization_code":
		code := params.Get("code")
		if code == "" {
			return oauthError(http.StatusBadRequest, "invalid_request", "The code parameter is missing.")
		}
		c := s.codes[code]
		if c == nil || c.used || c.clientID != params.Get("client_id") || now.Sub(c.issued) > codeLifetime {
			return oauthError(http.StatusBadRequest, "invalid_grant", "The authorization code was not found or was already used.")
		}
		c.used = true
		if truthy(params.Get("expiring")) {
			return s.issueExpiring(c.scope, now)
		}
		access := "shpat_" + randomHex(16)
		s.access[access] = &accessToken{scope: c.scope}
		s.issued = access
		return response{status: http.StatusOK, body: map[string]any{"access_token": access, "scope": c.scope}}
	case "refresh_token":
		rt := s.refresh[params.Get("refresh_token")]
		if rt == nil || !now.Before(rt.expires) {
			return oauthError(http.StatusBadRequest, "invalid_grant", "The refresh token is invalid, expired or was already used.")
		}
		delete(s.refresh, params.Get("refresh_token"))
		delete(s.access, rt.access)
		return s.issueExpiring(rt.scope, now)
	case "client_credentials":
		scope := s.grant
		if scope == "" {
			scope = DefaultScope
		}
		access := "shpat_" + randomHex(16)
		s.access[access] = &accessToken{scope: scope, expires: now.Add(credentialsLifetime * time.Second)}
		s.issued = access
		return response{status: http.StatusOK, body: map[string]any{"access_token": access, "scope": scope, "expires_in": credentialsLifetime}}
	default:
		return oauthError(http.StatusBadRequest, "unsupported_grant_type", "The grant type "+strconv.Quote(grant)+" is not supported.")
	}
}

// issueExpiring issues an expiring offline token and its refresh token.
func (s *Server) issueExpiring(scope string, now time.Time) response {
	access, refresh := "shpat_"+randomHex(16), "shprt_"+randomHex(16)
	s.access[access] = &accessToken{scope: scope, expires: now.Add(expiringLifetime * time.Second)}
	s.refresh[refresh] = &refreshToken{scope: scope, access: access, expires: now.Add(refreshLifetime * time.Second)}
	s.issued = access
	return response{status: http.StatusOK, body: map[string]any{
		"access_token": access, "scope": scope, "expires_in": expiringLifetime,
		"refresh_token": refresh, "refresh_token_expires_in": refreshLifetime,
	}}
}
