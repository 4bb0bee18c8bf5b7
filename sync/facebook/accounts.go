package facebook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"
)

// Account is a Page the signed-in user manages, with its page token, as
// listed by GET /me/accounts. fmt, slog and encoding/json all show it with
// the token redacted: store AccessToken in the keychain by field.
type Account struct {
	ID, Name, Category string
	AccessToken        string   // page token; does not expire when read with a long-lived user token
	Tasks              []string // what the user may do on the Page, e.g. MESSAGING, MODERATE, MANAGE
}

// Page returns the Page part of the account.
func (a Account) Page() Page { return Page{ID: a.ID, Name: a.Name, Category: a.Category} }

func (a Account) String() string {
	return fmt.Sprintf("Account{ID:%s, Name:%q, Category:%q, AccessToken:%s, Tasks:%v}",
		a.ID, a.Name, a.Category, redactedText(a.AccessToken), a.Tasks)
}

// Format makes every fmt verb print String.
func (a Account) Format(f fmt.State, _ rune) { io.WriteString(f, a.String()) }

// LogValue implements slog.LogValuer.
func (a Account) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("id", a.ID),
		slog.String("name", a.Name),
		slog.String("access_token", redactedText(a.AccessToken)),
		slog.Any("tasks", a.Tasks))
}

// MarshalJSON encodes the account with the token redacted, so a slice of
// accounts logged or printed as JSON cannot leak page tokens.
func (a Account) MarshalJSON() ([]byte, error) {
	return json.Marshal(wireAccount{ID: a.ID, Name: a.Name, Category: a.Category, AccessToken: redactedText(a.AccessToken), Tasks: a.Tasks})
}

type wireAccount struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Category    string   `json:"category"`
	AccessToken string   `json:"access_token"`
	Tasks       []string `json:"tasks"`
}

func (w wireAccount) account() Account {
	return Account{ID: w.ID, Name: w.Name, Category: w.Category, AccessToken: w.AccessToken, Tasks: w.Tasks}
}

// Accounts lists the Pages the user token's owner granted the app, with
// their page tokens: GET /me/accounts?fields=id,name,category,access_token,tasks,
// following paging.next. An empty list after a login means the merchant
// selected no Page (see CheckGrant). On an error the sequence yields it
// once and ends; a dead user token is ErrTokenInvalid.
func (c *Client) Accounts(ctx context.Context, userToken string) iter.Seq2[Account, error] {
	u, err := c.endpoint(url.Values{"fields": {"id,name,category,access_token,tasks"}}, "me", "accounts")
	return paginate(ctx, c, u, err, userToken, wireAccount.account)
}

// TokenInfo is what GET /debug_token says about a token.
type TokenInfo struct {
	IsValid bool
	// ExpiresAt is when the token dies; zero means never (page tokens read
	// with a long-lived user token).
	ExpiresAt time.Time
	// DataAccessExpiresAt is when the app loses access to the user's data
	// unless they sign in again (about 90 days); zero when not reported.
	DataAccessExpiresAt time.Time
	Scopes              []string // permissions granted
	AppID, UserID       string
	Type                string // "USER", "PAGE" or "APP"
}

// MissingScopes returns the members of required that Scopes lacks.
func (i TokenInfo) MissingScopes(required []string) []string {
	var missing []string
	for _, s := range required {
		if !slices.Contains(i.Scopes, s) {
			missing = append(missing, s)
		}
	}
	return missing
}

type wireDebugToken struct {
	Data struct {
		AppID               flexString `json:"app_id"`
		Type                string     `json:"type"`
		IsValid             bool       `json:"is_valid"`
		ExpiresAt           flexString `json:"expires_at"`
		DataAccessExpiresAt flexString `json:"data_access_expires_at"`
		Scopes              []string   `json:"scopes"`
		UserID              flexString `json:"user_id"`
	} `json:"data"`
}

func unixSeconds(f flexString) time.Time {
	n, err := strconv.ParseInt(string(f), 10, 64)
	if err != nil || n <= 0 {
		return time.Time{}
	}
	return time.Unix(n, 0).UTC()
}

// DebugToken inspects token with the app access token:
// GET /debug_token?input_token=... A token Meta knows to be dead is not an
// error: it comes back with IsValid false. Wrong app credentials are
// ErrBadAppSecret. Meta never announces a token's death, so check daily.
func (c *Client) DebugToken(ctx context.Context, appID, appSecret, token string) (TokenInfo, error) {
	if err := checkApp(appID, appSecret); err != nil {
		return TokenInfo{}, err
	}
	if token == "" {
		return TokenInfo{}, errors.New("facebook: DebugToken needs a token to inspect")
	}
	u, err := c.endpoint(url.Values{"input_token": {token}}, "debug_token")
	if err != nil {
		return TokenInfo{}, err
	}
	var w wireDebugToken
	if err := c.loginDo(ctx, http.MethodGet, u, appToken(appID, appSecret), &w, appSecret, token); err != nil {
		return TokenInfo{}, classifyLogin(err, true, "", "")
	}
	d := w.Data
	return TokenInfo{
		IsValid:             d.IsValid,
		ExpiresAt:           unixSeconds(d.ExpiresAt),
		DataAccessExpiresAt: unixSeconds(d.DataAccessExpiresAt),
		Scopes:              d.Scopes,
		AppID:               string(d.AppID),
		UserID:              string(d.UserID),
		Type:                d.Type,
	}, nil
}

// CheckGrant checks what a login granted: the user token info must be
// valid, hold every scope in required (DefaultScopes() when nil), and the
// merchant must have selected at least one Page. It returns nil or a
// *LoginError of kind ErrMissingPermission naming the missing scopes (none
// named when no Page came back).
func CheckGrant(info TokenInfo, accounts []Account, required []string) error {
	if !info.IsValid {
		return fmt.Errorf("facebook: the token from the sign-in is not valid: %w", ErrTokenInvalid)
	}
	if required == nil {
		required = DefaultScopes()
	}
	if missing := info.MissingScopes(required); len(missing) > 0 {
		return missingScopesError(missing)
	}
	if len(accounts) == 0 {
		return missingScopesError(nil)
	}
	return nil
}

// Me reads who the user token belongs to (GET /me?fields=id,name), so the
// app can say whom it is connected as.
func (c *Client) Me(ctx context.Context, userToken string) (Participant, error) {
	u, err := c.endpoint(url.Values{"fields": {"id,name"}}, "me")
	if err != nil {
		return Participant{}, err
	}
	var w wireParticipant
	if err := c.do(ctx, http.MethodGet, u, userToken, nil, &w); err != nil {
		return Participant{}, err
	}
	return w.participant(), nil
}
