package shopify_test

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/shopify"
	"github.com/merchant-inbox/merchant-inbox/sync/shopify/shopifytest"
)

// TestQueryHMACPublishedVector checks the example Shopify publishes for
// callback verification.
func TestQueryHMACPublishedVector(t *testing.T) {
	q, err := url.ParseQuery("code=0907a61c0c8d55e99db179b68161bc00&shop=some-shop.myshopify.com&state=0.6784241404160823&timestamp=1337178173")
	if err != nil {
		t.Fatal(err)
	}
	const want = "700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf"
	if got := hex.EncodeToString(shopify.QueryHMAC(q, "hush")); got != want {
		t.Fatalf("QueryHMAC = %s, want %s", got, want)
	}
	// hmac and signature are left out of the message.
	q.Set("hmac", want)
	q.Set("signature", "legacy")
	if got := hex.EncodeToString(shopify.QueryHMAC(q, "hush")); got != want {
		t.Fatalf("QueryHMAC with hmac and signature = %s, want %s", got, want)
	}
	// The fake signs the same way.
	if got := shopifytest.SignQuery(q, "hush"); got != want {
		t.Fatalf("shopifytest.SignQuery = %s, want %s", got, want)
	}
	// And VerifyCallback accepts it at that moment.
	o := shopify.OAuth{ClientSecret: "hush", Now: func() time.Time { return time.Unix(1337178173+30, 0) }}
	if err := o.VerifyCallback(q, "0.6784241404160823", "some-shop"); err != nil {
		t.Fatalf("VerifyCallback(published vector) = %v", err)
	}
}

// signed builds a callback query signed with secret at ts.
func signed(secret string, ts time.Time, edit func(url.Values)) url.Values {
	q := url.Values{
		"code":      {"0907a61c0c8d55e99db179b68161bc00"},
		"host":      {"YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvYWNtZQ"},
		"shop":      {shopDomain},
		"state":     {"the-state"},
		"timestamp": {strconv.FormatInt(ts.Unix(), 10)},
	}
	if edit != nil {
		edit(q)
	}
	q.Set("hmac", hex.EncodeToString(shopify.QueryHMAC(q, secret)))
	return q
}

func TestVerifyCallback(t *testing.T) {
	o := shopify.OAuth{ClientID: clientID, ClientSecret: clientSecret, Now: func() time.Time { return t0 }}
	tests := []struct {
		name    string
		q       url.Values
		state   string
		shop    string
		wantErr error
	}{
		{"valid", signed(clientSecret, t0, nil), "the-state", "acme", nil},
		{"valid, clock 80s behind", signed(clientSecret, t0.Add(80*time.Second), nil), "the-state", "acme", nil},
		{"valid, 89s old", signed(clientSecret, t0.Add(-89*time.Second), nil), "the-state", shopDomain, nil},
		{"valid, padded base64 host signed form-encoded", func() url.Values {
			q := signed(clientSecret, t0, func(q url.Values) { q.Set("host", "YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvYQ==") })
			// Sign as Shopify's libraries do: sorted, form-encoded.
			q.Del("hmac")
			q.Set("hmac", hmacHex(clientSecret, q.Encode()))
			return q
		}(), "the-state", "acme", nil},

		{"forged state", signed(clientSecret, t0, nil), "other-state", "acme", shopify.ErrStateMismatch},
		{"state not issued", signed(clientSecret, t0, nil), "", "acme", shopify.ErrStateMismatch},
		{"missing state", signed(clientSecret, t0, func(q url.Values) { q.Del("state") }), "the-state", "acme", shopify.ErrStateMismatch},
		{"bad hmac", func() url.Values {
			q := signed(clientSecret, t0, nil)
			q.Set("hmac", strings.Repeat("0", 64))
			return q
		}(), "the-state", "acme", shopify.ErrBadHMAC},
		{"signed with another secret", signed("other-secret", t0, nil), "the-state", "acme", shopify.ErrBadHMAC},
		{"tampered code", func() url.Values {
			q := signed(clientSecret, t0, nil)
			q.Set("code", "attacker-code")
			return q
		}(), "the-state", "acme", shopify.ErrBadHMAC},
		{"missing hmac", func() url.Values {
			q := signed(clientSecret, t0, nil)
			q.Del("hmac")
			return q
		}(), "the-state", "acme", shopify.ErrBadHMAC},
		{"duplicated parameter", func() url.Values {
			q := signed(clientSecret, t0, nil)
			q.Add("code", "second")
			return q
		}(), "the-state", "acme", shopify.ErrBadHMAC},
		{"foreign shop, validly signed", signed(clientSecret, t0, func(q url.Values) { q.Set("shop", "evil.com") }), "the-state", "acme", shopify.ErrBadShop},
		{"other myshopify shop", signed(clientSecret, t0, func(q url.Values) { q.Set("shop", "other.myshopify.com") }), "the-state", "acme", shopify.ErrBadShop},
		{"suffix attack", signed(clientSecret, t0, func(q url.Values) { q.Set("shop", "acme.myshopify.com.evil.com") }), "the-state", "acme", shopify.ErrBadShop},
		{"missing shop", signed(clientSecret, t0, func(q url.Values) { q.Del("shop") }), "the-state", "acme", shopify.ErrBadShop},
		{"stale timestamp", signed(clientSecret, t0.Add(-91*time.Second), nil), "the-state", "acme", shopify.ErrStaleTimestamp},
		{"future timestamp", signed(clientSecret, t0.Add(5*time.Minute), nil), "the-state", "acme", shopify.ErrStaleTimestamp},
		{"missing timestamp", signed(clientSecret, t0, func(q url.Values) { q.Del("timestamp") }), "the-state", "acme", shopify.ErrStaleTimestamp},
		{"malformed timestamp", signed(clientSecret, t0, func(q url.Values) { q.Set("timestamp", "yesterday") }), "the-state", "acme", shopify.ErrStaleTimestamp},
		{"empty query", url.Values{}, "the-state", "acme", shopify.ErrStateMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := o.VerifyCallback(tt.q, tt.state, tt.shop)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("VerifyCallback = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("VerifyCallback = %v, want %v", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), clientSecret) || strings.Contains(err.Error(), tt.q.Get("code")) && tt.q.Get("code") != "" {
				t.Errorf("error leaks a secret: %v", err)
			}
		})
	}
	// No client secret: nothing verifies.
	noSecret := shopify.OAuth{Now: func() time.Time { return t0 }}
	if err := noSecret.VerifyCallback(signed("", t0, nil), "the-state", "acme"); !errors.Is(err, shopify.ErrBadHMAC) {
		t.Fatalf("VerifyCallback without a secret = %v, want ErrBadHMAC", err)
	}
}

// TestInstallFlow runs the whole authorization code grant against the
// fake: consent page, redirect with a real hmac, verification, exchange.
func TestInstallFlow(t *testing.T) {
	fake, clk := newFake(t, "")
	o := newOAuth(fake, clk)
	install := o.InstallURL("acme", redirectURI, "st-123", []string{"read_products", "read_orders"})
	cb, err := fake.Install(t.Context(), install)
	if err != nil {
		t.Fatal(err)
	}
	if got := cb.Scheme + "://" + cb.Host + cb.Path; got != redirectURI {
		t.Fatalf("redirected to %s, want %s", got, redirectURI)
	}
	q := cb.Query()
	for _, k := range []string{"code", "hmac", "host", "shop", "state", "timestamp"} {
		if q.Get(k) == "" {
			t.Errorf("callback lacks %s", k)
		}
	}
	if err := o.VerifyCallback(q, "st-123", "acme"); err != nil {
		t.Fatalf("VerifyCallback(fake's callback) = %v", err)
	}
	clk.Add(10 * time.Second)
	tok, err := o.Exchange(t.Context(), "acme", q.Get("code"), false)
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken == "" || tok.AccessToken != fake.Token(shopDomain) {
		t.Fatalf("access token %q, fake issued %q", tok.AccessToken, fake.Token(shopDomain))
	}
	if tok.Scope != "read_products,read_orders" || !tok.ExpiresAt.IsZero() || tok.RefreshToken != "" {
		t.Fatalf("token = %+v, want non-expiring with the requested scope", tok)
	}
	if tok.NeedsRefresh(clk.Now().Add(365 * 24 * time.Hour)) {
		t.Error("a non-expiring token never needs a refresh")
	}
	// The code is single-use.
	if _, err := o.Exchange(t.Context(), "acme", q.Get("code"), false); !errors.Is(err, shopify.ErrInvalidGrant) {
		t.Fatalf("second exchange = %v, want ErrInvalidGrant", err)
	}
	// The token works.
	if _, err := newClient(fake, clk, tok.AccessToken).Shop(t.Context()); err != nil {
		t.Fatalf("Shop with the new token = %v", err)
	}
	// The fake never records secrets.
	for _, r := range fake.Requests() {
		for _, k := range []string{"client_secret", "code", "refresh_token"} {
			if v := r.Params.Get(k); v != "" && v != "REDACTED" {
				t.Errorf("fake recorded %s = %q", k, v)
			}
		}
	}
}

func TestAuthorizePageRefusals(t *testing.T) {
	fake, clk := newFake(t, "")
	tests := []struct {
		name string
		o    shopify.OAuth
		uri  string
	}{
		{"unknown client id", shopify.OAuth{ClientID: "someone-else", BaseURL: fake.URL}, redirectURI},
		{"redirect not allowed", newOAuth(fake, clk), "https://evil.example/callback"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := fake.Install(t.Context(), tt.o.InstallURL("acme", tt.uri, "s", []string{"read_products"})); err == nil {
				t.Fatal("Install succeeded, want the authorize page to refuse")
			}
		})
	}
}

func TestExpiringTokenRefreshRotates(t *testing.T) {
	fake, clk := newFake(t, "")
	o := newOAuth(fake, clk)
	cb, err := fake.Install(t.Context(), o.InstallURL("acme", redirectURI, "s", []string{"read_products"}))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := o.Exchange(t.Context(), "acme", cb.Query().Get("code"), true)
	if err != nil {
		t.Fatal(err)
	}
	if tok.RefreshToken == "" || !tok.ExpiresAt.Equal(t0.Add(time.Hour)) || !tok.RefreshExpiresAt.Equal(t0.Add(7776000*time.Second)) {
		t.Fatalf("expiring token = %+v (expires %s, refresh expires %s)", tok, tok.ExpiresAt, tok.RefreshExpiresAt)
	}
	if tok.NeedsRefresh(t0.Add(54*time.Minute)) || !tok.NeedsRefresh(t0.Add(55*time.Minute)) || !tok.NeedsRefresh(t0.Add(2*time.Hour)) {
		t.Error("NeedsRefresh must turn true 5 minutes before expiry")
	}
	if !tok.CanRefresh(t0) {
		t.Error("CanRefresh = false for a fresh expiring token")
	}

	clk.Add(56 * time.Minute)
	t2, err := o.Refresh(t.Context(), "acme", tok)
	if err != nil {
		t.Fatal(err)
	}
	if t2.AccessToken == tok.AccessToken || t2.RefreshToken == tok.RefreshToken || t2.RefreshToken == "" {
		t.Fatal("refresh did not rotate both tokens")
	}
	if t2.Scope != "read_products" || !t2.ExpiresAt.Equal(clk.Now().Add(time.Hour)) {
		t.Fatalf("refreshed token = %+v, expires %s", t2, t2.ExpiresAt)
	}
	// The old refresh token is dead, and so is the old access token.
	if _, err := o.Refresh(t.Context(), "acme", tok); !errors.Is(err, shopify.ErrInvalidGrant) {
		t.Fatalf("refresh with the rotated-away token = %v, want ErrInvalidGrant", err)
	}
	if _, err := newClient(fake, clk, tok.AccessToken).Shop(t.Context()); !errors.Is(err, shopify.ErrUnauthorized) {
		t.Fatalf("old access token = %v, want ErrUnauthorized", err)
	}
	if _, err := newClient(fake, clk, t2.AccessToken).Shop(t.Context()); err != nil {
		t.Fatalf("new access token = %v", err)
	}
	// The new one refreshes again.
	if _, err := o.Refresh(t.Context(), "acme", t2); err != nil {
		t.Fatalf("second refresh = %v", err)
	}
	// A token without a refresh token cannot be refreshed.
	if _, err := o.Refresh(t.Context(), "acme", shopify.Token{AccessToken: "x"}); !errors.Is(err, shopify.ErrNoRefreshToken) {
		t.Fatalf("Refresh without refresh token = %v, want ErrNoRefreshToken", err)
	}
}

func TestClientCredentials(t *testing.T) {
	fake, clk := newFake(t, "")
	fake.GrantScopes("write_products,read_orders")
	o := newOAuth(fake, clk)
	tok, err := o.ClientCredentials(t.Context(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	if tok.RefreshToken != "" || tok.CanRefresh(t0) {
		t.Error("client-credentials tokens have no refresh token")
	}
	if !tok.ExpiresAt.Equal(t0.Add(86399 * time.Second)) {
		t.Fatalf("ExpiresAt = %s, want 24 h", tok.ExpiresAt)
	}
	if m := shopify.MissingScopes(tok.Scope, []string{"read_products", "read_orders"}); len(m) != 0 {
		t.Fatalf("MissingScopes = %v, want none (write_products implies read_products)", m)
	}
	if tok.AccessToken != fake.Token("acme") {
		t.Fatal("token is not the one the fake issued")
	}
	// Form-encoded, as the Dev Dashboard guide shows.
	reqs := fake.Requests()
	last := reqs[len(reqs)-1]
	if last.Params.Get("grant_type") != "client_credentials" || last.Params.Get("client_id") != clientID {
		t.Fatalf("request params = %v", last.Params)
	}
}

func TestTokenEndpointErrors(t *testing.T) {
	fake, clk := newFake(t, "")
	good := newOAuth(fake, clk)
	wrongSecret := good
	wrongSecret.ClientSecret = "shpss_wrong-secret-value"
	tests := []struct {
		name    string
		run     func() error
		want    error
		wantMsg string
	}{
		{"wrong secret, exchange", func() error { _, err := wrongSecret.Exchange(t.Context(), "acme", "abc", false); return err }, shopify.ErrBadClientSecret, "shopify-client-secret"},
		{"wrong secret, client credentials", func() error { _, err := wrongSecret.ClientCredentials(t.Context(), "acme"); return err }, shopify.ErrBadClientSecret, "shopify-client-secret"},
		{"unknown code", func() error { _, err := good.Exchange(t.Context(), "acme", "never-issued", true); return err }, shopify.ErrInvalidGrant, "connect"},
		{"empty code", func() error { _, err := good.Exchange(t.Context(), "acme", "", false); return err }, shopify.ErrInvalidGrant, "connect"},
		{"unknown refresh token", func() error {
			_, err := good.Refresh(t.Context(), "acme", shopify.Token{RefreshToken: "shprt_unknown"})
			return err
		}, shopify.ErrInvalidGrant, "connect"},
		{"bad shop", func() error { _, err := good.ClientCredentials(t.Context(), "evil.com"); return err }, shopify.ErrBadShop, "store"},
		{"no secret configured", func() error {
			_, err := (shopify.OAuth{ClientID: clientID, BaseURL: fake.URL}).ClientCredentials(t.Context(), "acme")
			return err
		}, shopify.ErrBadClientSecret, "shopify-client-secret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.run()
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if msg := shopify.UserMessage(err); !strings.Contains(msg, tt.wantMsg) || strings.Count(msg, ".") < 1 {
				t.Errorf("UserMessage = %q, want a sentence mentioning %q", msg, tt.wantMsg)
			}
			for _, secret := range []string{clientSecret, wrongSecret.ClientSecret, "never-issued", "shprt_unknown"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error leaks %q: %v", secret, err)
				}
			}
		})
	}
	// The OAuthError carries the code and description.
	_, err := good.Exchange(t.Context(), "acme", "never-issued", false)
	oe, ok := errors.AsType[*shopify.OAuthError](err)
	if !ok || oe.Code != "invalid_grant" || oe.HTTPStatus != 400 || oe.Description == "" {
		t.Fatalf("OAuthError = %+v, %v", oe, ok)
	}
	// A 5xx at the token endpoint.
	fake.FailNext(503, nil)
	if _, err := good.ClientCredentials(t.Context(), "acme"); !errors.Is(err, shopify.ErrServerError) {
		t.Fatalf("503 = %v, want ErrServerError", err)
	}
}

func TestMissingScopes(t *testing.T) {
	tests := []struct {
		granted string
		want    []string
		missing []string
	}{
		{"read_products,read_orders", []string{"read_products", "read_orders"}, nil},
		{"read_products", []string{"read_products", "read_orders", "read_customers"}, []string{"read_orders", "read_customers"}},
		{"write_products", []string{"read_products"}, nil},
		{"write_products", []string{"write_products", "read_products"}, nil},
		{"read_products", []string{"write_products"}, []string{"write_products"}},
		{" read_products , write_orders ", []string{"read_orders", "read_products"}, nil},
		{"unauthenticated_write_checkouts", []string{"unauthenticated_read_checkouts"}, nil},
		{"", []string{"read_products", "read_products"}, []string{"read_products"}},
		{"read_products", nil, nil},
		{"read_products_extra", []string{"read_products"}, []string{"read_products"}},
	}
	for _, tt := range tests {
		got := shopify.MissingScopes(tt.granted, tt.want)
		if strings.Join(got, ",") != strings.Join(tt.missing, ",") {
			t.Errorf("MissingScopes(%q, %v) = %v, want %v", tt.granted, tt.want, got, tt.missing)
		}
	}
}

func TestTokenJSONRoundTrip(t *testing.T) {
	in := shopify.Token{AccessToken: "shpat_a", Scope: "read_products", RefreshToken: "shprt_b",
		ExpiresAt: t0.Add(time.Hour), RefreshExpiresAt: t0.Add(90 * 24 * time.Hour)}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out shopify.Token
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if out.AccessToken != in.AccessToken || out.RefreshToken != in.RefreshToken || out.Scope != in.Scope ||
		!out.ExpiresAt.Equal(in.ExpiresAt) || !out.RefreshExpiresAt.Equal(in.RefreshExpiresAt) {
		t.Fatalf("round trip: %s -> %+v", b, out)
	}
	// Zero times stay zero ("never").
	b, _ = json.Marshal(shopify.Token{AccessToken: "shpat_a"})
	if strings.Contains(string(b), "expires") {
		t.Fatalf("zero expiry encoded: %s", b)
	}
	var never shopify.Token
	if err := json.Unmarshal(b, &never); err != nil || !never.ExpiresAt.IsZero() {
		t.Fatalf("decoded %+v, %v", never, err)
	}
	// A corrupt keychain entry does not echo its content.
	err = json.Unmarshal([]byte(`{"access_token":"shpat_secret"`), &never)
	if err == nil || strings.Contains(err.Error(), "shpat_secret") {
		t.Fatalf("corrupt token error = %v", err)
	}
}

// TestOAuthErrorMapping drives the token endpoint answers the fake does
// not give through a hand-written server.
func TestOAuthErrorMapping(t *testing.T) {
	tests := []struct {
		status int
		body   string
		want   error
	}{
		{400, `{"error":"invalid_client","error_description":"Client authentication failed"}`, shopify.ErrBadClientSecret},
		{401, `{"errors":"[API] Invalid API key or access token (unrecognized login or wrong password)"}`, shopify.ErrBadClientSecret},
		{400, `{"error":"invalid_grant","error_description":"expired"}`, shopify.ErrInvalidGrant},
		{400, `{"error":"unauthorized_client","error_description":"not allowed"}`, shopify.ErrUnauthorizedClient},
		{404, `<html>Not Found</html>`, shopify.ErrNotFound},
		{502, `bad gateway`, shopify.ErrServerError},
		{200, `{"error":"invalid_grant"}`, shopify.ErrInvalidGrant},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d %s", tt.status, tt.body), func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tt.status)
				w.Write([]byte(tt.body))
			}))
			defer srv.Close()
			o := shopify.OAuth{ClientID: clientID, ClientSecret: clientSecret, BaseURL: srv.URL}
			_, err := o.Exchange(t.Context(), "acme", "c", false)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			for _, other := range []error{shopify.ErrBadClientSecret, shopify.ErrInvalidGrant, shopify.ErrUnauthorizedClient, shopify.ErrNotFound, shopify.ErrServerError} {
				if other != tt.want && errors.Is(err, other) {
					t.Errorf("err also matches %v", other)
				}
			}
		})
	}
}

// TestRefreshKeepsOmittedFields: an answer without scope or refresh token
// keeps the old ones rather than storing empty values.
func TestRefreshKeepsOmittedFields(t *testing.T) {
	var got url.Values
	var contentType string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		contentType = r.Header.Get("Content-Type")
		r.ParseForm()
		got = r.PostForm
		w.Write([]byte(`{"access_token":"shpat_new","expires_in":3600}`))
	}))
	defer srv.Close()
	o := shopify.OAuth{ClientID: clientID, ClientSecret: clientSecret, BaseURL: srv.URL, Now: func() time.Time { return t0 }}
	old := shopify.Token{AccessToken: "shpat_old", Scope: "read_products", RefreshToken: "shprt_old", RefreshExpiresAt: t0.Add(time.Hour * 24)}
	nt, err := o.Refresh(t.Context(), "acme", old)
	if err != nil {
		t.Fatal(err)
	}
	if nt.AccessToken != "shpat_new" || nt.Scope != "read_products" || nt.RefreshToken != "shprt_old" ||
		!nt.RefreshExpiresAt.Equal(old.RefreshExpiresAt) || !nt.ExpiresAt.Equal(t0.Add(time.Hour)) {
		t.Fatalf("refreshed = %+v", nt)
	}
	// The API notes write the refresh form-encoded.
	if contentType != "application/x-www-form-urlencoded" || got.Get("grant_type") != "refresh_token" ||
		got.Get("refresh_token") != "shprt_old" || got.Get("client_id") != clientID || got.Get("client_secret") != clientSecret {
		t.Fatalf("request %s body = %v", contentType, got)
	}
}
