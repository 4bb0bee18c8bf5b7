package facebook_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
	"github.com/merchant-inbox/merchant-inbox/sync/facebook/facebooktest"
	"github.com/merchant-inbox/merchant-inbox/sync/fix"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
)

const (
	loginAppID       = "1234567890"
	loginSecret      = "app-secret-0f9e8d7c"
	redirectURI      = "http://127.0.0.1:8765/facebook/callback"
	loginVerifyToken = "verify-token-5a4b"
)

// loginFake is a fake playing www and graph with an app and a user who
// manages pages Pages ("p0".. in order) with tokens "PAGE-TOKEN-p<i>".
func loginFake(t *testing.T, pages int) (*facebooktest.Server, *facebook.Client) {
	t.Helper()
	fake := facebooktest.NewServer(t)
	fake.SetApp(loginAppID, loginSecret, redirectURI)
	var ids []string
	for i := range pages {
		id := fmt.Sprintf("p%d", i)
		fake.AddPage(id, fmt.Sprintf("Shop %d", i), "Retail", "PAGE-TOKEN-"+id)
		ids = append(ids, id)
	}
	fake.AddUser("Ann Merchant", ids...)
	return fake, facebook.NewClient(facebook.Options{BaseURL: fake.URL})
}

// login runs the dialog on the fake and returns the code from the redirect.
func login(t *testing.T, fake *facebooktest.Server) string {
	t.Helper()
	state := facebook.NewState()
	loc, err := fake.Authorize(facebook.DialogURL(fake.URL, loginAppID, redirectURI, state, nil), true)
	if err != nil {
		t.Fatal(err)
	}
	code, err := facebook.ParseCallback(loc.Query(), state)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// assertNoSecrets fails when err's text, or its UserMessage, shows any of
// secrets or names a credential parameter.
func assertNoSecrets(t *testing.T, err error, secrets ...string) {
	t.Helper()
	if err == nil {
		t.Fatal("want an error")
	}
	for _, text := range []string{err.Error(), facebook.UserMessage(err), fmt.Sprintf("%+v", err)} {
		for _, s := range append(secrets, loginSecret, "client_secret=", "access_token=", "code=") {
			if s != "" && strings.Contains(text, s) {
				t.Errorf("error text shows %q: %s", s, text)
			}
		}
	}
}

func TestDialogURL(t *testing.T) {
	got := facebook.DialogURL("", loginAppID, "https://shop.ngrok.app/facebook/callback?x=1", "st/+=", nil)
	want := "https://www.facebook.com/v25.0/dialog/oauth?client_id=1234567890" +
		"&redirect_uri=https%3A%2F%2Fshop.ngrok.app%2Ffacebook%2Fcallback%3Fx%3D1" +
		"&state=st%2F%2B%3D&response_type=code" +
		"&scope=pages_show_list,pages_messaging,pages_manage_metadata,pages_read_engagement"
	if got != want {
		t.Errorf("DialogURL =\n%s\nwant\n%s", got, want)
	}
	got = facebook.DialogURL("http://127.0.0.1:9/", "1", "http://localhost/cb", "s", []string{"pages_messaging"})
	if want := "http://127.0.0.1:9/v25.0/dialog/oauth?client_id=1&redirect_uri=http%3A%2F%2Flocalhost%2Fcb&state=s&response_type=code&scope=pages_messaging"; got != want {
		t.Errorf("DialogURL =\n%s\nwant\n%s", got, want)
	}
	u, err := url.Parse(got)
	if err != nil || u.Query().Get("redirect_uri") != "http://localhost/cb" {
		t.Errorf("not parseable back: %v %v", u, err)
	}
	// Fresh slices: callers may modify them.
	s := facebook.DefaultScopes()
	s[0] = "changed"
	if facebook.DefaultScopes()[0] != "pages_show_list" || facebook.DefaultPageFields()[0] != "messages" {
		t.Error("defaults are shared")
	}
	if a, b := facebook.NewState(), facebook.NewState(); len(a) < 22 || a == b {
		t.Errorf("NewState = %q, %q", a, b)
	}
}

func TestLoginFlowEndToEnd(t *testing.T) {
	fake, c := loginFake(t, 7)
	fake.SetPageSize(3)
	ctx := t.Context()
	code := login(t, fake)

	short, err := c.ExchangeCode(ctx, loginAppID, loginSecret, redirectURI, code)
	if err != nil {
		t.Fatal(err)
	}
	if short.AccessToken == "" || short.ExpiresIn != facebooktest.ShortLivedTokenLifetime {
		t.Fatalf("short-lived = %v", short)
	}
	long, err := c.LongLivedToken(ctx, loginAppID, loginSecret, short.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	if long.AccessToken == "" || long.AccessToken == short.AccessToken || long.ExpiresIn != 60*24*time.Hour {
		t.Fatalf("long-lived = %v", long)
	}

	info, err := c.DebugToken(ctx, loginAppID, loginSecret, long.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	if !info.IsValid || info.AppID != loginAppID || info.UserID != facebooktest.UserID("Ann Merchant") || info.Type != "USER" ||
		time.Until(info.ExpiresAt) < 59*24*time.Hour || info.DataAccessExpiresAt.IsZero() ||
		!slices.Contains(info.Scopes, "pages_messaging") {
		t.Errorf("DebugToken = %+v", info)
	}

	reqStart := len(fake.Requests())
	var accounts []facebook.Account
	for a, err := range c.Accounts(ctx, long.AccessToken) {
		if err != nil {
			t.Fatal(err)
		}
		accounts = append(accounts, a)
	}
	var got []string
	for _, a := range accounts {
		got = append(got, a.ID+"="+a.AccessToken)
	}
	if want := "[p0=PAGE-TOKEN-p0 p1=PAGE-TOKEN-p1 p2=PAGE-TOKEN-p2 p3=PAGE-TOKEN-p3 p4=PAGE-TOKEN-p4 p5=PAGE-TOKEN-p5 p6=PAGE-TOKEN-p6]"; fmt.Sprint(got) != want {
		t.Errorf("accounts = %v", got)
	}
	if a := accounts[2]; a.Name != "Shop 2" || a.Category != "Retail" || !slices.Contains(a.Tasks, "MESSAGING") ||
		a.Page() != (facebook.Page{ID: "p2", Name: "Shop 2", Category: "Retail"}) {
		t.Errorf("account = %+v", a.Page())
	}
	if err := facebook.CheckGrant(info, accounts, nil); err != nil {
		t.Errorf("CheckGrant: %v", err)
	}

	// Three pages of /me/accounts, the user token in the header only.
	reqs := fake.Requests()[reqStart:]
	if len(reqs) != 3 {
		t.Fatalf("%d /me/accounts requests, want 3", len(reqs))
	}
	for i, r := range reqs {
		if r.Path != "/v25.0/me/accounts" || r.Query.Get("fields") != "id,name,category,access_token,tasks" ||
			r.TokenIn != "header" || r.Query.Has("access_token") || (r.Query.Get("after") != "") != (i > 0) {
			t.Errorf("request %d = %+v", i, r)
		}
	}

	// The code exchange and long-lived grant send no bearer; the secret,
	// code and token are in the query, which the fake's log redacts.
	var sawExchange, sawLong, sawDebug bool
	for _, r := range fake.Requests() {
		switch {
		case r.Path == "/v25.0/oauth/access_token" && r.Query.Has("code"):
			sawExchange = true
			if r.Method != http.MethodGet || r.TokenIn != "" || r.Query.Get("client_id") != loginAppID ||
				r.Query.Get("redirect_uri") != redirectURI || r.Query.Get("client_secret") != "REDACTED" || r.Query.Get("code") != "REDACTED" {
				t.Errorf("exchange = %+v", r)
			}
		case r.Path == "/v25.0/oauth/access_token":
			sawLong = true
			if r.Query.Get("grant_type") != "fb_exchange_token" || r.Query.Get("fb_exchange_token") != "REDACTED" || r.TokenIn != "" {
				t.Errorf("long-lived = %+v", r)
			}
		case r.Path == "/v25.0/debug_token":
			sawDebug = true
			if r.TokenIn != "header" || r.Query.Get("input_token") != "REDACTED" {
				t.Errorf("debug_token = %+v", r)
			}
		}
	}
	if !sawExchange || !sawLong || !sawDebug {
		t.Errorf("requests missing: exchange %v long %v debug %v", sawExchange, sawLong, sawDebug)
	}

	// Page tokens from the login work for the existing Graph calls and do
	// not expire.
	if p, err := c.Page(ctx, "p5", accounts[5].AccessToken); err != nil || p.Name != "Shop 5" {
		t.Errorf("Page with the account token: %+v %v", p, err)
	}
	if pi, err := c.DebugToken(ctx, loginAppID, loginSecret, accounts[0].AccessToken); err != nil || !pi.IsValid || !pi.ExpiresAt.IsZero() || pi.Type != "PAGE" {
		t.Errorf("page token info = %+v %v", pi, err)
	}
}

func TestDebugTokenOfDeadToken(t *testing.T) {
	fake, c := loginFake(t, 1)
	fake.KillToken("PAGE-TOKEN-p0", 460)
	info, err := c.DebugToken(t.Context(), loginAppID, loginSecret, "PAGE-TOKEN-p0")
	if err != nil || info.IsValid {
		t.Errorf("dead token: %+v %v", info, err)
	}
	if err := facebook.CheckGrant(info, []facebook.Account{{ID: "p0"}}, nil); !errors.Is(err, facebook.ErrTokenInvalid) {
		t.Errorf("CheckGrant(invalid) = %v", err)
	}
}

func TestAccountsWithAppSecretProof(t *testing.T) {
	fake, _ := loginFake(t, 2)
	fake.RequireAppSecretProof(loginSecret)
	c := facebook.NewClient(facebook.Options{BaseURL: fake.URL, AppSecret: loginSecret})
	tok, err := c.ExchangeCode(t.Context(), loginAppID, loginSecret, redirectURI, login(t, fake))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, err := range c.Accounts(t.Context(), tok.AccessToken) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 2 {
		t.Errorf("%d accounts", n)
	}
	for _, r := range fake.Requests() {
		if r.Path == "/v25.0/oauth/access_token" && r.Query.Has("appsecret_proof") {
			t.Errorf("the exchange, which has no token, sent appsecret_proof")
		}
	}
}

func TestAccountsDeadUserToken(t *testing.T) {
	fake, c := loginFake(t, 1)
	tok, err := c.ExchangeCode(t.Context(), loginAppID, loginSecret, redirectURI, login(t, fake))
	if err != nil {
		t.Fatal(err)
	}
	fake.KillToken(tok.AccessToken, 460)
	_, err = collect(t, c.Accounts(t.Context(), tok.AccessToken))
	if !errors.Is(err, facebook.ErrTokenInvalid) {
		t.Errorf("err = %v", err)
	}
	assertNoSecrets(t, err, tok.AccessToken)
}

// loginErrCase is one classification check.
type loginErrCase struct {
	name     string
	call     func(t *testing.T) (error, []string) // the error and the secrets it must not show
	kind     error
	notKinds []error
	msg      string  // in UserMessage
	fix      fix.Fix // what the front end offers
}

func TestLoginErrorClassification(t *testing.T) {
	exchange := func(setup func(fake *facebooktest.Server) (appID, secret, redirect, code string)) func(t *testing.T) (error, []string) {
		return func(t *testing.T) (error, []string) {
			fake, c := loginFake(t, 1)
			appID, secret, redirect, code := setup(fake)
			_, err := c.ExchangeCode(t.Context(), appID, secret, redirect, code)
			return err, []string{secret, code}
		}
	}
	tests := []loginErrCase{
		{
			name: "wrong app secret (code 1)",
			call: exchange(func(f *facebooktest.Server) (string, string, string, string) {
				return loginAppID, "wrong-secret-123", redirectURI, login(t, f)
			}),
			kind: facebook.ErrBadAppSecret, msg: "The Facebook app secret is wrong: enter facebook-app-secret again",
			fix: fix.Fix{Action: fix.SetSecret, Secret: secrets.FacebookAppSecret},
		},
		{
			name: "unknown app id (code 101)",
			call: exchange(func(f *facebooktest.Server) (string, string, string, string) {
				return "987654321", loginSecret, redirectURI, login(t, f)
			}),
			kind: facebook.ErrBadAppSecret, msg: "Facebook does not recognise the app ID: enter facebook-app-id again",
			fix: fix.Fix{Action: fix.SetSecret, Secret: secrets.FacebookAppID},
		},
		{
			name: "redirect not identical (100/36008)",
			call: exchange(func(f *facebooktest.Server) (string, string, string, string) {
				return loginAppID, loginSecret, redirectURI + "/", login(t, f)
			}),
			kind: facebook.ErrRedirectMismatch, msg: "exactly " + redirectURI + "/ under Facebook Login > Settings > Valid OAuth Redirect URIs",
		},
		{
			name: "code used (100/36009)",
			call: func(t *testing.T) (error, []string) {
				fake, c := loginFake(t, 1)
				code := login(t, fake)
				if _, err := c.ExchangeCode(t.Context(), loginAppID, loginSecret, redirectURI, code); err != nil {
					t.Fatal(err)
				}
				_, err := c.ExchangeCode(t.Context(), loginAppID, loginSecret, redirectURI, code)
				return err, []string{code}
			},
			kind: facebook.ErrCodeExpired, msg: "The sign-in took too long or was already used: start again.",
			fix: fix.Fix{Action: fix.SignInFacebook},
		},
		{
			name: "code expired (100/36007)",
			call: func(t *testing.T) (error, []string) {
				fake, c := loginFake(t, 1)
				var mu sync.Mutex
				now := time.Now()
				fake.SetClock(func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
				code := login(t, fake)
				mu.Lock()
				now = now.Add(11 * time.Minute)
				mu.Unlock()
				_, err := c.ExchangeCode(t.Context(), loginAppID, loginSecret, redirectURI, code)
				return err, []string{code}
			},
			kind: facebook.ErrCodeExpired, msg: "start again",
			fix: fix.Fix{Action: fix.SignInFacebook},
		},
		{
			name: "garbage code (100, no subcode)",
			call: exchange(func(f *facebooktest.Server) (string, string, string, string) {
				return loginAppID, loginSecret, redirectURI, "AQ-pasted-wrong"
			}),
			kind: facebook.ErrCodeExpired, msg: "start again",
			fix: fix.Fix{Action: fix.SignInFacebook},
		},
		{
			name: "long-lived with wrong secret",
			call: func(t *testing.T) (error, []string) {
				fake, c := loginFake(t, 1)
				tok, err := c.ExchangeCode(t.Context(), loginAppID, loginSecret, redirectURI, login(t, fake))
				if err != nil {
					t.Fatal(err)
				}
				_, err = c.LongLivedToken(t.Context(), loginAppID, "bad-secret-xyz", tok.AccessToken)
				return err, []string{"bad-secret-xyz", tok.AccessToken}
			},
			kind: facebook.ErrBadAppSecret, msg: "facebook-app-secret",
			fix: fix.Fix{Action: fix.SetSecret, Secret: secrets.FacebookAppSecret},
		},
		{
			name: "debug_token with wrong secret (190 on the app token)",
			call: func(t *testing.T) (error, []string) {
				_, c := loginFake(t, 1)
				_, err := c.DebugToken(t.Context(), loginAppID, "bad-secret-xyz", "PAGE-TOKEN-p0")
				return err, []string{"bad-secret-xyz", "PAGE-TOKEN-p0", loginAppID + "|"}
			},
			kind: facebook.ErrBadAppSecret, notKinds: []error{facebook.ErrTokenInvalid}, msg: "facebook-app-secret",
			fix: fix.Fix{Action: fix.SetSecret, Secret: secrets.FacebookAppSecret},
		},
		{
			name: "subscribe app with wrong secret",
			call: func(t *testing.T) (error, []string) {
				_, c := loginFake(t, 1)
				err := c.SubscribeApp(t.Context(), loginAppID, "bad-secret-xyz", "https://shop.ngrok.app/webhook", loginVerifyToken, facebook.DefaultPageFields())
				return err, []string{"bad-secret-xyz", loginVerifyToken}
			},
			kind: facebook.ErrBadAppSecret, notKinds: []error{facebook.ErrTokenInvalid}, msg: "facebook-app-secret",
			fix: fix.Fix{Action: fix.SetSecret, Secret: secrets.FacebookAppSecret},
		},
		{
			name: "subscribe app, callback unreachable (2200)",
			call: func(t *testing.T) (error, []string) {
				fake, c := loginFake(t, 1)
				fake.VerifyCallbacks(true)
				err := c.SubscribeApp(t.Context(), loginAppID, loginSecret, "http://127.0.0.1:1/webhook", loginVerifyToken, facebook.DefaultPageFields())
				return err, []string{loginVerifyToken}
			},
			kind: facebook.ErrCallbackVerification, msg: "could not reach Merchant Inbox at http://127.0.0.1:1/webhook",
		},
		{
			name: "missing scopes after login",
			call: func(t *testing.T) (error, []string) {
				fake, c := loginFake(t, 1)
				fake.GrantScopes("pages_show_list", "pages_read_engagement")
				tok, err := c.ExchangeCode(t.Context(), loginAppID, loginSecret, redirectURI, login(t, fake))
				if err != nil {
					t.Fatal(err)
				}
				info, err := c.DebugToken(t.Context(), loginAppID, loginSecret, tok.AccessToken)
				if err != nil {
					t.Fatal(err)
				}
				accounts, err := collect(t, c.Accounts(t.Context(), tok.AccessToken))
				if err != nil || len(accounts) != 1 {
					t.Fatalf("accounts %v %v", accounts, err)
				}
				err = facebook.CheckGrant(info, accounts, nil)
				if le, ok := errors.AsType[*facebook.LoginError](err); !ok || fmt.Sprint(le.Scopes) != "[pages_messaging pages_manage_metadata]" {
					t.Errorf("missing scopes = %v", err)
				}
				return err, []string{tok.AccessToken}
			},
			kind: facebook.ErrMissingPermission, msg: "these permissions: pages_messaging, pages_manage_metadata",
			fix: fix.Fix{Action: fix.SignInFacebook},
		},
		{
			name: "no page selected",
			call: func(t *testing.T) (error, []string) {
				fake, c := loginFake(t, 0)
				tok, err := c.ExchangeCode(t.Context(), loginAppID, loginSecret, redirectURI, login(t, fake))
				if err != nil {
					t.Fatal(err)
				}
				info, err := c.DebugToken(t.Context(), loginAppID, loginSecret, tok.AccessToken)
				if err != nil {
					t.Fatal(err)
				}
				accounts, err := collect(t, c.Accounts(t.Context(), tok.AccessToken))
				if err != nil || len(accounts) != 0 {
					t.Fatalf("accounts %v %v", accounts, err)
				}
				return facebook.CheckGrant(info, accounts, nil), []string{tok.AccessToken}
			},
			kind: facebook.ErrMissingPermission, msg: "no Page",
			fix: fix.Fix{Action: fix.SignInFacebook},
		},
		{
			name: "cancel on the dialog",
			call: func(t *testing.T) (error, []string) {
				fake, _ := loginFake(t, 1)
				fake.SetConsent(facebooktest.ConsentAutoDeny) // the page's script would click Cancel
				loc, err := fake.Authorize(facebook.DialogURL(fake.URL, loginAppID, redirectURI, "st", nil), false)
				if err != nil {
					t.Fatal(err)
				}
				_, err = facebook.ParseCallback(loc.Query(), "st")
				return err, nil
			},
			kind: facebook.ErrLoginCanceled, msg: "cancelled",
			fix: fix.Fix{Action: fix.SignInFacebook},
		},
		{
			name: "callback with another state",
			call: func(t *testing.T) (error, []string) {
				fake, _ := loginFake(t, 1)
				loc, err := fake.Authorize(facebook.DialogURL(fake.URL, loginAppID, redirectURI, "old-tab", nil), true)
				if err != nil {
					t.Fatal(err)
				}
				_, err = facebook.ParseCallback(loc.Query(), "current")
				return err, []string{loc.Query().Get("code")}
			},
			kind: facebook.ErrCodeExpired, msg: "start again",
			fix: fix.Fix{Action: fix.SignInFacebook},
		},
	}
	allKinds := []error{facebook.ErrBadAppSecret, facebook.ErrRedirectMismatch, facebook.ErrCodeExpired,
		facebook.ErrMissingPermission, facebook.ErrLoginCanceled, facebook.ErrCallbackVerification}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err, secretValues := tt.call(t)
			if !errors.Is(err, tt.kind) {
				t.Fatalf("err = %v, want %v", err, tt.kind)
			}
			for _, k := range append(allKinds, tt.notKinds...) {
				if k != tt.kind && errors.Is(err, k) {
					t.Errorf("err also matches %v", k)
				}
			}
			le, ok := errors.AsType[*facebook.LoginError](err)
			if !ok {
				t.Fatalf("%T is not a *LoginError", err)
			}
			if msg := le.UserMessage(); !strings.Contains(msg, tt.msg) || facebook.UserMessage(err) != msg {
				t.Errorf("UserMessage = %q, want it to contain %q", msg, tt.msg)
			}
			if got, _ := fix.Of(err); got != tt.fix {
				t.Errorf("fix = %+v, want %+v", got, tt.fix)
			}
			// The sentence is for a window and a browser page alike: the
			// command line adds the command that applies the fix.
			if msg := le.UserMessage(); strings.Contains(msg, "merchant-inbox") || strings.Contains(msg, "`") {
				t.Errorf("UserMessage names a command: %q", msg)
			}
			assertNoSecrets(t, err, secretValues...)
		})
	}
}

func TestLoginErrorKeepsGraphCause(t *testing.T) {
	fake, c := loginFake(t, 1)
	_, err := c.ExchangeCode(t.Context(), loginAppID, "wrong", redirectURI, login(t, fake))
	ge, ok := errors.AsType[*facebook.Error](err)
	if !ok || ge.Code != 1 || ge.TraceID == "" || ge.Message != "Error validating client secret." {
		t.Fatalf("Graph cause = %+v (%v)", ge, err)
	}
	want := "facebook: app secret (or app ID) rejected: GET /v25.0/oauth/access_token: graph API error (HTTP 400, code 1, OAuthException): Error validating client secret. [fbtrace_id "
	if !strings.HasPrefix(err.Error(), want) {
		t.Errorf("Error() = %s", err)
	}
}

// graphErrorServer answers every request with one Graph error body.
func graphErrorServer(t *testing.T, status int, body string) *facebook.Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		// Echo the query's secrets into the message, in case Meta ever does.
		q := r.URL.Query()
		body := strings.NewReplacer("$SECRET", q.Get("client_secret"), "$CODE", q.Get("code"), "$INPUT", q.Get("input_token")).Replace(body)
		w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return facebook.NewClient(facebook.Options{BaseURL: srv.URL})
}

// TestClassificationOfMetaTexts covers answers the fake does not produce:
// older texts without subcodes, transient codes that must stay unclassified.
func TestClassificationOfMetaTexts(t *testing.T) {
	tests := []struct {
		name string
		body string
		kind error // nil: not a *LoginError
	}{
		{"36008 text without subcode", `{"error":{"message":"Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request","type":"OAuthException","code":100,"fbtrace_id":"FXgx"}}`, facebook.ErrRedirectMismatch},
		{"191 invalid redirect_uri", `{"error":{"message":"Invalid redirect_uri: Given URL is not allowed by the Application configuration.","type":"OAuthException","code":191}}`, facebook.ErrRedirectMismatch},
		{"expired text without subcode", `{"error":{"message":"This authorization code has expired.","type":"OAuthException","code":100}}`, facebook.ErrCodeExpired},
		{"used, with subcode", `{"error":{"message":"This authorization code has been used.","type":"OAuthException","code":100,"error_subcode":36009,"fbtrace_id":"A2g"}}`, facebook.ErrCodeExpired},
		{"secret echoed back", `{"error":{"message":"Error validating client secret $SECRET for code $CODE.","type":"OAuthException","code":1}}`, facebook.ErrBadAppSecret},
		{"code 1 unknown error is transient", `{"error":{"message":"An unknown error has occurred.","type":"OAuthException","code":1}}`, nil},
		{"101 system error is transient", `{"error":{"message":"Error validating application. Cannot get application info due to a system error.","type":"OAuthException","code":101}}`, nil},
		{"other 100", `{"error":{"message":"(#100) Invalid parameter","type":"OAuthException","code":100}}`, nil},
		{"HTML from a proxy", `<html>Bad Gateway</html>`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := graphErrorServer(t, http.StatusBadRequest, tt.body)
			_, err := c.ExchangeCode(t.Context(), loginAppID, loginSecret, redirectURI, "CODE-abc-123")
			assertNoSecrets(t, err, "CODE-abc-123")
			_, isLogin := errors.AsType[*facebook.LoginError](err)
			if tt.kind == nil {
				if isLogin {
					t.Errorf("classified: %v", err)
				}
				if _, ok := errors.AsType[*facebook.Error](err); !ok {
					t.Errorf("not a Graph *Error: %v", err)
				}
				return
			}
			if !errors.Is(err, tt.kind) {
				t.Errorf("err = %v, want %v", err, tt.kind)
			}
		})
	}
}

func TestRateLimitOnLoginIsNotClassified(t *testing.T) {
	c := graphErrorServer(t, http.StatusBadRequest, `{"error":{"message":"(#4) Application request limit reached","type":"OAuthException","code":4}}`)
	_, err := c.ExchangeCode(t.Context(), loginAppID, loginSecret, redirectURI, "CODE-abc-123")
	if !errors.Is(err, facebook.ErrRateLimited) {
		t.Fatalf("err = %v", err)
	}
	if _, ok := errors.AsType[*facebook.LoginError](err); ok {
		t.Error("rate limit classified as a login error")
	}
	if msg := facebook.UserMessage(err); !strings.Contains(msg, "limiting") {
		t.Errorf("UserMessage = %q", msg)
	}
	assertNoSecrets(t, err, "CODE-abc-123")
}

func TestDebugTokenEchoIsScrubbed(t *testing.T) {
	c := graphErrorServer(t, http.StatusBadRequest, `{"error":{"message":"Invalid OAuth access token signature: $INPUT","type":"OAuthException","code":190}}`)
	_, err := c.DebugToken(t.Context(), loginAppID, loginSecret, "EAAinput-token-xyz")
	if !errors.Is(err, facebook.ErrBadAppSecret) || errors.Is(err, facebook.ErrTokenInvalid) {
		t.Errorf("err = %v", err)
	}
	assertNoSecrets(t, err, "EAAinput-token-xyz")
}

func TestLoginSecretsNotInTransportErrors(t *testing.T) {
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	c := facebook.NewClient(facebook.Options{BaseURL: dead.URL})
	ctx := t.Context()
	_, err := c.ExchangeCode(ctx, loginAppID, loginSecret, redirectURI, "CODE-abc-123")
	assertNoSecrets(t, err, "CODE-abc-123")
	_, err = c.LongLivedToken(ctx, loginAppID, loginSecret, "EAAshort-lived")
	assertNoSecrets(t, err, "EAAshort-lived")
	_, err = c.DebugToken(ctx, loginAppID, loginSecret, "EAAinput")
	assertNoSecrets(t, err, "EAAinput")
	err = c.SubscribeApp(ctx, loginAppID, loginSecret, "https://x.example/webhook", loginVerifyToken, []string{"messages"})
	assertNoSecrets(t, err, loginVerifyToken)
	if msg := facebook.UserMessage(err); !strings.Contains(msg, "could not be reached") {
		t.Errorf("UserMessage = %q", msg)
	}
	_, err = collect(t, c.Accounts(ctx, "EAAuser"))
	assertNoSecrets(t, err, "EAAuser")

	// Context cancellation.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = c.ExchangeCode(cctx, loginAppID, loginSecret, redirectURI, "CODE-abc-123")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v", err)
	}
	assertNoSecrets(t, err, "CODE-abc-123")
}

func TestLoginArgumentChecks(t *testing.T) {
	_, c := loginFake(t, 0)
	ctx := t.Context()
	for name, err := range map[string]error{
		"secret as app id": func() error {
			_, err := c.ExchangeCode(ctx, loginSecret, loginSecret, redirectURI, "c")
			return err
		}(),
		"empty secret": func() error { _, err := c.LongLivedToken(ctx, loginAppID, "", "t"); return err }(),
		"no code":      func() error { _, err := c.ExchangeCode(ctx, loginAppID, loginSecret, redirectURI, ""); return err }(),
		"no token":     func() error { _, err := c.DebugToken(ctx, loginAppID, loginSecret, ""); return err }(),
		"no fields":    c.SubscribeApp(ctx, loginAppID, loginSecret, "https://x.example/", loginVerifyToken, nil),
		"no verify":    c.SubscribeApp(ctx, loginAppID, loginSecret, "https://x.example/", "", []string{"messages"}),
		"relative cb":  c.SubscribeApp(ctx, loginAppID, loginSecret, "/webhook", loginVerifyToken, []string{"messages"}),
	} {
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		assertNoSecrets(t, err)
	}
}

func TestSubscribeApp(t *testing.T) {
	fake, c := loginFake(t, 0)
	fake.VerifyCallbacks(true)
	hook := httptest.NewServer(facebook.NewWebhookHandler(facebook.HandlerOptions{
		AppSecret: loginSecret, VerifyToken: loginVerifyToken, Sink: nopSink{},
		Logger: slog.New(slog.DiscardHandler),
	}))
	t.Cleanup(hook.Close)
	cb := hook.URL + "/webhook"
	if err := c.SubscribeApp(t.Context(), loginAppID, loginSecret, cb, loginVerifyToken, facebook.DefaultPageFields()); err != nil {
		t.Fatal(err)
	}
	gotCB, fields, vt := fake.AppSubscription()
	if gotCB != cb || vt != loginVerifyToken || fmt.Sprint(fields) != fmt.Sprint(facebook.DefaultPageFields()) {
		t.Errorf("AppSubscription = %q %v %q", gotCB, fields, vt)
	}
	r := fake.Requests()[len(fake.Requests())-1]
	if r.Method != http.MethodPost || r.Path != "/v25.0/"+loginAppID+"/subscriptions" || r.TokenIn != "header" ||
		r.Form.Get("object") != "page" || r.Form.Get("callback_url") != cb || r.Query.Has("verify_token") ||
		r.Form.Get("fields") != "messages,messaging_postbacks,message_echoes,message_deliveries,message_reads,message_reactions" {
		t.Errorf("request = %+v", r)
	}

	// The real handler refuses a verify token it does not know: 2200.
	err := c.SubscribeApp(t.Context(), loginAppID, loginSecret, cb, "not-the-token", facebook.DefaultPageFields())
	if !errors.Is(err, facebook.ErrCallbackVerification) {
		t.Fatalf("err = %v", err)
	}
	if le, _ := errors.AsType[*facebook.LoginError](err); le.URL != cb {
		t.Errorf("URL = %q", le.URL)
	}
	assertNoSecrets(t, err, "not-the-token")
}

type nopSink struct{}

func (nopSink) Ingest(context.Context, *facebook.Webhook) error { return nil }

func TestSubscribeAppSuccessShapes(t *testing.T) {
	for body, ok := range map[string]bool{
		`{"success":true}`: true, `{"success":"true"}`: true, `{"success":false}`: false, `{}`: false,
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(body)) }))
		c := facebook.NewClient(facebook.Options{BaseURL: srv.URL})
		err := c.SubscribeApp(t.Context(), loginAppID, loginSecret, "https://x.example/", loginVerifyToken, []string{"messages"})
		if (err == nil) != ok {
			t.Errorf("%s: err = %v", body, err)
		}
		srv.Close()
	}
}

func TestParseCallback(t *testing.T) {
	q := func(s string) url.Values { v, _ := url.ParseQuery(s); return v }
	if code, err := facebook.ParseCallback(q("code=AQx&state=s1"), "s1"); code != "AQx" || err != nil {
		t.Errorf("ok: %q %v", code, err)
	}
	tests := []struct {
		query, state string
		kind         error
	}{
		{"code=AQx&state=s2", "s1", facebook.ErrCodeExpired},
		{"code=AQx", "s1", facebook.ErrCodeExpired},
		{"code=AQx&state=", "", facebook.ErrCodeExpired},
		{"error=access_denied&error_code=200&error_description=Permissions+error&error_reason=user_denied&state=s1", "s1", facebook.ErrLoginCanceled},
		{"error=server_error&error_code=2&state=s1", "s1", nil},
		{"state=s1", "s1", nil},
	}
	for _, tt := range tests {
		code, err := facebook.ParseCallback(q(tt.query), tt.state)
		if err == nil || code != "" {
			t.Errorf("%s: %q %v", tt.query, code, err)
			continue
		}
		if tt.kind != nil && !errors.Is(err, tt.kind) {
			t.Errorf("%s: err = %v, want %v", tt.query, err, tt.kind)
		}
		assertNoSecrets(t, err, "AQx")
	}
}

func TestTokensNeverFormatted(t *testing.T) {
	tok := facebook.UserToken{AccessToken: "EAAsecret-user-token", ExpiresIn: time.Hour}
	acc := facebook.Account{ID: "1", Name: "Shop", AccessToken: "EAAsecret-page-token", Tasks: []string{"MESSAGING"}}
	var logged bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logged, nil))
	log.Info("login", "token", tok, "account", acc)
	log.Info("accounts", "list", []facebook.Account{acc}, "tokens", []facebook.UserToken{tok})
	js1, _ := json.Marshal(map[string]any{"a": []facebook.Account{acc}, "t": tok})
	out := logged.String() + string(js1)
	for _, f := range []string{"%v", "%+v", "%#v", "%s", "%q", "%d", "%x"} {
		out += fmt.Sprintf(f, tok) + fmt.Sprintf(f, acc) + fmt.Sprintf(f, []facebook.Account{acc}) + fmt.Sprintf(f, &tok)
	}
	for _, secret := range []string{"EAAsecret-user-token", "EAAsecret-page-token"} {
		if strings.Contains(out, secret) {
			t.Errorf("%s shown in:\n%s", secret, out)
		}
	}
	if !strings.Contains(fmt.Sprint(tok), "[REDACTED]") || !strings.Contains(fmt.Sprint(tok), "1h0m0s") || !strings.Contains(fmt.Sprint(acc), `Name:"Shop"`) {
		t.Errorf("formatting lost the useful parts: %v %v", tok, acc)
	}
	var js map[string]any
	if err := json.Unmarshal(bytes.SplitN(logged.Bytes(), []byte("\n"), 2)[0], &js); err != nil || js["token"].(map[string]any)["access_token"] != "[REDACTED]" {
		t.Errorf("slog = %s (%v)", logged.String(), err)
	}
}

func TestRedactURL(t *testing.T) {
	in := "https://graph.facebook.com/v25.0/oauth/access_token?client_id=1&client_secret=" + loginSecret +
		"&code=AQc&redirect_uri=http%3A%2F%2Flocalhost&fb_exchange_token=EAAx&input_token=EAAy&access_token=EAAz&appsecret_proof=ab"
	out := facebook.RedactURL(in)
	for _, s := range []string{loginSecret, "AQc", "EAAx", "EAAy", "EAAz", "=ab"} {
		if strings.Contains(out, s) {
			t.Errorf("RedactURL shows %q: %s", s, out)
		}
	}
	if !strings.Contains(out, "client_id=1") || !strings.Contains(out, "redirect_uri=http%3A%2F%2Flocalhost") {
		t.Errorf("RedactURL dropped plain parameters: %s", out)
	}
	if got := facebook.RedactURL("http://user:pw@host/cb?hub.verify_token=v&x=1"); strings.Contains(got, "pw") || strings.Contains(got, "=v&") {
		t.Errorf("RedactURL = %s", got)
	}
	if got := facebook.RedactURL("http://[::1%zz/?code=" + loginSecret); strings.Contains(got, loginSecret) {
		t.Errorf("RedactURL = %s", got)
	}
}

func TestUserMessages(t *testing.T) {
	local := &facebook.LoginError{Kind: facebook.ErrRedirectMismatch, URL: "http://localhost:8765/cb"}
	if msg := local.UserMessage(); !strings.Contains(msg, "exactly http://localhost:8765/cb") || !strings.Contains(msg, "development mode") {
		t.Errorf("localhost redirect message = %q", msg)
	}
	tunnel := &facebook.LoginError{Kind: facebook.ErrRedirectMismatch, URL: "https://shop.ngrok.app/cb"}
	if msg := tunnel.UserMessage(); strings.Contains(msg, "development mode") {
		t.Errorf("https redirect message = %q", msg)
	}
	if got := facebook.UserMessage(&facebook.LoginError{Kind: facebook.ErrBadAppSecret}); got != "The Facebook app secret is wrong: enter facebook-app-secret again, copied from the Meta app dashboard (App settings > Basic)." {
		t.Errorf("bad secret message = %q", got)
	}
	if facebook.UserMessage(nil) != "" || facebook.UserMessage(errors.New("x")) == "" {
		t.Error("UserMessage of nil / unknown")
	}
	if msg := facebook.UserMessage(fmt.Errorf("wrap: %w", facebook.ErrTokenInvalid)); !strings.Contains(msg, "connect Facebook again") {
		t.Errorf("token message = %q", msg)
	}
	if msg := facebook.UserMessage(context.DeadlineExceeded); !strings.Contains(msg, "in time") {
		t.Errorf("timeout message = %q", msg)
	}
}

func TestMeNamesTheUser(t *testing.T) {
	fake, c := loginFake(t, 1)
	tok, err := c.ExchangeCode(t.Context(), loginAppID, loginSecret, redirectURI, login(t, fake))
	if err != nil {
		t.Fatal(err)
	}
	me, err := c.Me(t.Context(), tok.AccessToken)
	if err != nil || me.Name != "Ann Merchant" || me.ID != facebooktest.UserID("Ann Merchant") {
		t.Fatalf("Me = %+v, %v", me, err)
	}
	fake.KillToken(tok.AccessToken, 463)
	if _, err := c.Me(t.Context(), tok.AccessToken); !errors.Is(err, facebook.ErrTokenInvalid) {
		t.Errorf("Me with a dead token: %v", err)
	}
}
