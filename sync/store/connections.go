package store

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// Providers a Connection can name.
const (
	ProviderFacebook = "facebook"
	ProviderShopify  = "shopify"
)

// Connection is what the merchant connected, as status shows it: which
// account, with which permissions, and whether it is still connected.
// Access tokens live in the OS keychain and never here: this file is
// plain bbolt, readable by anything that can read the user's files.
type Connection struct {
	Provider string `json:"provider"` // ProviderFacebook or ProviderShopify
	// Account is the Facebook user's name, or the shop's myshopify domain.
	Account        string    `json:"account,omitempty"`
	Scopes         []string  `json:"scopes,omitempty"`
	ConnectedAt    time.Time `json:"connected_at,omitzero"`
	Disconnected   bool      `json:"disconnected,omitempty"`
	DisconnectedAt time.Time `json:"disconnected_at,omitzero"`
	// Note says why, e.g. "app uninstalled from Shopify".
	Note string `json:"note,omitempty"`
}

// validate checks c before any transaction. Providers are a closed set so
// that a misspelt one fails at once instead of becoming a second record
// status would show beside the real one.
func (c Connection) validate() error {
	switch c.Provider {
	case ProviderFacebook, ProviderShopify:
		return nil
	}
	return fmt.Errorf("%w: connection provider %q is not %q or %q", ErrInvalid, c.Provider, ProviderFacebook, ProviderShopify)
}

// normalized is c as stored: times in UTC, scopes copied so the caller's
// slice is never shared with a transaction that may run again.
func (c Connection) normalized() Connection {
	c.ConnectedAt = c.ConnectedAt.UTC()
	c.DisconnectedAt = c.DisconnectedAt.UTC()
	c.Scopes = slices.Clone(c.Scopes)
	return c
}

// PutConnection records c, replacing whatever was stored for its
// provider: reconnecting after a disconnect is a new record, not a merge,
// so no stale Disconnected flag or Note survives it.
func (s *Store) PutConnection(ctx context.Context, c Connection) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: put connection: %w", err)
	}
	if err := c.validate(); err != nil {
		return fmt.Errorf("store: put connection: %w", err)
	}
	c = c.normalized()
	if err := s.write(func(t *txn) error { return t.putConnection(c) }); err != nil {
		return fmt.Errorf("store: put connection %s: %w", c.Provider, err)
	}
	return nil
}

func (t *txn) putConnection(c Connection) error {
	return putIfChanged(t.conns, []byte(c.Provider), c)
}

// Connection returns the record of one provider, or ErrNotFound if the
// merchant never connected it.
func (s *Store) Connection(ctx context.Context, provider string) (Connection, error) {
	if err := ctx.Err(); err != nil {
		return Connection{}, fmt.Errorf("store: connection %s: %w", provider, err)
	}
	if !validID(provider) {
		return Connection{}, fmt.Errorf("store: connection %q: %w", provider, ErrNotFound)
	}
	var c Connection
	err := s.view(func(b buckets) error {
		return getOrNotFound(b.conns, []byte(provider), &c)
	})
	if err != nil {
		return Connection{}, fmt.Errorf("store: connection %s: %w", provider, err)
	}
	return c, nil
}

// Connections returns every recorded connection, sorted by provider.
func (s *Store) Connections(ctx context.Context) ([]Connection, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("store: connections: %w", err)
	}
	var conns []Connection
	err := s.view(func(b buckets) error {
		return b.conns.ForEach(func(k, v []byte) error {
			var c Connection
			if err := decode(k, v, &c); err != nil {
				return err
			}
			conns = append(conns, c)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("store: connections: %w", err)
	}
	return conns, nil
}
