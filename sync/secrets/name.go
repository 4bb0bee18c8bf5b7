package secrets

import (
	"errors"
	"fmt"
	"strings"
)

// Name is the typed name of one secret the app keeps in the OS keychain.
// It is the keychain item's "user" (account) under the Store's service, so
// on Linux an item can be inspected with
//
//	secret-tool lookup service merchant-inbox username facebook-app-id
//
// Names are a closed set (the constants below plus PageToken) so a typo in
// code or on the command line cannot create a stray keychain item that
// nothing ever reads or deletes: the keychain cannot be listed portably.
type Name string

// The fixed secret names.
const (
	FacebookAppID       Name = "facebook-app-id"
	FacebookAppSecret   Name = "facebook-app-secret"
	FacebookVerifyToken Name = "facebook-verify-token"
	ShopifyClientID     Name = "shopify-client-id"
	ShopifyClientSecret Name = "shopify-client-secret"
	NgrokAuthtoken      Name = "ngrok-authtoken"
	// ShopifyToken is the shop's Admin API token. `connect shopify` stores
	// it as JSON with its refresh token and expiry; a merchant may also
	// paste a plain access token for an app that has one.
	ShopifyToken Name = "shopify-token"
)

// pageTokenPrefix starts the name of a Facebook Page access token; the
// numeric page ID follows it.
const pageTokenPrefix = "facebook-page-token:"

// maxPageIDLen bounds a page ID. Facebook IDs are 64-bit integers (at most
// 20 digits); a little slack costs nothing and rejects pasted garbage.
const maxPageIDLen = 32

// fixedNames lists the constants in the order error messages show them.
var fixedNames = []Name{
	FacebookAppID,
	FacebookAppSecret,
	FacebookVerifyToken,
	ShopifyClientID,
	ShopifyClientSecret,
	NgrokAuthtoken,
	ShopifyToken,
}

// ErrInvalidName is wrapped by the error of ParseName, and of Store methods
// given a Name outside the closed set (such as PageToken("abc")).
var ErrInvalidName = errors.New("secrets: invalid secret name")

// PageToken names the access token of the Facebook Page pageID:
// "facebook-page-token:<PAGE_ID>". pageID must be the numeric page ID;
// anything else gives a Name that Store methods reject with ErrInvalidName.
func PageToken(pageID string) Name {
	return Name(pageTokenPrefix + pageID)
}

// PageID returns the page ID of a page-token name, and false for any
// other name (including a page-token name with a malformed ID).
func (n Name) PageID() (string, bool) {
	id, ok := strings.CutPrefix(string(n), pageTokenPrefix)
	if !ok || !validPageID(id) {
		return "", false
	}
	return id, true
}

// valid reports whether n is one of the constants or a well-formed page
// token name.
func (n Name) valid() bool {
	for _, f := range fixedNames {
		if n == f {
			return true
		}
	}
	_, ok := n.PageID()
	return ok
}

func validPageID(id string) bool {
	if id == "" || len(id) > maxPageIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < '0' || id[i] > '9' {
			return false
		}
	}
	return true
}

// ParseName turns user input (a command-line argument) into a Name. It
// accepts exactly the constants and "facebook-page-token:<digits>".
//
// The error lists the valid names but does not echo s: a mistyped command
// line can put a secret's value where its name belongs, and error text ends
// up in terminals, logs and bug reports.
func ParseName(s string) (Name, error) {
	n := Name(s)
	if n.valid() {
		return n, nil
	}
	if id, ok := strings.CutPrefix(s, pageTokenPrefix); ok {
		if id == "" {
			return "", fmt.Errorf("%w: %s needs the numeric Facebook page ID after the colon, e.g. %s1234567890",
				ErrInvalidName, pageTokenPrefix, pageTokenPrefix)
		}
		return "", fmt.Errorf("%w: the page ID after %s must be 1 to %d digits (the numeric Facebook page ID)",
			ErrInvalidName, pageTokenPrefix, maxPageIDLen)
	}
	return "", fmt.Errorf("%w: not one of %s", ErrInvalidName, validNamesList())
}

// validNamesList is the human-readable list used in error messages.
func validNamesList() string {
	var b strings.Builder
	for _, f := range fixedNames {
		b.WriteString(string(f))
		b.WriteString(", ")
	}
	b.WriteString(pageTokenPrefix + "<PAGE_ID>")
	return b.String()
}
