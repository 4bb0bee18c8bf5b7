package connect

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/merchant-inbox/merchant-inbox/sync/authflow"
	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
	"github.com/merchant-inbox/merchant-inbox/sync/fix"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// FacebookOptions are the choices of one Facebook sign-in.
type FacebookOptions struct {
	// Port is the callback port on 127.0.0.1: 0 means
	// DefaultCallbackPort, AnyPort a free one.
	Port int
	// Pages are the IDs of the Pages to sync. Empty: the only Page
	// granted, or those the Prompter chooses.
	Pages []string
}

// FacebookResult is a completed Facebook connection.
type FacebookResult struct {
	Account string // the Facebook user who signed in
	Pages   []Page // the Pages now synced
	Message string // the outcome sentence, as given to Prompter.Done
}

// ErrNoPageChosen: the merchant chose none of the Pages they granted, so
// nothing was connected.
var ErrNoPageChosen = fix.Explain(errors.New("connect: no page chosen"),
	"No Page was chosen, so nothing was connected.", fix.Fix{Action: fix.SignInFacebook})

// PageNotGrantedError is a Page the caller asked for that the merchant
// did not grant in this sign-in.
type PageNotGrantedError struct {
	ID      string
	Granted []string // the names of the Pages granted
}

func (e *PageNotGrantedError) Error() string {
	return fmt.Sprintf("page %s was not granted in this sign-in (granted: %s)", e.ID, strings.Join(e.Granted, ", "))
}

func (e *PageNotGrantedError) UserMessage() string {
	return fmt.Sprintf("Page %s was not granted in this sign-in (granted: %s), so nothing was connected. "+
		"Start again and select it on the Facebook screen.", e.ID, strings.Join(e.Granted, ", "))
}

func (e *PageNotGrantedError) Fix() fix.Fix { return fix.Fix{Action: fix.SignInFacebook} }

// facebookLogin is what the browser sign-in produced.
type facebookLogin struct {
	user     facebook.Participant
	scopes   []string
	accounts []facebook.Account
}

// ConnectFacebook signs the merchant in with Facebook Login in the
// browser, keeps the chosen Pages' tokens in the keychain and the Pages in
// the database (clearing a needs-sign-in or disconnected mark), records
// the connection, and subscribes the Pages to the app's webhooks. Nothing
// is stored when the sign-in fails, ctx ends before the merchant has
// chosen, or the Prompter returns an error.
func (c *Connector) ConnectFacebook(ctx context.Context, o FacebookOptions, p Prompter) (FacebookResult, error) {
	appID, err := c.requiredSecret(ctx, secrets.FacebookAppID)
	if err != nil {
		return FacebookResult{}, err
	}
	appSecret, err := c.requiredSecret(ctx, secrets.FacebookAppSecret)
	if err != nil {
		return FacebookResult{}, err
	}
	graph := c.graph(appSecret)
	var login facebookLogin
	err = c.signIn(ctx, o.Port, p, FacebookCallbackPath,
		func(redirect, state string) string {
			return facebook.DialogURL(c.FacebookWebURL, appID, redirect, state, facebook.DefaultScopes())
		},
		func(redirect, state string) authflow.Callback {
			return func(ctx context.Context, q url.Values) (authflow.Outcome, error) {
				l, err := facebookCallback(ctx, graph, appID, appSecret, redirect, state, q)
				if err != nil {
					return authflow.Outcome{}, err
				}
				login = l
				return authflow.Outcome{
					Title:   "Connected to Facebook",
					Message: fmt.Sprintf("Signed in as %s. Pages found: %s. Return to Merchant Inbox to finish.", l.user.Name, accountNames(l.accounts)),
				}, nil
			}
		})
	if err != nil {
		return FacebookResult{}, err
	}

	chosen, err := choosePages(ctx, login.accounts, o.Pages, p)
	if err != nil {
		return FacebookResult{}, err
	}
	if err := ctx.Err(); err != nil {
		return FacebookResult{}, err
	}
	if err := c.commitFacebook(ctx, login, chosen); err != nil {
		return FacebookResult{}, err
	}

	res := FacebookResult{Account: login.user.Name}
	for _, a := range chosen {
		res.Pages = append(res.Pages, Page{ID: a.ID, Name: a.Name, Category: a.Category})
		if err := graph.SubscribePage(ctx, a.ID, a.AccessToken, facebook.DefaultPageFields()); err != nil {
			// Not fatal: polling works without it, and the engine
			// subscribes every page again whenever its tunnel comes up.
			p.Notice(fmt.Sprintf("page %s: could not subscribe to its webhooks yet: %s", a.ID, authflow.UserMessage(err)))
		}
	}
	res.Message = fmt.Sprintf("Connected to Facebook as %s; syncing %d page(s).", login.user.Name, len(chosen))
	p.Done(res.Message)
	return res, nil
}

// facebookCallback turns the redirect into a long-lived login: code ->
// user token -> long-lived token -> who, what was granted, which pages.
func facebookCallback(ctx context.Context, graph *facebook.Client, appID, appSecret, redirect, state string, q url.Values) (facebookLogin, error) {
	code, err := facebook.ParseCallback(q, state)
	if err != nil {
		return facebookLogin{}, err
	}
	short, err := graph.ExchangeCode(ctx, appID, appSecret, redirect, code)
	if err != nil {
		return facebookLogin{}, err
	}
	long, err := graph.LongLivedToken(ctx, appID, appSecret, short.AccessToken)
	if err != nil {
		return facebookLogin{}, err
	}
	info, err := graph.DebugToken(ctx, appID, appSecret, long.AccessToken)
	if err != nil {
		return facebookLogin{}, err
	}
	var l facebookLogin
	for a, err := range graph.Accounts(ctx, long.AccessToken) {
		if err != nil {
			return facebookLogin{}, err
		}
		l.accounts = append(l.accounts, a)
	}
	if err := facebook.CheckGrant(info, l.accounts, nil); err != nil {
		return facebookLogin{}, err
	}
	if l.user, err = graph.Me(ctx, long.AccessToken); err != nil {
		return facebookLogin{}, err
	}
	l.scopes = info.Scopes
	return l, nil
}

// choosePages picks the pages to sync: those named in want, the only one,
// or those the Prompter chooses, each once, in the order given.
func choosePages(ctx context.Context, accounts []facebook.Account, want []string, p Prompter) ([]facebook.Account, error) {
	if len(want) == 0 && len(accounts) == 1 {
		return accounts, nil
	}
	if len(want) == 0 {
		offer := make([]Page, len(accounts))
		for i, a := range accounts {
			offer[i] = Page{ID: a.ID, Name: a.Name, Category: a.Category}
		}
		ids, err := p.ChoosePages(ctx, offer)
		if err != nil {
			return nil, err
		}
		want = ids
	}
	var out []facebook.Account
	for _, id := range want {
		i := slices.IndexFunc(accounts, func(a facebook.Account) bool { return a.ID == id })
		if i < 0 {
			return nil, &PageNotGrantedError{ID: id, Granted: accountNameList(accounts)}
		}
		if !slices.ContainsFunc(out, func(a facebook.Account) bool { return a.ID == id }) {
			out = append(out, accounts[i])
		}
	}
	if len(out) == 0 {
		return nil, ErrNoPageChosen
	}
	return out, nil
}

// commitFacebook stores the chosen pages' tokens, the pages and the
// connection, all or (as far as the keychain goes) nothing, whatever
// happens to ctx meanwhile.
func (c *Connector) commitFacebook(ctx context.Context, login facebookLogin, chosen []facebook.Account) (err error) {
	ctx, cancel := committing(ctx)
	defer cancel()
	tx := &keychainTx{s: c.Secrets}
	defer func() {
		if err == nil {
			return
		}
		if rerr := tx.rollback(ctx); rerr != nil {
			c.log().Error("connect: could not put the keychain back after a failed Facebook connection", "err", rerr)
		}
	}()
	now := c.now()
	pages := make([]store.Page, 0, len(chosen))
	for _, a := range chosen {
		if err := tx.set(ctx, secrets.PageToken(a.ID), a.AccessToken); err != nil {
			return fmt.Errorf("keep the token of page %s: %w", a.ID, err)
		}
		pages = append(pages, store.Page{ID: a.ID, Name: a.Name, Category: a.Category, UpdatedAt: now})
	}
	if _, err := c.Store.Apply(ctx, store.Changes{Pages: pages}); err != nil {
		return err
	}
	for _, a := range chosen {
		if err := c.Store.SetNeedsLogin(ctx, a.ID, false); err != nil {
			return err
		}
		if err := c.Store.SetDisconnected(ctx, a.ID, false); err != nil {
			return err
		}
	}
	return c.Store.PutConnection(ctx, store.Connection{
		Provider: store.ProviderFacebook, Account: login.user.Name, Scopes: login.scopes, ConnectedAt: now,
	})
}

func accountNameList(accounts []facebook.Account) []string {
	names := make([]string, len(accounts))
	for i, a := range accounts {
		names[i] = a.Name
	}
	return names
}

func accountNames(accounts []facebook.Account) string {
	return strings.Join(accountNameList(accounts), ", ")
}
