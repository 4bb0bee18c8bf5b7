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

// ShopifyTokens hands out a live Admin API token: it refreshes an expiring
// token before it expires (storing the rotated refresh token at once, since
// the old one stops working), and asks for a new client-credentials token
// when that kind runs out. One refresh at a time: two concurrent refreshes
// would each rotate, and one of the resulting tokens would be dead.
type ShopifyTokens struct {
	secrets SecretStore
	oauth   shopify.OAuth
	shop    string
	now     func() time.Time
	mu      sync.Mutex
}

// NewShopifyTokens returns the token source of shop. oauth carries the
// app's client credentials, needed to refresh.
func NewShopifyTokens(s SecretStore, oauth shopify.OAuth, shop string, now func() time.Time) *ShopifyTokens {
	if now == nil {
		now = time.Now
	}
	return &ShopifyTokens{secrets: s, oauth: oauth, shop: shop, now: now}
}

// Token returns an access token good for at least a few more minutes.
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
	switch {
	case tok.CanRefresh(now):
		tok, err = t.oauth.Refresh(ctx, t.shop, tok)
	case tok.RefreshToken == "":
		// A client-credentials token: there is nothing to refresh, ask
		// for a new one.
		tok, err = t.oauth.ClientCredentials(ctx, t.shop)
	default:
		return "", errors.New("the shopify refresh token has expired: connect Shopify again")
	}
	if err != nil {
		return "", fmt.Errorf("renew shopify token: %w", err)
	}
	if err := SaveShopifyToken(ctx, t.secrets, tok); err != nil {
		return "", err
	}
	return tok.AccessToken, nil
}
