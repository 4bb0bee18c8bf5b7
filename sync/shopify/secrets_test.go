package shopify_test

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/shopify"
)

func assertNoSecrets(t *testing.T, what, s string, secrets ...string) {
	t.Helper()
	for _, sec := range secrets {
		if sec != "" && strings.Contains(s, sec) {
			t.Errorf("%s leaks %q: %s", what, sec, s)
		}
	}
}

func TestSecretsNotPrinted(t *testing.T) {
	tok := shopify.Token{AccessToken: "shpat_AAA", Scope: "read_products", RefreshToken: "shprt_BBB", ExpiresAt: t0}
	o := shopify.OAuth{ClientID: clientID, ClientSecret: clientSecret}
	co := shopify.ClientOptions{Shop: "acme", Token: accessToken}
	c := shopify.NewClient(co)
	wo := shopify.WebhookOptions{ClientSecret: clientSecret, Sink: &recordingSink{}}
	h := shopify.NewWebhookHandler(wo)
	values := []any{tok, &tok, o, &o, co, c, wo, h, struct{ T shopify.Token }{tok}}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%d", "%x", "%q"} {
		for _, v := range values {
			assertNoSecrets(t, fmt.Sprintf("fmt %s of %T", verb, v), fmt.Sprintf(verb, v),
				"shpat_AAA", "shprt_BBB", clientSecret, accessToken, hexOf(clientSecret), hexOf(accessToken), hexOf("shpat_AAA"))
		}
	}
	var buf bytes.Buffer
	for _, hnd := range []slog.Handler{slog.NewJSONHandler(&buf, nil), slog.NewTextHandler(&buf, nil)} {
		l := slog.New(hnd)
		l.Info("x", "token", tok, "oauth", o, "opts", co, "client", c, "webhook", wo)
	}
	assertNoSecrets(t, "slog", buf.String(), "shpat_AAA", "shprt_BBB", clientSecret, accessToken)
	if !strings.Contains(buf.String(), "read_products") {
		t.Error("the log lost the non-secret scope")
	}
}

func hexOf(s string) string { return fmt.Sprintf("%x", s) }

// TestSecretsNotInErrors collects errors from every path that handles a
// secret and checks none quotes it.
func TestSecretsNotInErrors(t *testing.T) {
	fake, clk := newFake(t, "read_products")
	o := newOAuth(fake, clk)
	wrong := o
	wrong.ClientSecret = "shpss_WRONG"
	var errs []error
	add := func(_ any, err error) { errs = append(errs, err) }

	add(wrong.Exchange(t.Context(), "acme", "code-SECRET", true))
	add(o.Exchange(t.Context(), "acme", "code-SECRET", true))
	add(o.Refresh(t.Context(), "acme", shopify.Token{AccessToken: "shpat_OLD", RefreshToken: "shprt_SECRET"}))
	add(wrong.ClientCredentials(t.Context(), "acme"))
	fake.RevokeToken(accessToken)
	add(newClient(fake, clk, accessToken).Shop(t.Context()))

	// A token endpoint and an API that echo the secrets they were sent.
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		buf := new(bytes.Buffer)
		buf.ReadFrom(r.Body)
		if strings.Contains(r.URL.Path, "graphql") {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintf(w, `{"errors":"bad token %s"}`, r.Header.Get("X-Shopify-Access-Token"))
			return
		}
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"error":"invalid_request","error_description":%q}`, "you sent "+buf.String())
	}))
	defer echo.Close()
	eo := shopify.OAuth{ClientID: clientID, ClientSecret: clientSecret, BaseURL: echo.URL}
	add(eo.Exchange(t.Context(), "acme", "code-SECRET", false))
	add(eo.Refresh(t.Context(), "acme", shopify.Token{RefreshToken: "shprt_SECRET"}))
	add(eo.ClientCredentials(t.Context(), "acme"))
	add(shopify.NewClient(shopify.ClientOptions{Shop: "acme", Token: accessToken, BaseURL: echo.URL, Logger: quiet()}).Shop(t.Context()))

	// Transport failures.
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	do := shopify.OAuth{ClientID: clientID, ClientSecret: clientSecret, BaseURL: dead.URL, HTTPClient: &http.Client{Timeout: 2 * time.Second}}
	add(do.Exchange(t.Context(), "acme", "code-SECRET", false))
	add(shopify.NewClient(shopify.ClientOptions{Shop: "acme", Token: accessToken, BaseURL: dead.URL, Logger: quiet()}).Shop(t.Context()))

	for i, err := range errs {
		if err == nil {
			t.Errorf("case %d: want an error", i)
			continue
		}
		assertNoSecrets(t, fmt.Sprintf("error %d", i), err.Error()+" / "+shopify.UserMessage(err),
			clientSecret, "shpss_WRONG", "code-SECRET", "shprt_SECRET", "shpat_OLD", accessToken)
	}
	if !errors.Is(errs[len(errs)-3], shopify.ErrUnauthorized) {
		t.Errorf("echoing API 401 = %v", errs[len(errs)-3])
	}
}
