package connect_test

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/merchant-inbox/merchant-inbox/sync/authflow"
	"github.com/merchant-inbox/merchant-inbox/sync/connect"
	"github.com/merchant-inbox/merchant-inbox/sync/fix"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
	"github.com/merchant-inbox/merchant-inbox/sync/tunnel"
)

var localRedirect = regexp.MustCompile(`^http://localhost:[0-9]+/callback/facebook$`)

// TestConnectFacebookChoosesAPage drives the whole sign-in through the
// Prompter: the redirect URI to register, the consent page opened, the
// wait, the choice among the granted Pages, the outcome. Only the chosen
// Page's token, the Page and the connection are stored.
func TestConnectFacebookChoosesAPage(t *testing.T) {
	f := newFixture(t)
	p := newPrompter(t, f.registerFacebook)
	p.choose = choosing("200")

	res, err := f.c.ConnectFacebook(t.Context(), connect.FacebookOptions{Port: connect.AnyPort}, p)
	if err != nil {
		t.Fatalf("ConnectFacebook: %v", err)
	}
	page := f.browser.final()
	if page.status != http.StatusOK || !strings.Contains(page.body, "<h1>Connected to Facebook</h1>") ||
		!strings.Contains(page.body, "Signed in as "+fbUser+". Pages found: Shop One, Shop Two.") {
		t.Errorf("the browser's final page: %d\n%s", page.status, page.body)
	}

	if got := p.sequence(); got != "RedirectURI ConsentURL Waiting ChoosePages Done" {
		t.Errorf("prompter calls %q", got)
	}
	if !localRedirect.MatchString(p.redirect) {
		t.Errorf("redirect URI %q, want http://localhost:PORT/callback/facebook", p.redirect)
	}
	if !strings.HasPrefix(p.consent, f.fb.URL+"/v25.0/dialog/oauth?") || p.browser != nil || f.browser.opened[0] != p.consent {
		t.Errorf("consent %q (browser error %v), opened %v", p.consent, p.browser, f.browser.opened)
	}
	want := []connect.Page{{ID: "100", Name: "Shop One", Category: "Clothing store"}, {ID: "200", Name: "Shop Two", Category: "Shoe store"}}
	if !slices.Equal(p.offered, want) {
		t.Errorf("offered %+v, want %+v", p.offered, want)
	}
	if p.done != "Connected to Facebook as "+fbUser+"; syncing 1 page(s)." || res.Message != p.done {
		t.Errorf("outcome %q, result %q", p.done, res.Message)
	}
	if res.Account != fbUser || !slices.Equal(res.Pages, want[1:]) {
		t.Errorf("result %+v", res)
	}

	if v, ok := f.secret(secrets.PageToken("200")); !ok || v != tokenTwo {
		t.Errorf("token of page 200 = %q (present %v)", v, ok)
	}
	if _, ok := f.secret(secrets.PageToken("100")); ok {
		t.Error("the token of page 100, which was not chosen, is in the keychain")
	}
	pages, err := f.st.Pages(t.Context())
	if err != nil || len(pages) != 1 || pages[0].ID != "200" || pages[0].Name != "Shop Two" || !pages[0].UpdatedAt.Equal(f.now) {
		t.Errorf("pages %+v (%v)", pages, err)
	}
	conn, err := f.st.Connection(t.Context(), store.ProviderFacebook)
	if err != nil || conn.Account != fbUser || !conn.ConnectedAt.Equal(f.now) || conn.Disconnected || !slices.Contains(conn.Scopes, "pages_messaging") {
		t.Errorf("connection %+v (%v)", conn, err)
	}
	if subs := f.fb.Subscriptions("200"); !slices.Contains(subs, "messages") {
		t.Errorf("page 200 subscribed to %v", subs)
	}
	if subs := f.fb.Subscriptions("100"); subs != nil {
		t.Errorf("page 100, not chosen, subscribed to %v", subs)
	}
}

// TestConnectFacebookPagesGiven: pages named by the caller are taken
// without a question; one the merchant did not grant stops the connection.
func TestConnectFacebookPagesGiven(t *testing.T) {
	t.Run("granted", func(t *testing.T) {
		f := newFixture(t)
		p := newPrompter(t, f.registerFacebook)
		res, err := f.c.ConnectFacebook(t.Context(), connect.FacebookOptions{Port: connect.AnyPort, Pages: []string{"200", "100", "200"}}, p)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.sequence(); got != "RedirectURI ConsentURL Waiting Done" {
			t.Errorf("prompter calls %q: want no question", got)
		}
		if len(res.Pages) != 2 || res.Pages[0].ID != "200" || res.Pages[1].ID != "100" {
			t.Errorf("pages %+v, want 200 then 100, once each", res.Pages)
		}
	})
	t.Run("not granted", func(t *testing.T) {
		f := newFixture(t)
		p := newPrompter(t, f.registerFacebook)
		_, err := f.c.ConnectFacebook(t.Context(), connect.FacebookOptions{Port: connect.AnyPort, Pages: []string{"100", "300"}}, p)
		var ng *connect.PageNotGrantedError
		if !errors.As(err, &ng) || ng.ID != "300" || !slices.Equal(ng.Granted, []string{"Shop One", "Shop Two"}) {
			t.Fatalf("err = %v, want page 300 not granted", err)
		}
		if fx, _ := fix.Of(err); fx.Action != fix.SignInFacebook {
			t.Errorf("fix %+v", fx)
		}
		f.nothingConnected(store.ProviderFacebook)
	})
	t.Run("the only page", func(t *testing.T) {
		f := newFixture(t)
		f.fb.AddUser(fbUser, "100")
		p := newPrompter(t, f.registerFacebook)
		res, err := f.c.ConnectFacebook(t.Context(), connect.FacebookOptions{Port: connect.AnyPort}, p)
		if err != nil || len(res.Pages) != 1 || res.Pages[0].ID != "100" {
			t.Fatalf("ConnectFacebook = %+v, %v", res, err)
		}
	})
}

// TestConnectFacebookFailuresStoreNothing: every way the flow can fail
// before the merchant's choice is final leaves nothing behind, and says
// why in a sentence with, where there is one, the fix.
func TestConnectFacebookFailuresStoreNothing(t *testing.T) {
	usage := errors.New("\"7\" is not one of the numbers 1 to 2")
	tests := []struct {
		name    string
		setup   func(f *fixture, p *prompter)
		is      error
		fix     fix.Fix
		message string
	}{
		{
			name:    "declined on the consent page",
			setup:   func(f *fixture, _ *prompter) { f.browser.allow = false },
			is:      authflow.ErrDenied,
			message: "You declined the request",
		},
		{
			name:    "wrong app secret",
			setup:   func(f *fixture, _ *prompter) { f.setSecret(secrets.FacebookAppSecret, "not-the-app-secret") },
			fix:     fix.Fix{Action: fix.SetSecret, Secret: secrets.FacebookAppSecret},
			message: "The Facebook app secret is wrong",
		},
		{
			name: "app id missing",
			setup: func(f *fixture, _ *prompter) {
				if err := f.keys.Delete(context.Background(), secrets.FacebookAppID); err != nil {
					f.t.Fatal(err)
				}
			},
			is:      secrets.ErrNotFound,
			fix:     fix.Fix{Action: fix.SetSecret, Secret: secrets.FacebookAppID},
			message: "facebook-app-id is not set: copy it from the Meta app dashboard",
		},
		{
			name: "a permission not granted",
			setup: func(f *fixture, _ *prompter) {
				f.fb.GrantScopes("pages_show_list", "pages_manage_metadata", "pages_read_engagement")
			},
			fix:     fix.Fix{Action: fix.SignInFacebook},
			message: "did not grant Merchant Inbox these permissions: pages_messaging",
		},
		{
			name: "the chooser's answer refused",
			setup: func(_ *fixture, p *prompter) {
				p.choose = func(context.Context, []connect.Page) ([]string, error) { return nil, usage }
			},
			is: usage,
		},
		{
			name:    "nothing chosen",
			setup:   func(_ *fixture, p *prompter) { p.choose = choosing() },
			is:      connect.ErrNoPageChosen,
			fix:     fix.Fix{Action: fix.SignInFacebook},
			message: "No Page was chosen, so nothing was connected.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			p := newPrompter(t, f.registerFacebook)
			p.choose = choosing("100")
			tt.setup(f, p)
			_, err := f.c.ConnectFacebook(t.Context(), connect.FacebookOptions{Port: connect.AnyPort}, p)
			if err == nil {
				t.Fatal("ConnectFacebook succeeded")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("err = %v, want %v", err, tt.is)
			}
			if got, _ := fix.Of(err); got != tt.fix {
				t.Errorf("fix %+v, want %+v", got, tt.fix)
			}
			if msg := authflow.UserMessage(err); tt.message != "" && !strings.Contains(msg, tt.message) {
				t.Errorf("sentence %q, want %q", msg, tt.message)
			}
			if p.done != "" {
				t.Errorf("Done(%q) after a failure", p.done)
			}
			f.nothingConnected(store.ProviderFacebook)
			for _, secret := range []string{tokenOne, tokenTwo, fbAppSecret} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("the error shows a secret (%.8s…)", secret)
				}
			}
		})
	}
}

// TestConnectFacebookOnAPublicCallback: with a CallbackHost the redirect
// URI is its URL, and the sign-in completes there.
func TestConnectFacebookOnAPublicCallback(t *testing.T) {
	f := newFixture(t)
	f.c.Public = connect.TunnelCallback{Opener: tunnel.Loopback{Addr: "127.0.0.1:0"}}
	p := newPrompter(t, f.registerFacebook)
	p.choose = choosing("100")
	if _, err := f.c.ConnectFacebook(t.Context(), connect.FacebookOptions{Port: connect.AnyPort}, p); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^http://127\.0\.0\.1:[0-9]+/callback/facebook$`).MatchString(p.redirect) {
		t.Errorf("redirect URI %q, want the public endpoint's", p.redirect)
	}
	if page := f.browser.final(); page.status != http.StatusOK || !strings.Contains(page.body, "Connected to Facebook") {
		t.Errorf("final page on the public callback: %d\n%s", page.status, page.body)
	}
}

// TestConnectFacebookReconnects: a page that needed a new sign-in, or that
// the merchant disconnected, is live again after connecting it.
func TestConnectFacebookReconnects(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	if _, err := f.st.Apply(ctx, store.Changes{Pages: []store.Page{{ID: "100", Name: "Shop One"}, {ID: "200", Name: "Shop Two"}}}); err != nil {
		t.Fatal(err)
	}
	if err := f.st.SetNeedsLogin(ctx, "100", true); err != nil {
		t.Fatal(err)
	}
	if err := f.st.SetDisconnected(ctx, "200", true); err != nil {
		t.Fatal(err)
	}
	p := newPrompter(t, f.registerFacebook)
	p.choose = choosing("100", "200")
	if _, err := f.c.ConnectFacebook(ctx, connect.FacebookOptions{Port: connect.AnyPort}, p); err != nil {
		t.Fatal(err)
	}
	pages, err := f.st.Pages(ctx)
	if err != nil || len(pages) != 2 {
		t.Fatalf("pages %+v, %v", pages, err)
	}
	for _, pg := range pages {
		if pg.NeedsLogin || pg.Disconnected {
			t.Errorf("page %s after connecting: %+v", pg.ID, pg)
		}
		if f.fb.Subscriptions(pg.ID) == nil {
			t.Errorf("page %s not subscribed", pg.ID)
		}
	}
}

// exchanges counts the code exchanges the fake Graph API received.
func exchanges(f *fixture) int {
	n := 0
	for _, r := range f.fb.Requests() {
		if strings.HasSuffix(r.Path, "/oauth/access_token") && r.Query.Get("grant_type") != "fb_exchange_token" {
			n++
		}
	}
	return n
}
