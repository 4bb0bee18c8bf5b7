package facebooktest_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook/facebooktest"
)

const (
	appID     = "1234567890"
	appSecret = "s3cr3t-app-secret"
	redirect  = "http://127.0.0.1:8765/facebook/callback"
)

// newLoginFake is a fake with an app, a user managing n Pages ("p0".."pn-1").
func newLoginFake(t *testing.T, pages int) *facebooktest.Server {
	t.Helper()
	s := facebooktest.NewServer(t)
	s.SetApp(appID, appSecret, redirect)
	var ids []string
	for i := range pages {
		id := fmt.Sprintf("p%d", i)
		s.AddPage(id, fmt.Sprintf("Shop %d", i), "Retail", "PAGE-TOKEN-"+id)
		ids = append(ids, id)
	}
	s.AddUser("Ann Merchant", ids...)
	return s
}

func dialogURL(base, clientID, redirectURI, state string) string {
	return base + "/v25.0/dialog/oauth?" + url.Values{
		"client_id": {clientID}, "redirect_uri": {redirectURI}, "state": {state},
		"response_type": {"code"}, "scope": {"pages_show_list,pages_messaging"},
	}.Encode()
}

// noRedirect is a client that reports redirects instead of following them.
var noRedirect = &http.Client{
	Timeout:       10 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

func fetch(t *testing.T, rawURL string) (*http.Response, string) {
	t.Helper()
	resp, err := noRedirect.Get(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// link extracts the href of the element with id from a consent page.
func link(t *testing.T, page, id string) string {
	t.Helper()
	_, rest, ok := strings.Cut(page, `id="`+id+`" href="`)
	if !ok {
		t.Fatalf("no %s link in page:\n%s", id, page)
	}
	href, _, _ := strings.Cut(rest, `"`)
	return strings.ReplaceAll(href, "&amp;", "&")
}

func TestConsentPageAllowRedirectsWithCodeAndState(t *testing.T) {
	s := newLoginFake(t, 1)
	resp, page := fetch(t, dialogURL(s.URL, appID, redirect, "st-42"))
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("dialog: HTTP %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, want := range []string{"Merchant Inbox (fake)", "Ann Merchant", "<li>pages_show_list</li>", "<li>pages_messaging</li>", ">Allow<", ">Cancel<"} {
		if !strings.Contains(page, want) {
			t.Errorf("consent page lacks %q:\n%s", want, page)
		}
	}
	if strings.Contains(page, "<script") {
		t.Errorf("manual consent page has a script:\n%s", page)
	}

	allow := link(t, page, "allow")
	resp, _ = fetch(t, allow)
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("Allow: HTTP %d", resp.StatusCode)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	if got := loc.Scheme + "://" + loc.Host + loc.Path; got != redirect {
		t.Errorf("redirected to %s, want %s", got, redirect)
	}
	q := loc.Query()
	if !strings.HasPrefix(q.Get("code"), "AQ") || q.Get("state") != "st-42" || len(q) != 2 || loc.Fragment != "_=_" {
		t.Errorf("redirect = %s", loc)
	}

	// The consent link works once.
	if resp, page := fetch(t, allow); resp.StatusCode != http.StatusOK || !strings.Contains(page, `id="error"`) {
		t.Errorf("second Allow: HTTP %d %s", resp.StatusCode, page)
	}

	// The code exchanges once for a user token.
	tokURL := s.URL + "/v25.0/oauth/access_token?" + url.Values{
		"client_id": {appID}, "client_secret": {appSecret}, "redirect_uri": {redirect}, "code": {q.Get("code")},
	}.Encode()
	var tok struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int    `json:"expires_in"`
	}
	if resp := get(t, tokURL, "", &tok); resp.StatusCode != 200 || tok.AccessToken == "" || tok.TokenType != "bearer" || tok.ExpiresIn != 7200 {
		t.Fatalf("exchange: HTTP %d %+v", resp.StatusCode, tok)
	}
	var e graphErr
	if resp := get(t, tokURL, "", &e); resp.StatusCode != 400 || e.Error.Code != 100 || e.Error.Subcode != 36009 {
		t.Errorf("reused code: HTTP %d %+v", resp.StatusCode, e.Error)
	}
}

func TestConsentPageCancelRedirectsAccessDenied(t *testing.T) {
	s := newLoginFake(t, 1)
	_, page := fetch(t, dialogURL(s.URL, appID, redirect, "st-7"))
	resp, _ := fetch(t, link(t, page, "cancel"))
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("Cancel: HTTP %d", resp.StatusCode)
	}
	want := redirect + "?error=access_denied&error_code=200&error_description=Permissions+error&error_reason=user_denied&state=st-7#_=_"
	if got := resp.Header.Get("Location"); got != want {
		t.Errorf("Location = %s\nwant       %s", got, want)
	}
}

func TestDialogRefusesUnregisteredRedirectAndUnknownApp(t *testing.T) {
	s := newLoginFake(t, 1)
	tests := []struct {
		name, clientID, redirectURI, heading, text string
	}{
		{"unregistered", appID, "https://evil.example/cb", "URL Blocked", "not whitelisted in the app’s Client OAuth Settings"},
		{"trailing slash", appID, redirect + "/", "URL Blocked", "Valid OAuth Redirect URIs"},
		{"other port", appID, strings.Replace(redirect, "8765", "8766", 1), "URL Blocked", "Valid OAuth Redirect URIs"},
		{"no redirect", appID, "", "URL Blocked", "Valid OAuth Redirect URIs"},
		{"unknown app", "999", redirect, "Invalid App ID", "does not look like a valid app ID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, page := fetch(t, dialogURL(s.URL, tt.clientID, tt.redirectURI, "st"))
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Location") != "" {
				t.Errorf("HTTP %d, Location %q: want an error page, no redirect", resp.StatusCode, resp.Header.Get("Location"))
			}
			if !strings.Contains(page, `<h1 id="error">`+tt.heading+`</h1>`) || !strings.Contains(page, tt.text) {
				t.Errorf("page:\n%s", page)
			}
			if strings.Contains(page, `id="allow"`) {
				t.Error("error page offers Allow")
			}
		})
	}
	if _, err := s.Authorize(dialogURL(s.URL, appID, "https://evil.example/cb", "st"), true); err == nil || !strings.Contains(err.Error(), "URL Blocked") {
		t.Errorf("Authorize on a blocked redirect: %v", err)
	}
}

func TestAutoConsentPageClicksItself(t *testing.T) {
	s := newLoginFake(t, 1)
	for _, tt := range []struct {
		consent facebooktest.Consent
		script  string
	}{
		{facebooktest.ConsentAutoAllow, `<script>document.getElementById("allow").click();</script>`},
		{facebooktest.ConsentAutoDeny, `<script>document.getElementById("cancel").click();</script>`},
	} {
		s.SetConsent(tt.consent)
		_, page := fetch(t, dialogURL(s.URL, appID, redirect, "st"))
		if !strings.Contains(page, tt.script) {
			t.Errorf("consent %d: page lacks %s:\n%s", tt.consent, tt.script, page)
		}
		// The buttons the script clicks are there.
		link(t, page, "allow")
		link(t, page, "cancel")
	}
}

func TestAuthorizeHelper(t *testing.T) {
	s := newLoginFake(t, 1)
	loc, err := s.Authorize(dialogURL(s.URL, appID, redirect, "a&b"), true)
	if err != nil {
		t.Fatal(err)
	}
	if loc.Query().Get("code") == "" || loc.Query().Get("state") != "a&b" {
		t.Errorf("allow: %s", loc)
	}
	loc, err = s.Authorize(dialogURL(s.URL, appID, redirect, "st"), false)
	if err != nil || loc.Query().Get("error") != "access_denied" || loc.Query().Get("code") != "" {
		t.Errorf("cancel: %v %v", loc, err)
	}
}

// codeFor runs the dialog and returns a fresh code.
func codeFor(t *testing.T, s *facebooktest.Server) string {
	t.Helper()
	loc, err := s.Authorize(dialogURL(s.URL, appID, redirect, "st"), true)
	if err != nil {
		t.Fatal(err)
	}
	return loc.Query().Get("code")
}

func TestTokenEndpointErrors(t *testing.T) {
	s := newLoginFake(t, 1)
	now := time.Now()
	var mu sync.Mutex
	s.SetClock(func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
	exchange := func(v url.Values) (*http.Response, graphErr) {
		var e graphErr
		return get(t, s.URL+"/v25.0/oauth/access_token?"+v.Encode(), "", &e), e
	}
	ok := func(code string) url.Values {
		return url.Values{"client_id": {appID}, "client_secret": {appSecret}, "redirect_uri": {redirect}, "code": {code}}
	}
	with := func(v url.Values, k, val string) url.Values { v.Set(k, val); return v }

	expired := codeFor(t, s)
	mu.Lock()
	now = now.Add(facebooktest.CodeLifetime)
	mu.Unlock()

	tests := []struct {
		name          string
		v             url.Values
		code, subcode int
		msg           string
	}{
		{"wrong secret", with(ok(codeFor(t, s)), "client_secret", "nope"), 1, 0, "Error validating client secret."},
		{"no secret", with(ok(codeFor(t, s)), "client_secret", ""), 1, 0, "Error validating client secret."},
		{"unknown app", with(ok(codeFor(t, s)), "client_id", "42"), 101, 0, "Error validating application. Invalid application ID."},
		{"redirect mismatch", with(ok(codeFor(t, s)), "redirect_uri", redirect+"/"), 100, 36008, "Please make sure your redirect_uri is identical"},
		{"redirect missing", with(ok(codeFor(t, s)), "redirect_uri", ""), 100, 36008, "redirect_uri is identical"},
		{"expired", ok(expired), 100, 36007, "This authorization code has expired."},
		{"garbage code", ok("AQnot-a-code"), 100, 0, "Invalid verification code format."},
		{"bad grant", with(ok("x"), "grant_type", "password"), 100, 0, "Unsupported grant_type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, e := exchange(tt.v)
			if resp.StatusCode != 400 || e.Error.Code != tt.code || e.Error.Subcode != tt.subcode ||
				e.Error.Type != "OAuthException" || !strings.Contains(e.Error.Message, tt.msg) || e.Error.Trace == "" {
				t.Errorf("got HTTP %d %+v, want code %d/%d %q", resp.StatusCode, e.Error, tt.code, tt.subcode, tt.msg)
			}
		})
	}
	// A code that failed for a mismatched redirect is not used up.
	code := codeFor(t, s)
	exchange(with(ok(code), "redirect_uri", "http://elsewhere/"))
	if resp, e := exchange(ok(code)); resp.StatusCode != 200 {
		t.Errorf("after a mismatch, the right exchange failed: %+v", e.Error)
	}
}

func TestLongLivedExchangeAndDebugToken(t *testing.T) {
	s := newLoginFake(t, 2)
	s.KillToken("PAGE-TOKEN-p1", 460)
	var short, long struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	get(t, s.URL+"/v25.0/oauth/access_token?"+url.Values{
		"client_id": {appID}, "client_secret": {appSecret}, "redirect_uri": {redirect}, "code": {codeFor(t, s)},
	}.Encode(), "", &short)
	get(t, s.URL+"/v25.0/oauth/access_token?"+url.Values{
		"grant_type": {"fb_exchange_token"}, "client_id": {appID}, "client_secret": {appSecret}, "fb_exchange_token": {short.AccessToken},
	}.Encode(), "", &long)
	if long.AccessToken == "" || long.AccessToken == short.AccessToken || long.ExpiresIn != 5184000 {
		t.Fatalf("long-lived = %+v", long)
	}
	var e graphErr
	if resp := get(t, s.URL+"/v25.0/oauth/access_token?"+url.Values{
		"grant_type": {"fb_exchange_token"}, "client_id": {appID}, "client_secret": {appSecret}, "fb_exchange_token": {"bogus"},
	}.Encode(), "", &e); resp.StatusCode != 400 || e.Error.Code != 190 {
		t.Errorf("bogus fb_exchange_token: %+v", e.Error)
	}

	type data struct {
		Data struct {
			AppID     string   `json:"app_id"`
			Type      string   `json:"type"`
			IsValid   bool     `json:"is_valid"`
			ExpiresAt int64    `json:"expires_at"`
			Scopes    []string `json:"scopes"`
			UserID    string   `json:"user_id"`
			Error     *struct {
				Code    int `json:"code"`
				Subcode int `json:"subcode"`
			} `json:"error"`
		} `json:"data"`
	}
	debug := func(input, tok string) (*http.Response, data, graphErr) {
		var d data
		var e graphErr
		u := s.URL + "/v25.0/debug_token?input_token=" + url.QueryEscape(input)
		resp := get(t, u, tok, &d)
		get(t, u, tok, &e)
		return resp, d, e
	}
	app := appID + "|" + appSecret
	_, d, _ := debug(long.AccessToken, app)
	if !d.Data.IsValid || d.Data.Type != "USER" || d.Data.AppID != appID || d.Data.UserID != facebooktest.UserID("Ann Merchant") ||
		fmt.Sprint(d.Data.Scopes) != "[pages_show_list pages_messaging public_profile]" ||
		time.Until(time.Unix(d.Data.ExpiresAt, 0)) < 59*24*time.Hour {
		t.Errorf("user token: %+v", d.Data)
	}
	if _, d, _ := debug("PAGE-TOKEN-p0", app); !d.Data.IsValid || d.Data.Type != "PAGE" || d.Data.ExpiresAt != 0 {
		t.Errorf("page token: %+v", d.Data)
	}
	if _, d, _ := debug("PAGE-TOKEN-p1", app); d.Data.IsValid || d.Data.Error == nil || d.Data.Error.Code != 190 || d.Data.Error.Subcode != 460 {
		t.Errorf("killed token: %+v", d.Data)
	}
	if _, d, _ := debug("nonsense", app); d.Data.IsValid || d.Data.Error == nil || d.Data.Error.Code != 190 {
		t.Errorf("unknown token: %+v", d.Data)
	}
	for _, tt := range []struct {
		tok  string
		code int
	}{{appID + "|wrong", 190}, {"42|" + appSecret, 101}, {long.AccessToken, 15}, {"", 104}} {
		if resp, _, e := debug(long.AccessToken, tt.tok); resp.StatusCode != 400 || e.Error.Code != tt.code {
			t.Errorf("debug_token with access token %q: HTTP %d %+v, want code %d", tt.tok, resp.StatusCode, e.Error, tt.code)
		}
	}
}

func userToken(t *testing.T, s *facebooktest.Server) string {
	t.Helper()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	get(t, s.URL+"/v25.0/oauth/access_token?"+url.Values{
		"client_id": {appID}, "client_secret": {appSecret}, "redirect_uri": {redirect}, "code": {codeFor(t, s)},
	}.Encode(), "", &tok)
	if tok.AccessToken == "" {
		t.Fatal("no user token")
	}
	return tok.AccessToken
}

func TestMeAccountsPagedWithPageTokens(t *testing.T) {
	s := newLoginFake(t, 5)
	s.SetPageSize(2)
	tok := userToken(t, s)
	var me map[string]any
	get(t, s.URL+"/v25.0/me", tok, &me)
	if me["name"] != "Ann Merchant" || me["id"] != facebooktest.UserID("Ann Merchant") {
		t.Errorf("/me = %v", me)
	}
	var got []string
	next := s.URL + "/v25.0/me/accounts?fields=id,name,category,access_token,tasks"
	for pages := 0; next != ""; pages++ {
		if pages > 3 {
			t.Fatal("paging never ends")
		}
		var p graphPage
		tk := tok
		if pages > 0 {
			tk = "" // next carries the token, as on Graph
		}
		if resp := get(t, next, tk, &p); resp.StatusCode != 200 {
			t.Fatalf("HTTP %d", resp.StatusCode)
		}
		for _, a := range p.Data {
			got = append(got, fmt.Sprintf("%s:%s:%s", a["id"], a["name"], a["access_token"]))
			if !strings.Contains(fmt.Sprint(a["tasks"]), "MESSAGING") {
				t.Errorf("tasks = %v", a["tasks"])
			}
		}
		next = ""
		if p.Paging != nil {
			next = p.Paging.Next
		}
	}
	want := "[p0:Shop 0:PAGE-TOKEN-p0 p1:Shop 1:PAGE-TOKEN-p1 p2:Shop 2:PAGE-TOKEN-p2 p3:Shop 3:PAGE-TOKEN-p3 p4:Shop 4:PAGE-TOKEN-p4]"
	if fmt.Sprint(got) != want {
		t.Errorf("accounts = %v\nwant       %s", got, want)
	}

	// The page tokens work on the Page routes.
	var pg map[string]any
	if resp := get(t, s.URL+"/v25.0/p3", "PAGE-TOKEN-p3", &pg); resp.StatusCode != 200 || pg["name"] != "Shop 3" {
		t.Errorf("page token: %v", pg)
	}

	// A user token cannot read conversations; a killed one is dead.
	var e graphErr
	if resp := get(t, s.URL+"/v25.0/p0/conversations", tok, &e); resp.StatusCode != 400 || e.Error.Code != 100 {
		t.Errorf("user token on a Page edge: %+v", e.Error)
	}
	s.KillToken(tok, 460)
	if resp := get(t, s.URL+"/v25.0/me/accounts", tok, &e); resp.StatusCode != 400 || e.Error.Code != 190 || e.Error.Subcode != 460 {
		t.Errorf("killed user token: %+v", e.Error)
	}
}

func TestAccountsEmptyWithoutPagesShowList(t *testing.T) {
	s := newLoginFake(t, 2)
	s.GrantScopes("pages_messaging")
	tok := userToken(t, s)
	var p graphPage
	get(t, s.URL+"/v25.0/me/accounts", tok, &p)
	if len(p.Data) != 0 {
		t.Errorf("accounts = %v", p.Data)
	}
	var perms graphPage
	get(t, s.URL+"/v25.0/me/permissions", tok, &perms)
	if len(perms.Data) != 2 || perms.Data[0]["permission"] != "pages_messaging" || perms.Data[1]["permission"] != "public_profile" {
		t.Errorf("permissions = %v", perms.Data)
	}
}

func postForm(t *testing.T, rawURL, tok string, form url.Values, out any) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, rawURL, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	return send(t, req, out)
}

func TestAppSubscriptions(t *testing.T) {
	s := newLoginFake(t, 0)
	app := appID + "|" + appSecret
	subURL := s.URL + "/v25.0/" + appID + "/subscriptions"
	form := url.Values{"object": {"page"}, "callback_url": {"https://shop.ngrok.app/webhook"}, "fields": {"messages,message_echoes"}, "verify_token": {"vt-secret"}}
	var out map[string]any
	if resp := postForm(t, subURL, app, form, &out); resp.StatusCode != 200 || out["success"] != "true" {
		t.Fatalf("subscribe: HTTP %d %v", resp.StatusCode, out)
	}
	form.Set("fields", "messages,message_reads")
	postForm(t, subURL, app, form, &out)
	cb, fields, vt := s.AppSubscription()
	if cb != "https://shop.ngrok.app/webhook" || fmt.Sprint(fields) != "[messages message_echoes message_reads]" || vt != "vt-secret" {
		t.Errorf("AppSubscription = %q %v %q", cb, fields, vt)
	}
	var list struct {
		Data []struct {
			Object      string `json:"object"`
			CallbackURL string `json:"callback_url"`
			Active      bool   `json:"active"`
			Fields      []struct{ Name, Version string }
		} `json:"data"`
	}
	get(t, subURL, app, &list)
	if len(list.Data) != 1 || list.Data[0].Object != "page" || !list.Data[0].Active || len(list.Data[0].Fields) != 3 {
		t.Errorf("GET subscriptions = %+v", list)
	}

	tests := []struct {
		name string
		tok  string
		form url.Values
		code int
	}{
		{"wrong secret", appID + "|nope", form, 190},
		{"page token", "PAGE-TOKEN-x", form, 15},
		{"no token", "", form, 104},
		{"bad field", app, url.Values{"object": {"page"}, "callback_url": {"https://x.example/"}, "fields": {"messages,callback_url"}, "verify_token": {"v"}}, 100},
		{"no verify token", app, url.Values{"object": {"page"}, "callback_url": {"https://x.example/"}, "fields": {"messages"}}, 100},
		{"relative callback", app, url.Values{"object": {"page"}, "callback_url": {"/webhook"}, "fields": {"messages"}, "verify_token": {"v"}}, 100},
	}
	for _, tt := range tests {
		var e graphErr
		if resp := postForm(t, subURL, tt.tok, tt.form, &e); resp.StatusCode != 400 || e.Error.Code != tt.code {
			t.Errorf("%s: HTTP %d %+v, want code %d", tt.name, resp.StatusCode, e.Error, tt.code)
		}
	}
	// The failed attempts changed nothing.
	if cb2, _, _ := s.AppSubscription(); cb2 != cb {
		t.Errorf("callback changed to %q", cb2)
	}

	// Page subscriptions report the app set with SetApp.
	s.AddPage("p9", "Shop 9", "Retail", "PT9")
	postForm(t, s.URL+"/v25.0/p9/subscribed_apps", "PT9", url.Values{"subscribed_fields": {"messages"}}, &out)
	var apps graphPage
	get(t, s.URL+"/v25.0/p9/subscribed_apps", "PT9", &apps)
	if len(apps.Data) != 1 || apps.Data[0]["id"] != appID {
		t.Errorf("subscribed_apps = %v", apps.Data)
	}
}

func TestAppSubscriptionVerifiesCallback(t *testing.T) {
	s := newLoginFake(t, 0)
	s.VerifyCallbacks(true)
	var hits int
	var mu sync.Mutex
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits++
		mu.Unlock()
		q := r.URL.Query()
		if r.URL.Path != "/webhook" || q.Get("hub.mode") != "subscribe" || q.Get("hub.verify_token") != "vt-good" {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		io.WriteString(w, q.Get("hub.challenge"))
	}))
	t.Cleanup(hook.Close)
	subURL := s.URL + "/v25.0/" + appID + "/subscriptions"
	app := appID + "|" + appSecret
	form := func(cb, vt string) url.Values {
		return url.Values{"object": {"page"}, "callback_url": {cb}, "fields": {"messages"}, "verify_token": {vt}}
	}
	var out map[string]any
	if resp := postForm(t, subURL, app, form(hook.URL+"/webhook", "vt-good"), &out); resp.StatusCode != 200 {
		t.Fatalf("good callback refused: %v", out)
	}
	for _, tt := range []struct{ cb, vt, msg string }{
		{hook.URL + "/webhook", "vt-bad", "HTTP Status Code = 403"},
		{hook.URL + "/other", "vt-good", "HTTP Status Code = 403"},
		{"http://127.0.0.1:1/webhook", "vt-good", "Couldn't connect"},
	} {
		var e graphErr
		if resp := postForm(t, subURL, app, form(tt.cb, tt.vt), &e); resp.StatusCode != 400 || e.Error.Code != 2200 || !strings.Contains(e.Error.Message, tt.msg) {
			t.Errorf("%s %s: HTTP %d %+v", tt.cb, tt.vt, resp.StatusCode, e.Error)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if hits != 3 {
		t.Errorf("callback hit %d times, want 3", hits)
	}
}

func TestLoginRequestsAreRedacted(t *testing.T) {
	s := newLoginFake(t, 1)
	code := codeFor(t, s)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	get(t, s.URL+"/v25.0/oauth/access_token?"+url.Values{
		"client_id": {appID}, "client_secret": {appSecret}, "redirect_uri": {redirect}, "code": {code},
	}.Encode(), "", &tok)
	var out map[string]any
	get(t, s.URL+"/v25.0/oauth/access_token?"+url.Values{
		"grant_type": {"fb_exchange_token"}, "client_id": {appID}, "client_secret": {appSecret}, "fb_exchange_token": {tok.AccessToken},
	}.Encode(), "", &out)
	get(t, s.URL+"/v25.0/debug_token?input_token="+tok.AccessToken+"&access_token="+url.QueryEscape(appID+"|"+appSecret), "", &out)
	postForm(t, s.URL+"/v25.0/"+appID+"/subscriptions", appID+"|"+appSecret,
		url.Values{"object": {"page"}, "callback_url": {"https://x.example/"}, "fields": {"messages"}, "verify_token": {"vt-secret-value"}}, &out)

	logged := fmt.Sprint(s.Requests())
	for _, secret := range []string{appSecret, code, tok.AccessToken, "vt-secret-value"} {
		if strings.Contains(logged, secret) {
			t.Errorf("Requests() shows %q:\n%s", secret, logged)
		}
	}
	reqs := s.Requests()
	if r := reqs[len(reqs)-4]; r.Query.Get("client_secret") != "REDACTED" || r.Query.Get("code") != "REDACTED" || r.Query.Get("client_id") != appID {
		t.Errorf("exchange logged as %+v", r)
	}
	if r := reqs[len(reqs)-1]; r.Form.Get("verify_token") != "REDACTED" || r.Form.Get("callback_url") != "https://x.example/" {
		t.Errorf("subscription logged as %+v", r)
	}
}
