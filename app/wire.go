package app

import (
	"context"
	"errors"

	"github.com/merchant-inbox/merchant-inbox/sync/engine"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
	"github.com/merchant-inbox/merchant-inbox/sync/tunnel"
)

// optionalSecret reads a secret the app can run without (see
// engine.OptionalSecret).
func optionalSecret(ctx context.Context, s *secrets.Store, n secrets.Name) (string, error) {
	return engine.OptionalSecret(ctx, s, n)
}

// opener is the public endpoint a sign-in opens for itself when no engine
// runs: ngrok with the stored authtoken, or --tunnel loopback.
func (e *env) opener(ctx context.Context, o serveOptions) (tunnel.Opener, error) {
	if o.tunnel == "loopback" {
		return tunnel.Loopback{Addr: "127.0.0.1:0"}, nil
	}
	token, err := optionalSecret(ctx, e.cfg.secrets(), secrets.NgrokAuthtoken)
	if err != nil {
		return nil, err
	}
	if token == "" {
		return nil, errors.New("no ngrok-authtoken in the keychain (webhooks reach only the local address; polling covers the rest)")
	}
	return tunnel.Ngrok{Authtoken: token, Domain: o.domain, Logger: e.log}, nil
}
