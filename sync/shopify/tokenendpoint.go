package shopify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
)

const (
	minScrubLen = 4
	// maxTokenResponseBytes bounds a token endpoint answer: a few hundred
	// bytes normally.
	maxTokenResponseBytes = 64 << 10
	defaultOAuthTimeout   = 30 * time.Second
)

// OAuthError is an error answer of the token endpoint,
// {"error":"invalid_grant","error_description":"..."} (RFC 6749 §5.2), or
// any other non-2xx answer there.
type OAuthError struct {
	HTTPStatus  int
	Code        string // "invalid_grant", "invalid_client", ...; "" when the body had none
	Description string // Shopify's text, with every secret of the request scrubbed
}

func (e *OAuthError) Error() string {
	s := fmt.Sprintf("token endpoint error (HTTP %d", e.HTTPStatus)
	if e.Code != "" {
		s += ", " + e.Code
	}
	s += ")"
	if e.Description != "" {
		s += ": " + e.Description
	}
	return s
}

// Is maps the OAuth error codes to sentinels. A wrong client secret is
// invalid_client (RFC 6749 §5.2); an HTTP 401 without a recognised code is
// treated the same way, since the request carried no other credential.
func (e *OAuthError) Is(target error) bool { return target == e.sentinel() }

func (e *OAuthError) sentinel() error {
	switch e.Code {
	case "invalid_grant":
		return ErrInvalidGrant
	case "invalid_client":
		return ErrBadClientSecret
	case "unauthorized_client":
		return ErrUnauthorizedClient
	}
	switch {
	case e.HTTPStatus == http.StatusUnauthorized:
		return ErrBadClientSecret
	case e.HTTPStatus == http.StatusNotFound:
		return ErrNotFound
	case e.HTTPStatus == http.StatusTooManyRequests:
		return ErrThrottled
	case e.HTTPStatus >= 500:
		return ErrServerError
	}
	return nil
}

// UserMessage explains the error to the merchant.
func (e *OAuthError) UserMessage() string {
	if s, ok := e.sentinel().(*sentinel); ok {
		return s.user
	}
	return "Shopify refused to give the app access to the store: " + connectAgain + "."
}

// tokenResponse is the token endpoint's answer: {access_token, scope} or,
// for expiring offline tokens, also expires_in (3600), refresh_token and
// refresh_token_expires_in ("Offline access tokens now support expiry and
// refresh", shopify.dev/changelog, December 2025).
type tokenResponse struct {
	AccessToken           string `json:"access_token"`
	Scope                 string `json:"scope"`
	ExpiresIn             int64  `json:"expires_in"`
	RefreshToken          string `json:"refresh_token"`
	RefreshTokenExpiresIn int64  `json:"refresh_token_expires_in"`
}

// Exchange trades the code of a verified callback for an offline access
// token: POST {shop}/admin/oauth/access_token with JSON
// {client_id, client_secret, code}, plus "expiring":1 when expiring is true
// (the token then lasts an hour and comes with a rotating refresh token).
// Check the granted scope with MissingScopes: the merchant can change it.
func (o OAuth) Exchange(ctx context.Context, shop, code string, expiring bool) (Token, error) {
	if code == "" {
		return Token{}, fmt.Errorf("shopify: exchange: %w: empty authorization code", ErrInvalidGrant)
	}
	body := map[string]any{"client_id": o.ClientID, "client_secret": o.ClientSecret, "code": code}
	if expiring {
		body["expiring"] = 1
	}
	return o.requestToken(ctx, "exchange", shop, body, nil, []string{code})
}

// Refresh renews an expiring offline token with its refresh token
// (grant_type=refresh_token). The refresh token ROTATES: Shopify invalidates
// the old one, so the caller must store the returned Token (refresh token
// included) before using it, or lose access. Scope and refresh token are
// kept from t when the answer omits them.
func (o OAuth) Refresh(ctx context.Context, shop string, t Token) (Token, error) {
	if t.RefreshToken == "" {
		return Token{}, fmt.Errorf("shopify: refresh: %w", ErrNoRefreshToken)
	}
	// Form-encoded, as the OAuth 2.0 refresh grant is and as the API notes
	// write it; only the code exchange is documented as JSON.
	form := url.Values{
		"client_id": {o.ClientID}, "client_secret": {o.ClientSecret},
		"grant_type": {"refresh_token"}, "refresh_token": {t.RefreshToken},
	}
	nt, err := o.requestToken(ctx, "refresh", shop, nil, form, []string{t.RefreshToken, t.AccessToken})
	if err != nil {
		return Token{}, err
	}
	if nt.Scope == "" {
		nt.Scope = t.Scope
	}
	if nt.RefreshToken == "" {
		nt.RefreshToken, nt.RefreshExpiresAt = t.RefreshToken, t.RefreshExpiresAt
	}
	return nt, nil
}

// ClientCredentials gets a token with the client credentials grant, for an
// app owned by the store's own organisation: POST
// {shop}/admin/oauth/access_token, form-encoded
// grant_type=client_credentials&client_id&client_secret, as the Dev
// Dashboard guide shows (shopify.dev/docs/apps/build/dev-dashboard/
// get-api-access-tokens). The token lasts 24 hours and has no refresh
// token: call ClientCredentials again when NeedsRefresh says so.
func (o OAuth) ClientCredentials(ctx context.Context, shop string) (Token, error) {
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {o.ClientID}, "client_secret": {o.ClientSecret}}
	return o.requestToken(ctx, "client credentials", shop, nil, form, nil)
}

// requestToken POSTs a JSON body (or form when jsonBody is nil) to the
// token endpoint. scrub lists request secrets besides the client secret
// that must not appear in an error.
func (o OAuth) requestToken(ctx context.Context, op, shop string, jsonBody map[string]any, form url.Values, scrub []string) (Token, error) {
	fail := func(err error) (Token, error) {
		return Token{}, fmt.Errorf("shopify: %s: %w", op, err)
	}
	if o.ClientID == "" || o.ClientSecret == "" {
		return fail(fmt.Errorf("%w: client id or secret not configured", ErrBadClientSecret))
	}
	u, _, err := Options{BaseURL: o.BaseURL}.endpoint(shop, "/admin/oauth/access_token")
	if err != nil {
		return fail(err)
	}
	var body []byte
	contentType := "application/json"
	if jsonBody != nil {
		if body, err = json.Marshal(jsonBody); err != nil {
			return fail(errors.New("encoding the request failed"))
		}
	} else {
		body, contentType = []byte(form.Encode()), "application/x-www-form-urlencoded"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return fail(errors.New("building the request failed"))
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Accept", "application/json")
	hc := o.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: defaultOAuthTimeout}
	}
	sent := o.now()
	resp, err := hc.Do(req)
	if err != nil {
		return fail(transportError(err))
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxTokenResponseBytes+1))
	if err != nil {
		return fail(fmt.Errorf("reading the answer: %w", transportError(err)))
	}
	if len(raw) > maxTokenResponseBytes {
		return fail(fmt.Errorf("answer larger than %d bytes", maxTokenResponseBytes))
	}
	secrets := append([]string{o.ClientSecret}, scrub...)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fail(parseOAuthError(resp.StatusCode, raw, secrets))
	}
	var tr tokenResponse
	if err := json.Unmarshal(raw, &tr); err != nil {
		return fail(errors.New("the answer is not the documented token JSON"))
	}
	if tr.AccessToken == "" {
		// Some OAuth servers answer 200 with an error object.
		if oe := parseOAuthError(resp.StatusCode, raw, secrets); oe.Code != "" {
			return fail(oe)
		}
		return fail(errors.New("the answer holds no access_token"))
	}
	// Expiry counts from when the request was sent: never later than
	// Shopify's own clock.
	t := Token{AccessToken: tr.AccessToken, Scope: tr.Scope, RefreshToken: tr.RefreshToken}
	if tr.ExpiresIn > 0 {
		t.ExpiresAt = sent.Add(time.Duration(tr.ExpiresIn) * time.Second)
	}
	if tr.RefreshTokenExpiresIn > 0 {
		t.RefreshExpiresAt = sent.Add(time.Duration(tr.RefreshTokenExpiresIn) * time.Second)
	}
	return t, nil
}

// parseOAuthError reads {"error","error_description"}, or Shopify's
// {"errors": "..."} shape, from a token endpoint answer.
func parseOAuthError(status int, raw []byte, secrets []string) *OAuthError {
	var w struct {
		Error       string          `json:"error"`
		Description string          `json:"error_description"`
		Errors      json.RawMessage `json:"errors"`
	}
	e := &OAuthError{HTTPStatus: status}
	if json.Unmarshal(raw, &w) == nil {
		e.Code, e.Description = w.Error, w.Description
		if e.Description == "" && len(w.Errors) > 0 {
			e.Description = errorsText(w.Errors)
		}
	}
	if e.Code == "" && e.Description == "" {
		e.Description = http.StatusText(status)
	}
	// Error codes are a fixed vocabulary (RFC 6749 §5.2): anything else is
	// not trusted to be free of secrets.
	if !oauthCode.MatchString(e.Code) {
		e.Code = ""
	}
	e.Description = truncate(scrubSecrets(e.Description, secrets), 300)
	return e
}

var oauthCode = regexp.MustCompile(`^[a-z_]{1,64}$`)

// errorsText reads Shopify's REST-style "errors" member: a string, a list
// of strings, or an object of field -> messages.
func errorsText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var list []string
	if json.Unmarshal(raw, &list) == nil {
		return strings.Join(list, "; ")
	}
	var items []struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(raw, &items) == nil {
		var msgs []string
		for _, it := range items {
			msgs = append(msgs, it.Message)
		}
		return strings.Join(msgs, "; ")
	}
	var obj map[string]any
	if json.Unmarshal(raw, &obj) == nil {
		var parts []string
		for _, k := range slices.Sorted(maps.Keys(obj)) {
			parts = append(parts, fmt.Sprintf("%s: %v", k, obj[k]))
		}
		return strings.Join(parts, "; ")
	}
	return ""
}

// scrubSecrets replaces every secret in s. Values shorter than
// minScrubLen are not secrets worth the name (and replacing them would
// mangle the text).
func scrubSecrets(s string, secrets []string) string {
	for _, sec := range secrets {
		if len(sec) >= minScrubLen {
			s = strings.ReplaceAll(s, sec, "[REDACTED]")
		}
	}
	return s
}

// transportError drops the *url.Error layer net/http adds (its text repeats
// the URL); the cause stays available to errors.Is/As.
func transportError(err error) error {
	if ue, ok := errors.AsType[*url.Error](err); ok {
		return ue.Err
	}
	return err
}
