package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/authflow"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
	"github.com/merchant-inbox/merchant-inbox/sync/tunnel"
)

// DefaultCallbackPort is where the sign-in callback listens unless --port
// says otherwise. It is fixed because providers compare redirect URIs as
// exact strings: the merchant registers http://localhost:53682/... once.
const DefaultCallbackPort = 53682

// signInOptions are the flags every `connect` shares.
type signInOptions struct {
	noBrowser bool
	port      int
	// public, when set, also serves the callback on a public endpoint
	// (the ngrok static domain) and uses that as the redirect URI: Meta
	// accepts plain-http localhost redirects only for apps in development
	// mode.
	public publicCallback
}

// publicCallback serves a sign-in's callback routes where the provider can
// reach them over the internet, for as long as the sign-in lasts, and
// returns that base URL.
type publicCallback interface {
	serveCallback(ctx context.Context, h http.Handler) (base string, stop func(), err error)
}

// ownEndpoint is connect's own endpoint, when no serve holds the tunnel.
type ownEndpoint struct{ opener tunnel.Opener }

func (o ownEndpoint) serveCallback(ctx context.Context, h http.Handler) (string, func(), error) {
	return servePublic(ctx, o.opener, h)
}

// signIn runs one browser sign-in: a callback server on 127.0.0.1, the
// redirect URI shown to the merchant (who must register it), the consent
// page opened in the browser (or printed), and the provider's redirect
// handled by the callback cb builds. It returns what the final page said.
func signIn(ctx context.Context, e *env, o signInOptions, path string,
	consentURL func(redirect, state string) string,
	cb func(redirect, state string) authflow.Callback,
) (authflow.Outcome, error) {
	srv, err := authflow.Listen(authflow.Options{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(o.port)), Logger: e.log})
	if err != nil {
		return authflow.Outcome{}, err
	}
	stopPublic := func() {}
	// srv.Close lets the final page be written, on either listener, before
	// it returns; only then may the public endpoint drop its connections.
	defer func() {
		srv.Close()
		stopPublic()
	}()
	redirect := srv.URL(path)
	if o.public != nil {
		base, stop, err := o.public.serveCallback(ctx, srv.Handler())
		if err != nil {
			return authflow.Outcome{}, fmt.Errorf("open the public callback: %w", err)
		}
		stopPublic = stop
		redirect = base + path
	}
	state, err := authflow.NewState()
	if err != nil {
		return authflow.Outcome{}, err
	}
	pending := srv.Expect(path, state, cb(redirect, state))
	consent := consentURL(redirect, state)

	fmt.Fprintf(e.Stdout, "Redirect URI (register it with the provider exactly as shown):\n  %s\n", redirect)
	if o.noBrowser {
		fmt.Fprintf(e.Stdout, "Open this URL in your browser to continue:\n  %s\n", consent)
	} else {
		fmt.Fprintf(e.Stdout, "Opening your browser. If nothing opens, visit:\n  %s\n", consent)
		if err := authflow.OpenBrowser(ctx, consent, e.Getenv); err != nil {
			fmt.Fprintf(e.Stderr, "could not open a browser (%v); open the URL above by hand\n", err)
		}
	}
	fmt.Fprintln(e.Stdout, "Waiting for the browser to come back…")
	return pending.Wait(ctx)
}

// servePublic serves h on an endpoint the opener opens, for as long as the
// sign-in lasts, and returns its base URL.
func servePublic(ctx context.Context, opener tunnel.Opener, h http.Handler) (string, func(), error) {
	ep, err := opener.Open(ctx)
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ep)
	return ep.URL(), func() { srv.Close() }, nil
}

// requiredSecret reads a secret a command cannot do without, and says how
// to set it when it is missing.
func requiredSecret(ctx context.Context, s *secrets.Store, n secrets.Name) (string, error) {
	v, err := s.Get(ctx, n)
	if errors.Is(err, secrets.ErrNotFound) {
		return "", fmt.Errorf("%s is not set: run 'merchant-inbox secrets set %s' and paste it", n, n)
	}
	if err != nil {
		return "", fmt.Errorf("read %s: %w", n, err)
	}
	return v, nil
}
