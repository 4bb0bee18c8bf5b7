package facebook

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DefaultWebURL is the host of the Login dialog (www.facebook.com) when no
// override is configured; tests point it at facebooktest.Server.URL.
const DefaultWebURL = "https://www.facebook.com"

// DefaultScopes returns the permissions Merchant Inbox asks for: list the
// merchant's Pages, read and answer Messenger conversations, subscribe
// Pages to webhooks, and read Page details. Each call returns a fresh slice.
func DefaultScopes() []string {
	return []string{"pages_show_list", "pages_messaging", "pages_manage_metadata", "pages_read_engagement"}
}

// DialogURL returns the Login dialog address to open in the merchant's
// browser:
//
//	{webURL}/v25.0/dialog/oauth?client_id=..&redirect_uri=..&state=..&response_type=code&scope=a,b
//
// An empty webURL means DefaultWebURL; nil scopes mean DefaultScopes().
// state must be an unguessable value (NewState) checked by ParseCallback.
func DialogURL(webURL, appID, redirectURI, state string, scopes []string) string {
	if webURL == "" {
		webURL = DefaultWebURL
	}
	if scopes == nil {
		scopes = DefaultScopes()
	}
	esc := make([]string, len(scopes))
	for i, s := range scopes {
		esc[i] = url.QueryEscape(s)
	}
	return strings.TrimRight(webURL, "/") + "/" + APIVersion + "/dialog/oauth" +
		"?client_id=" + url.QueryEscape(appID) +
		"&redirect_uri=" + url.QueryEscape(redirectURI) +
		"&state=" + url.QueryEscape(state) +
		"&response_type=code" +
		"&scope=" + strings.Join(esc, ",")
}

// NewState returns a fresh random state for DialogURL (128 bits or more).
func NewState() string { return rand.Text() }

// ParseCallback checks the query of the request the dialog redirected the
// browser to and returns the authorization code. The state must equal the
// one put in DialogURL (compared in constant time); a mismatch, which is an
// old tab or a forged request, is ErrCodeExpired. Cancel on the dialog
// (error=access_denied / error_reason=user_denied) is ErrLoginCanceled.
func ParseCallback(query url.Values, state string) (code string, err error) {
	got := query.Get("state")
	if state == "" || subtle.ConstantTimeCompare([]byte(got), []byte(state)) != 1 {
		return "", &LoginError{Kind: ErrCodeExpired, Err: errors.New("facebook: login callback state does not match the one issued")}
	}
	if e, reason := query.Get("error"), query.Get("error_reason"); e != "" || reason != "" {
		if e == "access_denied" || reason == "user_denied" {
			return "", &LoginError{Kind: ErrLoginCanceled}
		}
		return "", fmt.Errorf("facebook: login dialog answered error %q (code %q, reason %q)",
			clip(e), clip(query.Get("error_code")), clip(reason))
	}
	code = query.Get("code")
	if code == "" {
		return "", errors.New("facebook: login callback carries no code")
	}
	return code, nil
}

// clip bounds attacker-controlled callback text before it enters an error.
func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}

// UserToken is a user access token from ExchangeCode or LongLivedToken.
// fmt (every verb), slog and encoding/json show it redacted: store
// AccessToken in the keychain by field.
type UserToken struct {
	AccessToken string
	// ExpiresIn is the lifetime Meta announced, counted from the answer
	// (about an hour or two for a short-lived token, ~60 days for a
	// long-lived one); 0 when Meta sent none.
	ExpiresIn time.Duration
}

func (t UserToken) String() string {
	return fmt.Sprintf("UserToken{AccessToken:%s, ExpiresIn:%s}", redactedText(t.AccessToken), t.ExpiresIn)
}

// Format makes every fmt verb print String, so %d or %#v cannot reveal the
// token either.
func (t UserToken) Format(f fmt.State, _ rune) { io.WriteString(f, t.String()) }

// LogValue implements slog.LogValuer.
func (t UserToken) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("access_token", redactedText(t.AccessToken)),
		slog.Duration("expires_in", t.ExpiresIn))
}

// MarshalJSON encodes the token redacted.
func (t UserToken) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]any{"access_token": redactedText(t.AccessToken), "expires_in": int64(t.ExpiresIn / time.Second)})
}

func redactedText(secret string) string {
	if secret == "" {
		return `""`
	}
	return "[REDACTED]"
}

// wireUserToken is the token endpoint's answer:
// {"access_token":"..","token_type":"bearer","expires_in":5183944}.
type wireUserToken struct {
	AccessToken string     `json:"access_token"`
	TokenType   string     `json:"token_type"`
	ExpiresIn   flexString `json:"expires_in"`
}

func (w wireUserToken) token(u *url.URL) (UserToken, error) {
	if w.AccessToken == "" {
		return UserToken{}, fmt.Errorf("facebook: GET %s: answer has no access_token", u.Path)
	}
	t := UserToken{AccessToken: w.AccessToken}
	if n, err := strconv.ParseInt(string(w.ExpiresIn), 10, 64); err == nil && n > 0 {
		t.ExpiresIn = time.Duration(n) * time.Second
	}
	return t, nil
}

// ExchangeCode trades the code from the dialog's redirect for a short-lived
// user token: GET /oauth/access_token?client_id&redirect_uri&client_secret&code.
// redirectURI must be byte-for-byte the one given to DialogURL. Failures the
// merchant can fix are *LoginError: ErrBadAppSecret, ErrRedirectMismatch,
// ErrCodeExpired. Neither the secret nor the code appears in any error.
func (c *Client) ExchangeCode(ctx context.Context, appID, appSecret, redirectURI, code string) (UserToken, error) {
	if err := checkApp(appID, appSecret); err != nil {
		return UserToken{}, err
	}
	if redirectURI == "" || code == "" {
		return UserToken{}, errors.New("facebook: ExchangeCode needs the redirect URI and the code")
	}
	u, err := c.endpoint(url.Values{
		"client_id":     {appID},
		"redirect_uri":  {redirectURI},
		"client_secret": {appSecret},
		"code":          {code},
	}, "oauth", "access_token")
	if err != nil {
		return UserToken{}, err
	}
	var w wireUserToken
	if err := c.loginDo(ctx, http.MethodGet, u, "", &w, appSecret, code); err != nil {
		return UserToken{}, classifyLogin(err, false, redirectURI, "")
	}
	return w.token(u)
}

// LongLivedToken exchanges a short-lived user token for a long-lived one
// (~60 days): GET /oauth/access_token?grant_type=fb_exchange_token&client_id&client_secret&fb_exchange_token.
// Page tokens read with the long-lived token (Accounts) do not expire.
func (c *Client) LongLivedToken(ctx context.Context, appID, appSecret, shortLived string) (UserToken, error) {
	if err := checkApp(appID, appSecret); err != nil {
		return UserToken{}, err
	}
	if shortLived == "" {
		return UserToken{}, errors.New("facebook: LongLivedToken needs the short-lived token")
	}
	u, err := c.endpoint(url.Values{
		"grant_type":        {"fb_exchange_token"},
		"client_id":         {appID},
		"client_secret":     {appSecret},
		"fb_exchange_token": {shortLived},
	}, "oauth", "access_token")
	if err != nil {
		return UserToken{}, err
	}
	var w wireUserToken
	if err := c.loginDo(ctx, http.MethodGet, u, "", &w, appSecret, shortLived); err != nil {
		return UserToken{}, classifyLogin(err, false, "", "")
	}
	return w.token(u)
}

// checkApp refuses credentials that cannot be right, without quoting them:
// app IDs are numeric, so a pasted secret or app name is caught here.
func checkApp(appID, appSecret string) error {
	if appID == "" || strings.Trim(appID, "0123456789") != "" {
		return errors.New("facebook: the app ID must be the numeric ID shown in the Meta app dashboard")
	}
	if appSecret == "" {
		return errors.New("facebook: the app secret is empty")
	}
	return nil
}

// appToken is the app access token Graph accepts for app-level calls.
func appToken(appID, appSecret string) string { return appID + "|" + appSecret }

// loginDo sends a Login or app-token call and decodes the JSON answer into
// out. Unlike do, bearer may be empty (the OAuth endpoints authenticate with
// client_secret in the query) and every value in secrets is scrubbed from
// Graph's message before any error text is built. Like do, errors name the
// method and path only, never the query.
func (c *Client) loginDo(ctx context.Context, method string, u *url.URL, bearer string, out any, secrets ...string) error {
	return c.loginSend(ctx, method, u, bearer, nil, out, secrets...)
}

func (c *Client) loginSend(ctx context.Context, method string, u *url.URL, bearer string, form url.Values, out any, secrets ...string) error {
	if err := c.roundTrip(ctx, method, u, bearer, form, out, secrets); err != nil {
		return fmt.Errorf("facebook: %s %s: %w", method, u.Path, err)
	}
	return nil
}
