package app

import (
	"bufio"
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/authflow"
	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

const facebookCallbackPath = "/callback/facebook"

// facebookLogin is what the browser sign-in produced.
type facebookLogin struct {
	user     facebook.Participant
	scopes   []string
	accounts []facebook.Account
}

func connectFacebook(ctx context.Context, e *env, o connectOptions) error {
	sec := e.cfg.secrets()
	appID, err := requiredSecret(ctx, sec, secrets.FacebookAppID)
	if err != nil {
		return err
	}
	appSecret, err := requiredSecret(ctx, sec, secrets.FacebookAppSecret)
	if err != nil {
		return err
	}
	// Open the database first: if the engine is running, fail before the
	// merchant clicks through a consent page for nothing.
	st, release, err := e.openStore()
	if err != nil {
		return err
	}
	defer release()

	graph := e.cfg.graph(appSecret)
	var login facebookLogin
	_, err = signIn(ctx, e, o.signInOptions, facebookCallbackPath,
		func(redirect, state string) string {
			return facebook.DialogURL(e.cfg.facebookWebURL, appID, redirect, state, facebook.DefaultScopes())
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
					Message: fmt.Sprintf("Signed in as %s. Pages found: %s. Return to Merchant Inbox to finish.", l.user.Name, pageNames(l.accounts)),
				}, nil
			}
		})
	if err != nil {
		return err
	}

	chosen, err := choosePages(e, login.accounts, o.pages)
	if err != nil {
		return err
	}
	for _, a := range chosen {
		if err := addFacebookPage(ctx, e, st, graph, a); err != nil {
			return err
		}
	}
	if err := st.PutConnection(ctx, store.Connection{
		Provider: store.ProviderFacebook, Account: login.user.Name, Scopes: login.scopes, ConnectedAt: time.Now(),
	}); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "Connected to Facebook as %s; syncing %d page(s). Run 'merchant-inbox sync' to fetch their conversations.\n", login.user.Name, len(chosen))
	fmt.Fprintln(e.Stdout, "Meta delivers webhooks once 'merchant-inbox serve' has a public URL (the ngrok tunnel); until then the app polls.")
	return nil
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

// addFacebookPage keeps the page token in the keychain, the page in the
// database, and subscribes the app to the page's Messenger webhooks.
func addFacebookPage(ctx context.Context, e *env, st *store.Store, graph *facebook.Client, a facebook.Account) error {
	if err := e.cfg.secrets().Set(ctx, secrets.PageToken(a.ID), a.AccessToken); err != nil {
		return fmt.Errorf("store the token of page %s: %w", a.ID, err)
	}
	ch := store.Changes{Pages: []store.Page{{ID: a.ID, Name: a.Name, Category: a.Category, UpdatedAt: time.Now()}}}
	if _, err := st.Apply(ctx, ch); err != nil {
		return err
	}
	if err := st.SetNeedsLogin(ctx, a.ID, false); err != nil {
		return err
	}
	if err := graph.SubscribePage(ctx, a.ID, a.AccessToken, facebook.DefaultPageFields()); err != nil {
		// Not fatal: polling works without it, and serve subscribes every
		// page again whenever its tunnel comes up.
		fmt.Fprintf(e.Stderr, "page %s: could not subscribe to its webhooks yet: %s\n", a.ID, authflow.UserMessage(err))
	}
	return nil
}

// choosePages picks the pages to sync: those named with --page, the only
// one, or those the merchant picks from a numbered list (Enter: all).
func choosePages(e *env, accounts []facebook.Account, want []string) ([]facebook.Account, error) {
	if len(want) > 0 {
		var out []facebook.Account
		for _, id := range want {
			i := slices.IndexFunc(accounts, func(a facebook.Account) bool { return a.ID == id })
			if i < 0 {
				return nil, fmt.Errorf("page %s was not granted in this sign-in (granted: %s)", id, pageNames(accounts))
			}
			out = append(out, accounts[i])
		}
		return out, nil
	}
	if len(accounts) == 1 {
		return accounts, nil
	}
	fmt.Fprintln(e.Stdout, "Which pages should Merchant Inbox sync?")
	for i, a := range accounts {
		fmt.Fprintf(e.Stdout, "  %d) %s (%s)\n", i+1, a.Name, a.ID)
	}
	fmt.Fprint(e.Stdout, "Numbers separated by commas, or Enter for all: ")
	line, _ := bufio.NewReader(e.Stdin).ReadString('\n')
	line = strings.TrimSpace(line)
	if line == "" {
		return accounts, nil
	}
	var out []facebook.Account
	for _, f := range strings.Split(line, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > len(accounts) {
			return nil, usagef("%q is not one of the numbers 1 to %d", strings.TrimSpace(f), len(accounts))
		}
		if a := accounts[n-1]; !slices.ContainsFunc(out, func(b facebook.Account) bool { return b.ID == a.ID }) {
			out = append(out, a)
		}
	}
	return out, nil
}

func pageNames(accounts []facebook.Account) string {
	names := make([]string, len(accounts))
	for i, a := range accounts {
		names[i] = a.Name
	}
	return strings.Join(names, ", ")
}
