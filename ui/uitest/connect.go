package uitest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
	"github.com/merchant-inbox/merchant-inbox/ui"
)

// ErrNotSetUp is a sign-in asked for before the app's credentials are
// saved.
var ErrNotSetUp = errors.New("the app's credentials are not saved yet")

// ConnectFacebook implements ui.Setup, following the script set with
// ScriptConnect, in the order the real sign-in tells its prompter.
func (f *Fake) ConnectFacebook(ctx context.Context, p ui.Prompter) error {
	s, err := f.startSignIn(ui.Facebook, ui.FacebookAppID, ui.FacebookAppSecret)
	if err != nil {
		return err
	}
	defer f.endSignIn()
	if err := f.consent(ctx, FacebookRedirect, s, p); err != nil {
		return err
	}
	chosen := make([]string, 0, len(s.Pages))
	for _, pg := range s.Pages {
		chosen = append(chosen, pg.ID)
	}
	if len(s.Pages) > 1 {
		if chosen, err = p.ChoosePages(ctx, slices.Clone(s.Pages)); err != nil {
			f.noteCancel(ctx)
			return err
		}
	}
	if len(chosen) == 0 {
		return errors.New("no page was chosen")
	}
	for _, id := range chosen {
		i := slices.IndexFunc(s.Pages, func(pg ui.ConnectPage) bool { return pg.ID == id })
		if i < 0 {
			return fmt.Errorf("page %s was not granted", id)
		}
		f.AddPage(store.Page{ID: id, Name: s.Pages[i].Name, Category: s.Pages[i].Category})
	}
	for _, n := range s.Notices {
		p.Notice(n)
	}
	p.Done(fmt.Sprintf("Connected to Facebook as Lila Martin; syncing %d page(s).", len(chosen)))
	return nil
}

// ConnectShopify implements ui.Setup.
func (f *Fake) ConnectShopify(ctx context.Context, shop string, p ui.Prompter) error {
	shop = strings.ToLower(strings.TrimSpace(shop))
	if shop == "" {
		return errors.New("the shop name is empty")
	}
	if !strings.HasSuffix(shop, ".myshopify.com") {
		shop += ".myshopify.com"
	}
	s, err := f.startSignIn(ui.Shopify, ui.ShopifyClientID, ui.ShopifyClientSecret)
	if err != nil {
		return err
	}
	defer f.endSignIn()
	if err := f.consent(ctx, ShopifyRedirect, s, p); err != nil {
		return err
	}
	f.SetShopConnection(shop, "")
	for _, n := range s.Notices {
		p.Notice(n)
	}
	p.Done("Connected to the Shopify shop " + shop + ".")
	return nil
}

func (f *Fake) startSignIn(p ui.Provider, id, secret ui.Secret) (ConnectScript, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.setup.saved[id] == "" || f.setup.saved[secret] == "" {
		return ConnectScript{}, ErrNotSetUp
	}
	f.setup.flows++
	// A return left over from an earlier sign-in must not finish this one.
	select {
	case <-f.backLocked():
	default:
	}
	return f.setup.scripts[p], nil
}

func (f *Fake) endSignIn() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.setup.flows--
}

func (f *Fake) noteCancel(ctx context.Context) {
	if ctx.Err() != nil {
		f.mu.Lock()
		f.setup.cancels++
		f.mu.Unlock()
	}
}

// consent shows the redirect URI and the consent page, and waits for the
// browser to come back.
func (f *Fake) consent(ctx context.Context, redirect string, s ConnectScript, p ui.Prompter) error {
	f.mu.Lock()
	open, back := f.setup.browser, f.backLocked()
	f.mu.Unlock()
	p.RedirectURI(redirect)
	opened := false
	if open != nil && !s.NoBrowser {
		opened = open(s.Consent) == nil
	}
	p.ConsentURL(s.Consent, opened)
	p.Waiting()
	select {
	case <-back:
	case <-ctx.Done():
		f.noteCancel(ctx)
		return ctx.Err()
	}
	return s.Err
}
