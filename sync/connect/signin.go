package connect

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/authflow"
	"github.com/merchant-inbox/merchant-inbox/sync/tunnel"
)

// signIn runs one browser sign-in: a callback server on 127.0.0.1 (and on
// c.Public when set), the redirect URI shown to the merchant (who must
// register it), the consent page opened in the browser or shown, and the
// provider's redirect handled by the callback cb builds. It returns once
// that callback has run, or the flow failed, expired or ctx ended.
func (c *Connector) signIn(ctx context.Context, port int, p Prompter, path string,
	consentURL func(redirect, state string) string,
	cb func(redirect, state string) authflow.Callback,
) error {
	addr, err := listenAddr(port)
	if err != nil {
		return err
	}
	srv, err := authflow.Listen(authflow.Options{Addr: addr, Timeout: c.SignInTimeout, Logger: c.log()})
	if err != nil {
		return err
	}
	stopPublic := func() {}
	// srv.Close lets the final page be written, on either listener, before
	// it returns; only then may the public endpoint drop its connections.
	defer func() {
		srv.Close()
		stopPublic()
	}()
	redirect := srv.URL(path)
	if c.Public != nil {
		base, stop, err := c.Public.ServeCallback(ctx, srv.Handler())
		if err != nil {
			return fmt.Errorf("open the public callback: %w", err)
		}
		stopPublic = stop
		redirect = base + path
	}
	state, err := authflow.NewState()
	if err != nil {
		return err
	}
	pending := srv.Expect(path, state, cb(redirect, state))
	consent := consentURL(redirect, state)

	p.RedirectURI(redirect)
	browserErr := ErrNoBrowser
	if c.Browser != nil {
		browserErr = c.Browser(ctx, consent)
	}
	p.ConsentURL(consent, browserErr)
	p.Waiting()
	_, err = pending.Wait(ctx)
	return err
}

// listenAddr is the callback server's address for a port as Options give
// it (0: DefaultCallbackPort).
func listenAddr(port int) (string, error) {
	switch {
	case port == 0:
		port = DefaultCallbackPort
	case port == AnyPort:
		port = 0
	case port < 0 || port > 65535:
		return "", fmt.Errorf("connect: callback port %d is not 1 to 65535", port)
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), nil
}

// TunnelCallback is a CallbackHost of its own: an endpoint the opener opens
// (ngrok on the merchant's static domain) for the length of one sign-in,
// for when no running engine holds the tunnel.
type TunnelCallback struct{ Opener tunnel.Opener }

// ServeCallback opens the endpoint and serves h on it until stop.
func (t TunnelCallback) ServeCallback(ctx context.Context, h http.Handler) (string, func(), error) {
	ep, err := t.Opener.Open(ctx)
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ep)
	return ep.URL(), func() { srv.Close() }, nil
}
