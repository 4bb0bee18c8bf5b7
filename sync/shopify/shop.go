package shopify

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/merchant-inbox/merchant-inbox/sync/validate"
)

// NormalizeShop turns what a merchant types into the shop's canonical
// domain: "Name", "name.myshopify.com", "https://name.myshopify.com/" all
// give "name.myshopify.com". Anything that is not a bare store name or a
// *.myshopify.com host (a custom domain, a path, a port, credentials) is
// ErrBadShop: the shop decides where the app sends its client secret. The
// rule is package validate's, which the window's shop field uses too.
func NormalizeShop(s string) (string, error) {
	shop, err := validate.NormalizeShop(s)
	if err != nil {
		return "", fmt.Errorf("%w: %q", ErrBadShop, truncate(s, 80))
	}
	return shop, nil
}

// validShop reports whether s already is a canonical shop domain, the form
// Shopify puts in callbacks and webhook headers.
func validShop(s string) bool { return validate.IsShopDomain(s) }

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
