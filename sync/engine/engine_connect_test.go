package engine

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/connect"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
)

// prompter answers a sign-in as a window would, and records what it was
// shown. The merchant registers the redirect URI it shows with the app.
type prompter struct {
	shown    []string
	register func(uri string)
}

func (p *prompter) RedirectURI(uri string) {
	p.shown = append(p.shown, "redirect")
	p.register(uri)
}
func (p *prompter) ConsentURL(string, error) { p.shown = append(p.shown, "consent") }
func (p *prompter) Waiting()                 { p.shown = append(p.shown, "waiting") }
func (p *prompter) Notice(string)            {}
func (p *prompter) Done(string)              { p.shown = append(p.shown, "done") }
func (p *prompter) ChoosePages(_ context.Context, pages []connect.Page) ([]string, error) {
	return []string{pages[0].ID}, nil
}

func TestEngineConnectAddsThePageAndReassembles(t *testing.T) {
	f := newFixture(t)
	const appID = "730000000000009"
	f.fb.AddPage("100", "Shop One", "Clothing store", "token-100")
	f.fb.AddUser("Jane Merchant", "100")
	f.fb.SetApp(appID, testAppSecret)
	if err := f.tokens.Set(t.Context(), secrets.FacebookAppID, appID); err != nil {
		t.Fatal(err)
	}
	browser := func(ctx context.Context, consent string) error {
		go func() {
			back, err := f.fb.Authorize(consent, true)
			if err != nil {
				t.Errorf("consent: %v", err)
				return
			}
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, back.String(), nil)
			if resp, err := http.DefaultClient.Do(req); err != nil {
				t.Errorf("callback: %v", err)
			} else {
				resp.Body.Close()
			}
		}()
		return nil
	}
	eng, events := f.runEngine(t, func(o *Options) { o.FacebookWebURL, o.Browser = f.fb.URL, browser })
	w := &watcher{events: events}
	w.await(t, "the engine running", func(ev Event) bool { return ev.Kind == StateChanged && eng.State().Running })

	w.forget()
	p := &prompter{register: func(uri string) { f.fb.SetApp(appID, testAppSecret, uri) }}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	res, err := eng.ConnectFacebook(ctx, connect.FacebookOptions{Port: connect.AnyPort}, p)
	if err != nil {
		t.Fatalf("ConnectFacebook: %v (prompter saw %v)", err, p.shown)
	}
	if len(res.Pages) != 1 || res.Pages[0].ID != "100" {
		t.Errorf("connected %+v, want page 100", res.Pages)
	}
	if _, err := f.st.Page(t.Context(), "100"); err != nil {
		t.Errorf("page 100 not in the store: %v", err)
	}
	// The engine reassembles with the new page: it stops and runs again.
	w.await(t, "the engine stopping to reassemble", func(ev Event) bool { return ev.Kind == StateChanged && !eng.State().Running })
	w.await(t, "the engine running again", func(ev Event) bool { return ev.Kind == StateChanged && eng.State().Running })
}
