package connect

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/merchant-inbox/merchant-inbox/sync/fix"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
)

// requiredSecret reads an app credential a flow cannot do without. A
// missing one is an error that says where to find it and carries the fix:
// store it.
func (c *Connector) requiredSecret(ctx context.Context, n secrets.Name) (string, error) {
	v, err := c.Secrets.Get(ctx, n)
	if errors.Is(err, secrets.ErrNotFound) {
		return "", fix.Explain(fmt.Errorf("%s is not set: %w", n, err),
			fmt.Sprintf("%s is not set: copy it from %s.", n, whereToFind(n)),
			fix.Fix{Action: fix.SetSecret, Secret: n})
	}
	if err != nil {
		return "", fmt.Errorf("read %s: %w", n, err)
	}
	return v, nil
}

// optionalSecret reads a secret a flow can do without: missing is "".
func (c *Connector) optionalSecret(ctx context.Context, n secrets.Name) (string, error) {
	v, err := c.Secrets.Get(ctx, n)
	if errors.Is(err, secrets.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read %s: %w", n, err)
	}
	return v, nil
}

// whereToFind says where the merchant copies an app credential from.
func whereToFind(n secrets.Name) string {
	switch n {
	case secrets.FacebookAppID, secrets.FacebookAppSecret:
		return "the Meta app dashboard (App settings > Basic)"
	case secrets.ShopifyClientID, secrets.ShopifyClientSecret:
		return "the app's settings in the Shopify Dev Dashboard"
	}
	return "where you got it"
}

// keychainTx writes secrets and remembers what each write replaced, so a
// connection that fails halfway puts the keychain back as it was.
type keychainTx struct {
	s    Secrets
	undo []func(context.Context) error
}

// set stores value under n, after reading what it replaces.
func (tx *keychainTx) set(ctx context.Context, n secrets.Name, value string) error {
	old, err := tx.s.Get(ctx, n)
	var undo func(context.Context) error
	switch {
	case err == nil:
		undo = func(ctx context.Context) error { return tx.s.Set(ctx, n, old) }
	case errors.Is(err, secrets.ErrNotFound):
		undo = func(ctx context.Context) error { return tx.s.Delete(ctx, n) }
	default:
		return fmt.Errorf("read %s: %w", n, err)
	}
	if err := tx.s.Set(ctx, n, value); err != nil {
		return fmt.Errorf("store %s: %w", n, err)
	}
	tx.undo = append(tx.undo, undo)
	return nil
}

// rollback undoes the writes, newest first, and reports what it could not
// undo.
func (tx *keychainTx) rollback(ctx context.Context) error {
	var errs []error
	for _, undo := range slices.Backward(tx.undo) {
		if err := undo(ctx); err != nil && !errors.Is(err, secrets.ErrNotFound) {
			errs = append(errs, err)
		}
	}
	tx.undo = nil
	return errors.Join(errs...)
}
