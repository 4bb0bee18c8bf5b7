package connect_test

import (
	"context"
	"errors"
	"html"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/connect"
	"github.com/merchant-inbox/merchant-inbox/sync/facebook/facebooktest"
	"github.com/merchant-inbox/merchant-inbox/sync/shopify/shopifytest"
)

// The front end of a flow: the merchant's browser, and the Prompter.

// ---- the browser ----

// browser plays the merchant's browser: it follows the fakes' consent
// pages over HTTP (Allow, or Cancel when allow is false) and loads the
// callback the provider redirects to, as a browser does, in the
// background.
type browser struct {
	t     *testing.T
	fb    *facebooktest.Server
	shop  *shopifytest.Server
	allow bool
	pages chan finalPage

	mu     sync.Mutex
	opened []string
}

// finalPage is the page the browser ended on.
type finalPage struct {
	status int
	body   string // HTML entities decoded
	err    error
}

func (b *browser) open(ctx context.Context, consent string) error {
	b.mu.Lock()
	b.opened = append(b.opened, consent)
	b.mu.Unlock()
	go func() { b.pages <- b.visit(consent) }()
	return nil
}

func (b *browser) visit(consent string) finalPage {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	var back *url.URL
	var err error
	if strings.Contains(consent, "/dialog/oauth") {
		back, err = b.fb.Authorize(consent, b.allow)
	} else {
		back, err = b.shop.Install(ctx, consent)
	}
	if err != nil {
		return finalPage{err: err}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, back.String(), nil)
	if err != nil {
		return finalPage{err: err}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return finalPage{err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return finalPage{status: resp.StatusCode, body: html.UnescapeString(string(body)), err: err}
}

// final waits for the page the browser ended on.
func (b *browser) final() finalPage {
	b.t.Helper()
	select {
	case p := <-b.pages:
		if p.err != nil {
			b.t.Fatalf("browser: %v", p.err)
		}
		return p
	case <-time.After(limit):
		b.t.Fatal("the browser never came back")
		return finalPage{}
	}
}

// ---- the prompter ----

// prompter is a connect.Prompter that records what it was shown, registers
// the redirect URI with the fakes (as the merchant does once it is shown)
// and answers ChoosePages with choose.
type prompter struct {
	t        *testing.T
	register func(redirect string)
	choose   func(ctx context.Context, pages []connect.Page) ([]string, error)

	mu       sync.Mutex
	calls    []string // method names, in order
	redirect string
	consent  string
	browser  error
	offered  []connect.Page
	notices  []string
	done     string
	waiting  chan struct{} // closed by Waiting
}

func newPrompter(t *testing.T, register func(string)) *prompter {
	return &prompter{t: t, register: register, waiting: make(chan struct{})}
}

func (p *prompter) record(call string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls = append(p.calls, call)
}

func (p *prompter) RedirectURI(uri string) {
	p.record("RedirectURI")
	p.mu.Lock()
	p.redirect = uri
	p.mu.Unlock()
	if p.register != nil {
		p.register(uri)
	}
}

func (p *prompter) ConsentURL(u string, browserErr error) {
	p.record("ConsentURL")
	p.mu.Lock()
	defer p.mu.Unlock()
	p.consent, p.browser = u, browserErr
}

func (p *prompter) Waiting() {
	p.record("Waiting")
	close(p.waiting)
}

func (p *prompter) ChoosePages(ctx context.Context, pages []connect.Page) ([]string, error) {
	p.record("ChoosePages")
	p.mu.Lock()
	p.offered = pages
	p.mu.Unlock()
	if p.choose == nil {
		p.t.Error("ChoosePages asked, but the test expected no question")
		return nil, errors.New("no answer")
	}
	return p.choose(ctx, pages)
}

func (p *prompter) Notice(msg string) {
	p.record("Notice")
	p.mu.Lock()
	defer p.mu.Unlock()
	p.notices = append(p.notices, msg)
}

func (p *prompter) Done(msg string) {
	p.record("Done")
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done = msg
}

// sequence is the calls so far, with repeated Notices folded into one.
func (p *prompter) sequence() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(slices.Compact(slices.Clone(p.calls)), " ")
}

// choosing answers ChoosePages with ids.
func choosing(ids ...string) func(context.Context, []connect.Page) ([]string, error) {
	return func(context.Context, []connect.Page) ([]string, error) { return ids, nil }
}
