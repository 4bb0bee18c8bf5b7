package validate

import (
	"regexp"
	"strings"
)

// shopPattern is the anchored pattern Shopify documents for the shop
// parameter of an OAuth callback ("Verify the shop parameter", authorization
// code grant, shopify.dev/docs/apps/build/authentication-authorization/
// access-tokens/authorization-code-grant). Anchoring matters:
// "shop.myshopify.com.evil.com" must not pass.
var shopPattern = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9-]*\.myshopify\.com$`)

// maxShopLen bounds a shop domain: a DNS label is at most 63 bytes, and
// ".myshopify.com" adds 14.
const maxShopLen = 63 + len(".myshopify.com")

// ShopName checks what a merchant types for their Shopify store: its name
// or its name.myshopify.com address (see NormalizeShop).
func ShopName(s string) error {
	_, err := NormalizeShop(s)
	return err
}

// NormalizeShop turns what a merchant types into the shop's canonical
// domain: "Name", "name.myshopify.com", "https://name.myshopify.com/" all
// give "name.myshopify.com". Anything that is not a bare store name or a
// *.myshopify.com host (a custom domain, a path, a port, credentials) is
// refused: the shop decides where the app sends its client secret.
func NormalizeShop(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return "", invalid("Enter the store's name: the part before .myshopify.com in its admin address.")
	}
	if rest, ok := strings.CutPrefix(s, "https://"); ok {
		s = rest
	} else if rest, ok := strings.CutPrefix(s, "http://"); ok {
		s = rest
	}
	s = strings.TrimSuffix(s, "/")
	if s != "" && !strings.Contains(s, ".") {
		s += ".myshopify.com"
	}
	if !IsShopDomain(s) {
		return "", invalid("That is not a Shopify store address: enter the store's name or its name.myshopify.com address.")
	}
	return s, nil
}

// IsShopDomain reports whether s already is a canonical shop domain, the
// form Shopify puts in callbacks and webhook headers.
func IsShopDomain(s string) bool {
	return len(s) <= maxShopLen && shopPattern.MatchString(s)
}
