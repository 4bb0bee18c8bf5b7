package shopify

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"
)

// RefreshMargin is how long before expiry NeedsRefresh starts saying yes,
// so that a token is never sent in its last minutes.
const RefreshMargin = 5 * time.Minute

// Token is an Admin API access token and what came with it. Zero times mean
// "never expires". The token and refresh token are secrets: Token's String,
// GoString, Format and LogValue never show them. MarshalJSON gives the form
// to keep in the keychain, and nowhere else.
type Token struct {
	AccessToken string
	// Scope is what the merchant actually granted, comma-separated
	// ("read_products,read_orders"): it can differ from what was asked for.
	Scope            string
	RefreshToken     string
	ExpiresAt        time.Time
	RefreshExpiresAt time.Time
}

// NeedsRefresh reports whether the access token expires within
// RefreshMargin of now (or already has). A token without expiry never does.
func (t Token) NeedsRefresh(now time.Time) bool {
	return !t.ExpiresAt.IsZero() && !now.Before(t.ExpiresAt.Add(-RefreshMargin))
}

// CanRefresh reports whether Refresh can renew t at now: it has a refresh
// token that has not expired. Client-credentials tokens cannot be
// refreshed: ask for a new one with ClientCredentials.
func (t Token) CanRefresh(now time.Time) bool {
	return t.RefreshToken != "" && (t.RefreshExpiresAt.IsZero() || now.Before(t.RefreshExpiresAt))
}

// tokenJSON is the keychain form of a Token.
type tokenJSON struct {
	AccessToken      string     `json:"access_token"`
	Scope            string     `json:"scope,omitempty"`
	RefreshToken     string     `json:"refresh_token,omitempty"`
	ExpiresAt        *time.Time `json:"expires_at,omitempty"`
	RefreshExpiresAt *time.Time `json:"refresh_token_expires_at,omitempty"`
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

// MarshalJSON encodes the token, secrets included, for the keychain:
// {"access_token","scope","refresh_token","expires_at","refresh_token_expires_at"}
// with RFC 3339 times, absent when zero.
func (t Token) MarshalJSON() ([]byte, error) {
	return json.Marshal(tokenJSON{
		AccessToken: t.AccessToken, Scope: t.Scope, RefreshToken: t.RefreshToken,
		ExpiresAt: optTime(t.ExpiresAt), RefreshExpiresAt: optTime(t.RefreshExpiresAt),
	})
}

// UnmarshalJSON decodes the form MarshalJSON writes.
func (t *Token) UnmarshalJSON(b []byte) error {
	var w tokenJSON
	if err := json.Unmarshal(b, &w); err != nil {
		// The decoder's error may quote the input, which holds secrets.
		return fmt.Errorf("shopify: stored token is not valid JSON")
	}
	*t = Token{AccessToken: w.AccessToken, Scope: w.Scope, RefreshToken: w.RefreshToken}
	if w.ExpiresAt != nil {
		t.ExpiresAt = *w.ExpiresAt
	}
	if w.RefreshExpiresAt != nil {
		t.RefreshExpiresAt = *w.RefreshExpiresAt
	}
	return nil
}

func redactedMark(s string) string {
	if s == "" {
		return "none"
	}
	return "REDACTED"
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format(time.RFC3339)
}

// String describes the token without its secrets.
func (t Token) String() string {
	return fmt.Sprintf("shopify.Token{access_token:%s scope:%q expires_at:%s refresh_token:%s refresh_expires_at:%s}",
		redactedMark(t.AccessToken), t.Scope, fmtTime(t.ExpiresAt), redactedMark(t.RefreshToken), fmtTime(t.RefreshExpiresAt))
}

// GoString is String, so that %#v does not print the secrets either.
func (t Token) GoString() string { return t.String() }

// Format prints String for every verb, so no verb (%d, %x, %+v) reaches
// the fields.
func (t Token) Format(f fmt.State, _ rune) { fmt.Fprint(f, t.String()) }

// LogValue logs the token without its secrets.
func (t Token) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("access_token", redactedMark(t.AccessToken)),
		slog.String("scope", t.Scope),
		slog.String("expires_at", fmtTime(t.ExpiresAt)),
		slog.String("refresh_token", redactedMark(t.RefreshToken)),
	)
}

// MissingScopes returns the scopes of want that granted (Shopify's
// comma-separated scope string) does not cover, in want's order. A write
// scope implies the matching read scope, as Shopify documents for access
// scopes ("write_products" grants "read_products";
// shopify.dev/docs/api/usage/access-scopes), so only the write scope is
// returned in the token's scope string.
func MissingScopes(granted string, want []string) []string {
	have := map[string]bool{}
	for s := range strings.SplitSeq(granted, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		have[s] = true
		if r, ok := impliedRead(s); ok {
			have[r] = true
		}
	}
	var missing []string
	for _, w := range want {
		w = strings.TrimSpace(w)
		if w == "" || have[w] || slices.Contains(missing, w) {
			continue
		}
		missing = append(missing, w)
	}
	return missing
}

// impliedRead maps write_X to read_X, and unauthenticated_write_X to
// unauthenticated_read_X.
func impliedRead(scope string) (string, bool) {
	for _, p := range []string{"unauthenticated_", ""} {
		if rest, ok := strings.CutPrefix(scope, p+"write_"); ok && rest != "" {
			return p + "read_" + rest, true
		}
	}
	return "", false
}
