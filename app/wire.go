package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/merchant-inbox/merchant-inbox/sync/engine"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// optionalSecret reads a secret the app can run without. Missing is "",
// nil; an unreachable keychain is an error, never an empty value in
// disguise.
func optionalSecret(ctx context.Context, s *secrets.Store, n secrets.Name) (string, error) {
	v, err := s.Get(ctx, n)
	if errors.Is(err, secrets.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read %s: %w", n, err)
	}
	return v, nil
}

// newPoller wires a poller over st, the keychain and the Graph API. The
// app secret, when stored, signs every Graph call (appsecret_proof).
func (e *env) newPoller(st *store.Store, appSecret string) *engine.Poller {
	return engine.NewPoller(engine.PollerOptions{
		Store:  st,
		Graph:  e.cfg.graph(appSecret),
		Tokens: e.cfg.secrets(),
		Logger: e.log,
	})
}
