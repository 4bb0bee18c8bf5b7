package shopify

import (
	"errors"
	"fmt"
	"net/url"
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

// NormalizeShop turns what a merchant types into the shop's canonical
// domain: "Name", "name.myshopify.com", "https://name.myshopify.com/" all
// give "name.myshopify.com". Anything that is not a bare store name or a
// *.myshopify.com host (a custom domain, a path, a port, credentials) is
// ErrBadShop: the shop decides where the app sends its client secret.
func NormalizeShop(s string) (string, error) {
	in := s
	s = strings.ToLower(strings.TrimSpace(s))
	if rest, ok := strings.CutPrefix(s, "https://"); ok {
		s = rest
	} else if rest, ok := strings.CutPrefix(s, "http://"); ok {
		s = rest
	}
	s = strings.TrimSuffix(s, "/")
	if s != "" && !strings.Contains(s, ".") {
		s += ".myshopify.com"
	}
	if len(s) > maxShopLen || !shopPattern.MatchString(s) {
		return "", fmt.Errorf("%w: %q", ErrBadShop, truncate(in, 80))
	}
	return s, nil
}

// validShop reports whether s already is a canonical shop domain, the form
// Shopify puts in callbacks and webhook headers.
func validShop(s string) bool {
	return len(s) <= maxShopLen && shopPattern.MatchString(s)
}

// Options is what every part of the package shares about reaching Shopify.
// OAuth.BaseURL and ClientOptions.BaseURL carry the same value.
type Options struct {
	// BaseURL, when set, receives every request for every shop instead of
	// https://{shop}: the app passes MERCHANT_INBOX_SHOPIFY_URL here so that
	// tests and the sandbox talk to a fake (package shopifytest). It is a
	// scheme and host, e.g. http://127.0.0.1:8080, without a trailing path.
	BaseURL string
}

// shopURL is the base every request for shop goes to: BaseURL when set,
// else https://{shop}. shop must already be normalized.
func (o Options) shopURL(shop string) string {
	if o.BaseURL != "" {
		return strings.TrimRight(o.BaseURL, "/")
	}
	return "https://" + shop
}

// endpoint returns the absolute URL of path on shop, after normalizing the
// shop and checking the base. Errors name no secret: neither the shop nor
// the base is one.
func (o Options) endpoint(shop, path string) (*url.URL, string, error) {
	shop, err := NormalizeShop(shop)
	if err != nil {
		return nil, "", err
	}
	u, err := url.Parse(o.shopURL(shop))
	switch {
	case err != nil:
		return nil, "", errors.New("shopify: BaseURL is not a valid URL")
	case u.Scheme != "http" && u.Scheme != "https", u.Host == "":
		return nil, "", errors.New("shopify: BaseURL must be an absolute http(s) URL")
	case u.User != nil || u.RawQuery != "" || u.Fragment != "":
		return nil, "", errors.New("shopify: BaseURL must not carry credentials, a query or a fragment")
	}
	u.Path = strings.TrimRight(u.Path, "/") + path
	u.RawPath = ""
	return u, shop, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
