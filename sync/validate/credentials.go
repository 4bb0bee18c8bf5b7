package validate

import (
	"fmt"
	"unicode"

	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
)

// App ids Meta issues are decimal numbers, 15 or 16 digits today; older
// apps have shorter ones. The bounds reject a paste of the wrong field
// without second-guessing Meta.
const (
	minAppIDLen = 6
	maxAppIDLen = 20
)

// maxCredentialLen bounds a pasted secret. Secrets, ids and access tokens
// are at most a few hundred characters; a longer value is a paste of
// something else.
const maxCredentialLen = 4096

// FacebookAppID checks a Meta app id: the number the app dashboard shows
// as "App ID".
func FacebookAppID(s string) error {
	if s == "" {
		return invalid("Enter the app ID.")
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return invalid("The app ID is a number: copy only the digits shown as App ID in the app's dashboard.")
		}
	}
	if len(s) < minAppIDLen || len(s) > maxAppIDLen {
		return invalid(fmt.Sprintf("The app ID is %d to %d digits long: check that you copied all of it and nothing else.", minAppIDLen, maxAppIDLen))
	}
	return nil
}

// FacebookAppSecret checks a Meta app secret (App settings > Basic).
func FacebookAppSecret(s string) error { return credential("app secret", s) }

// ShopifyClientID checks a Shopify app's client id.
func ShopifyClientID(s string) error { return credential("client ID", s) }

// ShopifyClientSecret checks a Shopify app's client secret.
func ShopifyClientSecret(s string) error { return credential("client secret", s) }

// NgrokAuthtoken checks an ngrok authtoken (dashboard > Your Authtoken).
func NgrokAuthtoken(s string) error { return credential("ngrok authtoken", s) }

// Token checks any other token the app keeps: a page access token, the
// webhook verify token, a Shopify access token.
func Token(s string) error { return credential("token", s) }

// Secret checks value as the secret called name, with the validator for
// that kind of value; `secrets set` and the window's setup both call it
// before writing to the keychain.
func Secret(name secrets.Name, value string) error {
	switch name {
	case secrets.FacebookAppID:
		return FacebookAppID(value)
	case secrets.FacebookAppSecret:
		return FacebookAppSecret(value)
	case secrets.ShopifyClientID:
		return ShopifyClientID(value)
	case secrets.ShopifyClientSecret:
		return ShopifyClientSecret(value)
	case secrets.NgrokAuthtoken:
		return NgrokAuthtoken(value)
	}
	return Token(value)
}

// credential is the rule shared by secrets, ids and tokens: non-empty, one
// piece, printable ASCII. Their exact formats are the providers' business
// and change; these checks catch a paste that went wrong, not a wrong
// secret (which only the provider can tell).
func credential(label, s string) error {
	if s == "" {
		return invalid("Enter the " + label + ".")
	}
	if len(s) > maxCredentialLen {
		return invalid("That is too long to be the " + label + ": copy only the " + label + " itself.")
	}
	for _, r := range s {
		if unicode.IsSpace(r) {
			return invalid("The " + label + " has no spaces or line breaks in it: copy it again as one piece.")
		}
		if r < '!' || r > '~' {
			return invalid("The " + label + " has characters it never contains: copy it again from where it is shown.")
		}
	}
	return nil
}
