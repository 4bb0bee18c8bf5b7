package connect_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/merchant-inbox/merchant-inbox/sync/connect"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

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
