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

// TestConnectFacebookCancel: the window's Cancel (ctx) while the browser
// is away or while the merchant chooses leaves nothing behind; the browser
// coming back afterwards is told the app stopped waiting.
func TestConnectFacebookCancel(t *testing.T) {
	t.Run("while waiting for the browser", func(t *testing.T) {
		f := newFixture(t)
		f.c.Browser = nil // the merchant has not opened the page yet
		p := newPrompter(t, f.registerFacebook)
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() {
			_, err := f.c.ConnectFacebook(ctx, connect.FacebookOptions{Port: connect.AnyPort}, p)
			done <- err
		}()
		<-p.waiting
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		if !errors.Is(p.browser, connect.ErrNoBrowser) {
			t.Errorf("ConsentURL told %v, want ErrNoBrowser", p.browser)
		}
		// The merchant comes back to the tab later: the server is gone.
		if page := f.browser.visit(p.consent); page.err == nil && page.status == http.StatusOK {
			t.Errorf("a late callback was answered %d:\n%s", page.status, page.body)
		}
		f.nothingConnected(store.ProviderFacebook)
		if n := exchanges(f); n != 0 {
			t.Errorf("%d code exchanges after Cancel", n)
		}
	})
	t.Run("while choosing pages", func(t *testing.T) {
		f := newFixture(t)
		p := newPrompter(t, f.registerFacebook)
		ctx, cancel := context.WithCancel(t.Context())
		p.choose = func(ctx context.Context, _ []connect.Page) ([]string, error) {
			cancel() // the Cancel button under the checklist
			<-ctx.Done()
			return nil, ctx.Err()
		}
		if _, err := f.c.ConnectFacebook(ctx, connect.FacebookOptions{Port: connect.AnyPort}, p); !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		f.nothingConnected(store.ProviderFacebook)
	})
	t.Run("the choice made as Cancel is pressed", func(t *testing.T) {
		f := newFixture(t)
		p := newPrompter(t, f.registerFacebook)
		ctx, cancel := context.WithCancel(t.Context())
		p.choose = func(context.Context, []connect.Page) ([]string, error) {
			cancel()
			return []string{"100"}, nil
		}
		if _, err := f.c.ConnectFacebook(ctx, connect.FacebookOptions{Port: connect.AnyPort}, p); !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		f.nothingConnected(store.ProviderFacebook)
	})
}

// cancelling is a keychain that cancels a context on its first write: the
// Cancel button pressed while the connection is being stored.
type cancelling struct {
	connect.Secrets
	cancel context.CancelFunc
}

func (c cancelling) Set(ctx context.Context, n secrets.Name, v string) error {
	c.cancel()
	return c.Secrets.Set(ctx, n, v)
}

// TestConnectFacebookFinishesOnceWriting: a Cancel that comes while the
// connection is being written does not leave it half written: every
// token, page and the connection land.
func TestConnectFacebookFinishesOnceWriting(t *testing.T) {
	f := newFixture(t)
	p := newPrompter(t, f.registerFacebook)
	p.choose = choosing("100", "200")
	ctx, cancel := context.WithCancel(t.Context())
	f.c.Secrets = cancelling{Secrets: f.keys, cancel: cancel}
	if _, err := f.c.ConnectFacebook(ctx, connect.FacebookOptions{Port: connect.AnyPort}, p); err != nil {
		t.Fatalf("ConnectFacebook: %v", err)
	}
	for id, want := range map[string]string{"100": tokenOne, "200": tokenTwo} {
		if v, _ := f.secret(secrets.PageToken(id)); v != want {
			t.Errorf("token of page %s missing", id)
		}
	}
	if pages, _ := f.st.Pages(t.Context()); len(pages) != 2 {
		t.Errorf("pages %+v, want both", pages)
	}
	if _, err := f.st.Connection(t.Context(), store.ProviderFacebook); err != nil {
		t.Errorf("connection: %v", err)
	}
	// Subscribing comes after the writes and went with the cancelled
	// context: not fatal, and said.
	if len(p.notices) != 2 || !strings.Contains(p.notices[0], "could not subscribe to its webhooks yet") {
		t.Errorf("notices %q", p.notices)
	}
}

// failing is a keychain whose writes of one name fail.
type failing struct {
	connect.Secrets
	name secrets.Name
}

func (k failing) Set(ctx context.Context, n secrets.Name, v string) error {
	if n == k.name {
		return errors.New("the keychain refused the write")
	}
	return k.Secrets.Set(ctx, n, v)
}

// TestConnectFacebookPutsTheKeychainBack: when storing the second page's
// token fails, the first page's token is put back as it was (the old one
// restored, not the new one left), and nothing reaches the database.
func TestConnectFacebookPutsTheKeychainBack(t *testing.T) {
	f := newFixture(t)
	f.setSecret(secrets.PageToken("100"), "EAAold-token-100")
	p := newPrompter(t, f.registerFacebook)
	p.choose = choosing("100", "200")
	f.c.Secrets = failing{Secrets: f.keys, name: secrets.PageToken("200")}
	_, err := f.c.ConnectFacebook(t.Context(), connect.FacebookOptions{Port: connect.AnyPort}, p)
	if err == nil || !strings.Contains(err.Error(), "page 200") {
		t.Fatalf("err = %v, want the failed write of page 200's token", err)
	}
	if v, _ := f.secret(secrets.PageToken("100")); v != "EAAold-token-100" {
		t.Errorf("token of page 100 = %q, want the old one back", v)
	}
	if _, ok := f.secret(secrets.PageToken("200")); ok {
		t.Error("token of page 200 stored")
	}
	if pages, _ := f.st.Pages(t.Context()); len(pages) != 0 {
		t.Errorf("pages %+v stored", pages)
	}
	if _, err := f.st.Connection(t.Context(), store.ProviderFacebook); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("connection recorded: %v", err)
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
