package shopify

import (
	"fmt"
	"strings"

	"github.com/merchant-inbox/merchant-inbox/sync/fix"
)

// ShopMismatchError is a callback naming another shop than the one being
// connected: a forged or misrouted redirect. errors.Is matches ErrBadShop.
type ShopMismatchError struct {
	Got  string // the callback's shop parameter, truncated: untrusted
	Want string // the normalized shop the flow was started for
}

func (e *ShopMismatchError) Error() string {
	return fmt.Sprintf("%v: callback is for shop %q, want %q", ErrBadShop, e.Got, e.Want)
}

func (e *ShopMismatchError) Is(target error) bool { return target == ErrBadShop }

// UserMessage names only the shop the merchant asked for: Got came from
// the query string and is for the log.
func (e *ShopMismatchError) UserMessage() string {
	return "Shopify sent the sign-in back for a different store than " + e.Want +
		", so nothing was connected. Start connecting the store again."
}

// Fix is connecting the shop the merchant asked for, again.
func (e *ShopMismatchError) Fix() fix.Fix { return fix.Fix{Action: fix.ConnectShopify, Shop: e.Want} }

// ScopeError is a token granted without a scope the app needs: the
// merchant can edit the requested scopes down on the consent page.
// errors.Is matches ErrMissingScope.
type ScopeError struct {
	Granted string   // the token's scope string, as Shopify returned it
	Missing []string // what the app needs and did not get
}

func (e *ScopeError) Error() string {
	return fmt.Sprintf("%v: the shop granted %q but the app needs %s", ErrMissingScope, e.Granted, strings.Join(e.Missing, ", "))
}

func (e *ScopeError) Is(target error) bool { return target == ErrMissingScope }

func (e *ScopeError) UserMessage() string {
	return "The store did not grant Merchant Inbox " + strings.Join(e.Missing, ", ") +
		", which it needs to read the catalogue, so nothing was connected. " +
		"Connect the store again and approve all the requested access."
}

// Fix is connecting the shop again, approving everything asked.
func (e *ScopeError) Fix() fix.Fix { return reconnect() }

// Fix is the remedy UserMessage describes: the sentinel's for a classified
// answer, reconnecting the shop for any other refusal.
func (e *OAuthError) Fix() fix.Fix {
	if s := e.sentinel(); s != nil {
		return fixOf(s)
	}
	return reconnect()
}

// CheckScopes returns a *ScopeError when granted (a token's scope string)
// lacks any of want.
func CheckScopes(granted string, want []string) error {
	if missing := MissingScopes(granted, want); len(missing) > 0 {
		return &ScopeError{Granted: granted, Missing: missing}
	}
	return nil
}
