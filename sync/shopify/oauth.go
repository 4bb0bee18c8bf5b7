package shopify

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// CallbackMaxAge is how far an OAuth callback's timestamp may be from now,
// in either direction (a little clock skew between the merchant's computer
// and Shopify is normal).
const CallbackMaxAge = 90 * time.Second

// OAuth holds the app's credentials for the authorization code grant, token
// refresh and the client credentials grant. The zero value of each optional
// field is usable. ClientSecret is a secret: OAuth never prints it (see
// Format).
type OAuth struct {
	ClientID, ClientSecret string
	// BaseURL overrides https://{shop} for every shop (see Options).
	BaseURL string
	// HTTPClient sends token requests. Default: a client with a 30 s timeout.
	HTTPClient *http.Client
	// Now reads the clock for callback timestamps and token expiry.
	// Default time.Now.
	Now func() time.Time
}

func (o OAuth) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// InstallURL is where the merchant's browser goes to approve the app:
// {shop}/admin/oauth/authorize?client_id&scope=a,b&redirect_uri&state.
// Without grant_options[]=per-user the grant gives an offline token, the kind
// a background sync needs. shop should come from NormalizeShop; an invalid
// shop gives "" rather than a URL on a host that is not Shopify's.
func (o OAuth) InstallURL(shop, redirectURI, state string, scopes []string) string {
	u, _, err := Options{BaseURL: o.BaseURL}.endpoint(shop, "/admin/oauth/authorize")
	if err != nil {
		return ""
	}
	q := url.Values{}
	q.Set("client_id", o.ClientID)
	q.Set("scope", strings.Join(scopes, ","))
	q.Set("redirect_uri", redirectURI)
	q.Set("state", state)
	u.RawQuery = q.Encode()
	return u.String()
}

// VerifyCallback checks the query of the redirect Shopify sends to the
// redirect URI after the merchant approved the app. It follows "Verify the
// installation request" of the authorization code grant
// (shopify.dev/docs/apps/build/authentication-authorization/access-tokens/
// authorization-code-grant); ALL of these must hold:
//
//   - state equals wantState (constant time): else ErrStateMismatch;
//   - shop matches the documented anchored pattern and equals wantShop
//     (normalized): else ErrBadShop;
//   - hmac is the hex HMAC-SHA256, keyed with the client secret, of the
//     other parameters except hmac and signature, sorted by key and joined
//     as k=v with &: else ErrBadHMAC;
//   - timestamp is within CallbackMaxAge of now: else ErrStaleTimestamp.
//
// A parameter given twice is refused (ErrBadHMAC): the signed message would
// be ambiguous. The code itself is checked by Exchange.
func (o OAuth) VerifyCallback(q url.Values, wantState, wantShop string) error {
	state := q.Get("state")
	if wantState == "" || state == "" || subtle.ConstantTimeCompare([]byte(state), []byte(wantState)) != 1 {
		return fmt.Errorf("%w: callback state is not the one issued", ErrStateMismatch)
	}
	want, err := NormalizeShop(wantShop)
	if err != nil {
		return err
	}
	if shop := q.Get("shop"); !validShop(shop) || shop != want {
		return &ShopMismatchError{Got: truncate(shop, 80), Want: want}
	}
	if err := verifyQueryHMAC(q, o.ClientSecret); err != nil {
		return err
	}
	ts, err := strconv.ParseInt(q.Get("timestamp"), 10, 64)
	if err != nil {
		return fmt.Errorf("%w: missing or malformed timestamp", ErrStaleTimestamp)
	}
	if d := o.now().Sub(time.Unix(ts, 0)); d > CallbackMaxAge || d < -CallbackMaxAge {
		return fmt.Errorf("%w: timestamp is %s away from now", ErrStaleTimestamp, d.Round(time.Second))
	}
	return nil
}

// verifyQueryHMAC checks the hmac parameter of a request Shopify signed.
func verifyQueryHMAC(q url.Values, secret string) error {
	if secret == "" {
		return fmt.Errorf("%w: no client secret configured", ErrBadHMAC)
	}
	for k, vs := range q {
		if len(vs) != 1 {
			return fmt.Errorf("%w: parameter %q given %d times", ErrBadHMAC, truncate(k, 40), len(vs))
		}
	}
	got, err := hex.DecodeString(q.Get("hmac"))
	if err != nil || len(got) != sha256.Size {
		return fmt.Errorf("%w: missing or malformed hmac", ErrBadHMAC)
	}
	// The documented message joins the raw values. Shopify's own libraries
	// (shopify-api-js stringifyQueryForAdmin, via URLSearchParams) sign the
	// form-encoded values instead; the two differ only for values holding
	// characters such as '=', '/' or '+' (a padded base64 host, say). Both
	// are HMACs under the client secret, so accepting either forges nothing.
	okRaw := hmac.Equal(got, QueryHMAC(q, secret))
	okEnc := hmac.Equal(got, queryHMACEncoded(q, secret))
	if !okRaw && !okEnc {
		return ErrBadHMAC
	}
	return nil
}

// QueryHMAC is the HMAC Shopify puts in the hmac parameter of a callback:
// HMAC-SHA256 keyed with the client secret over the parameters except hmac
// and signature, sorted by key, joined as k=v with &. Hex-encode it to
// compare with the parameter; package shopifytest signs with it.
func QueryHMAC(q url.Values, secret string) []byte {
	return queryMAC(q, secret, func(s string) string { return s })
}

func queryHMACEncoded(q url.Values, secret string) []byte {
	return queryMAC(q, secret, url.QueryEscape)
}

func queryMAC(q url.Values, secret string, esc func(string) string) []byte {
	keys := make([]string, 0, len(q))
	for k := range q {
		if k != "hmac" && k != "signature" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	m := hmac.New(sha256.New, []byte(secret))
	for i, k := range keys {
		if i > 0 {
			m.Write([]byte("&"))
		}
		m.Write([]byte(esc(k) + "=" + esc(q.Get(k))))
	}
	return m.Sum(nil)
}
