package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/fix"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
	"github.com/merchant-inbox/merchant-inbox/sync/shopify"
)

// SecretStore is the keychain, read and written.
type SecretStore interface {
	Get(ctx context.Context, name secrets.Name) (string, error)
	Set(ctx context.Context, name secrets.Name, value string) error
}

// ErrShopifyNotConnected: no Shopify token in the keychain. The remedy
// comes as a fix.Fix, for the command line and the window to offer.
var ErrShopifyNotConnected = fix.Explain(errors.New("shopify is not connected (no token in the keychain): connect the shop again"),
	"The shop is not connected: connect it again.", fix.Fix{Action: fix.ConnectShopify})

// SaveShopifyToken keeps tok, refresh token and expiry included, in the
// keychain.
func SaveShopifyToken(ctx context.Context, s SecretStore, tok shopify.Token) error {
	b, err := json.Marshal(tok)
	if err != nil {
		return fmt.Errorf("encode shopify token: %w", err)
	}
	if err := s.Set(ctx, secrets.ShopifyToken, string(b)); err != nil {
		return fmt.Errorf("store shopify token: %w", err)
	}
	return nil
}

// LoadShopifyToken reads the token `connect shopify` stored, or a plain
// access token a merchant pasted with `secrets set shopify-token`.
func LoadShopifyToken(ctx context.Context, s SecretStore) (shopify.Token, error) {
	v, err := s.Get(ctx, secrets.ShopifyToken)
	if errors.Is(err, secrets.ErrNotFound) {
		return shopify.Token{}, ErrShopifyNotConnected
	}
	if err != nil {
		return shopify.Token{}, err
	}
	if !strings.HasPrefix(v, "{") {
		return shopify.Token{AccessToken: v}, nil
	}
	var tok shopify.Token
	if err := json.Unmarshal([]byte(v), &tok); err != nil {
		return shopify.Token{}, errors.New("the stored shopify-token is not readable: connect Shopify again")
	}
	return tok, nil
}

// Bounds of a renewal once it has started. It runs detached from the
// caller's context (see Token), so these are what keeps it finite.
const (
	renewRequestTimeout = 30 * time.Second // the token endpoint's answer
	renewSaveTimeout    = 30 * time.Second // every try to save it, together
	renewSaveTries      = 3
	renewSaveRetryDelay = 250 * time.Millisecond // doubles after each failed try
)

// ShopifyTokens hands out a live Admin API token: it refreshes an expiring
// token before it expires (storing the rotated refresh token at once, since
// the old one stops working), and asks for a new client-credentials token
// when that kind runs out. One refresh at a time: two concurrent refreshes
// would each rotate, and one of the resulting tokens would be dead.
type ShopifyTokens struct {
	secrets    SecretStore
	oauth      shopify.OAuth
	shop       string
	now        func() time.Time
	retryDelay time.Duration // before the second try to save; tests shorten it
	mu         sync.Mutex
}

// NewShopifyTokens returns the token source of shop. oauth carries the
// app's client credentials, needed to refresh.
func NewShopifyTokens(s SecretStore, oauth shopify.OAuth, shop string, now func() time.Time) *ShopifyTokens {
	if now == nil {
		now = time.Now
	}
	return &ShopifyTokens{secrets: s, oauth: oauth, shop: shop, now: now, retryDelay: renewSaveRetryDelay}
}

// Token returns an access token good for at least a few more minutes.
//
// A renewal, once asked for, is finished even when ctx is cancelled
// meanwhile (a shutdown, a command's deadline): Shopify rotates the refresh
// token the moment it answers, so an answer dropped, or not saved, would
// leave the keychain holding only a dead token and the merchant having to
// connect again. The request and the save run under their own bounded
// timeouts instead, and the save is tried again when the keychain fails.
func (t *ShopifyTokens) Token(ctx context.Context) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	tok, err := LoadShopifyToken(ctx, t.secrets)
	if err != nil {
		return "", err
	}
	now := t.now()
	if !tok.NeedsRefresh(now) {
		return tok.AccessToken, nil
	}
	if tok.RefreshToken != "" && !tok.CanRefresh(now) {
		return "", errors.New("the shopify refresh token has expired: connect Shopify again")
	}
	if err := ctx.Err(); err != nil {
		// Nothing was asked yet: nothing can be lost.
		return "", fmt.Errorf("renew shopify token: %w", err)
	}
	detached := context.WithoutCancel(ctx)
	reqCtx, cancel := context.WithTimeout(detached, renewRequestTimeout)
	defer cancel()
	if tok.RefreshToken != "" {
		tok, err = t.oauth.Refresh(reqCtx, t.shop, tok)
	} else {
		// A client-credentials token: there is nothing to refresh, ask
		// for a new one.
		tok, err = t.oauth.ClientCredentials(reqCtx, t.shop)
	}
	if err != nil {
		return "", fmt.Errorf("renew shopify token: %w", err)
	}
	saveCtx, cancel := context.WithTimeout(detached, renewSaveTimeout)
	defer cancel()
	if err := t.save(saveCtx, tok); err != nil {
		return "", err
	}
	return tok.AccessToken, nil
}

// save stores a renewed token, trying again after a growing pause when
// the keychain fails (a busy D-Bus, a keychain call that timed out), until
// ctx ends. A value the keychain refuses is not tried again.
func (t *ShopifyTokens) save(ctx context.Context, tok shopify.Token) error {
	delay := t.retryDelay
	for try := 1; ; try++ {
		err := SaveShopifyToken(ctx, t.secrets, tok)
		if err == nil {
			return nil
		}
		if try == renewSaveTries || errors.Is(err, secrets.ErrInvalidValue) {
			return fmt.Errorf("%w (try %d of %d)", err, try, renewSaveTries)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (try %d of %d)", err, try, renewSaveTries)
		case <-time.After(delay):
		}
		delay *= 2
	}
}
