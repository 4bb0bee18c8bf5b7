package facebook

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

const (
	// APIVersion is the Graph API version every call is pinned to, so a
	// change of Meta's default version cannot change response shapes under us.
	APIVersion = "v25.0"
	// DefaultBaseURL is the Graph API host used when Options.BaseURL is empty.
	DefaultBaseURL = "https://graph.facebook.com"

	// maxResponseBytes bounds how much of a response body is read, so a
	// broken proxy or a hostile endpoint cannot exhaust memory.
	maxResponseBytes = 10 << 20
	// defaultTimeout bounds a call when the caller brings no http.Client;
	// contexts still apply on top of it.
	defaultTimeout = 60 * time.Second
)

// Options configures a Client. The zero value talks to the real Graph API.
type Options struct {
	// BaseURL is the Graph host (scheme and host, e.g. http://127.0.0.1:8080);
	// the client appends "/"+APIVersion itself. Default DefaultBaseURL.
	BaseURL string
	// HTTPClient sends the requests. Default: a client with a 60 s timeout.
	HTTPClient *http.Client
	// AppSecret, when set, makes every call carry appsecret_proof, which Meta
	// requires when the app enables "Require App Secret" and ignores otherwise.
	AppSecret string
	// Now reads the clock for rate-limit bookkeeping; tests replace it.
	// Default time.Now.
	Now func() time.Time
}

// Client is a Graph API client for page-token calls. It is safe for
// concurrent use; its only mutable state is the rate-limit blocks (the
// app's, and one per throttled token), which are per Client so that
// independent Meta apps never block each other.
//
// The access token is sent as "Authorization: Bearer <token>", never in the
// URL: URLs end up in *url.Error texts, proxy logs and panics, headers do not.
type Client struct {
	base      *url.URL
	baseErr   error
	hc        *http.Client
	appSecret string
	now       func() time.Time

	mu      sync.Mutex
	blocks  map[blockScope]block // live rate-limit blocks (ratelimit.go)
	strikes map[blockScope]int   // zero-estimate throttles in a row (ratelimit.go)
}

// NewClient returns a Client. An unusable BaseURL is reported by every call
// rather than here, so wiring code stays simple.
func NewClient(o Options) *Client {
	c := &Client{hc: o.HTTPClient, appSecret: o.AppSecret, now: o.Now}
	if c.hc == nil {
		c.hc = &http.Client{Timeout: defaultTimeout}
	}
	if c.now == nil {
		c.now = time.Now
	}
	raw := o.BaseURL
	if raw == "" {
		raw = DefaultBaseURL
	}
	u, err := url.Parse(strings.TrimRight(raw, "/"))
	switch {
	case err != nil:
		c.baseErr = errors.New("facebook: BaseURL is not a valid URL")
	case u.Scheme != "http" && u.Scheme != "https", u.Host == "":
		c.baseErr = errors.New("facebook: BaseURL must be an absolute http(s) URL")
	case u.User != nil || u.RawQuery != "" || u.Fragment != "":
		c.baseErr = errors.New("facebook: BaseURL must not carry credentials, a query or a fragment")
	default:
		c.base = u
	}
	return c
}

// endpoint builds the URL of a Graph object or edge. IDs come from Meta but
// also from local data, so they are checked not to escape the version path.
func (c *Client) endpoint(query url.Values, id string, edge ...string) (*url.URL, error) {
	if c.baseErr != nil {
		return nil, c.baseErr
	}
	if id == "" || id == "." || id == ".." || strings.ContainsAny(id, "/?#") {
		return nil, fmt.Errorf("facebook: invalid Graph object id %q", id)
	}
	u := *c.base
	u.Path = strings.Join(append([]string{c.base.Path, APIVersion, id}, edge...), "/")
	u.RawPath = ""
	u.RawQuery = query.Encode()
	return &u, nil
}

// do sends one request and decodes a successful JSON answer into out.
// Every error it returns names the method and path only: never the query,
// which may hold a proof, nor the token.
func (c *Client) do(ctx context.Context, method string, u *url.URL, token string, form url.Values, out any) error {
	err := errors.New("empty access token")
	if token != "" {
		err = c.roundTrip(ctx, method, u, token, form, out, nil)
	}
	if err != nil {
		return fmt.Errorf("facebook: %s %s: %w", method, u.Path, err)
	}
	return nil
}

// roundTrip sends one request (with token as Bearer and appsecret_proof,
// when there is a token) and decodes the answer. Graph sometimes echoes
// what it was sent in its error messages: the token, and every string in
// scrub, are cut out of them.
func (c *Client) roundTrip(ctx context.Context, method string, u *url.URL, token string, form url.Values, out any, scrub []string) error {
	if err := c.checkBlocked(token); err != nil {
		return err
	}
	req, err := c.newRequest(ctx, method, u, token, form)
	if err != nil {
		return err
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return transportError(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	if err != nil {
		return fmt.Errorf("reading response: %w", transportError(err))
	}
	if len(body) > maxResponseBytes {
		return fmt.Errorf("response body larger than %d bytes", maxResponseBytes)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		gerr := parseError(resp.StatusCode, resp.Header, body, token)
		for _, secret := range scrub {
			if secret != "" {
				gerr.Message = strings.ReplaceAll(gerr.Message, secret, "[REDACTED]")
			}
		}
		if errors.Is(gerr, ErrRateLimited) {
			return c.rateLimited(resp.Header, gerr, token)
		}
		c.observeUsage(resp.Header, token)
		return gerr
	}
	c.observeUsage(resp.Header, token)
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("decoding response: %w", err)
	}
	return nil
}

func (c *Client) newRequest(ctx context.Context, method string, u *url.URL, token string, form url.Values) (*http.Request, error) {
	target := *u
	if token != "" && c.appSecret != "" {
		q := target.Query()
		q.Set("appsecret_proof", appSecretProof(c.appSecret, token))
		target.RawQuery = q.Encode()
	}
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, target.String(), body)
	if err != nil {
		// The URL is ours and valid; only a bad method or nil ctx gets here.
		return nil, errors.New("building request failed")
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Accept", "application/json")
	return req, nil
}

// appSecretProof is hex(HMAC-SHA256(key=app secret, msg=access token)), the
// value Graph expects in appsecret_proof.
func appSecretProof(appSecret, token string) string {
	m := hmac.New(sha256.New, []byte(appSecret))
	m.Write([]byte(token))
	return hex.EncodeToString(m.Sum(nil))
}

// transportError drops the *url.Error layer net/http adds: its text repeats
// the full request URL. The cause (dial, TLS, timeout, context) is kept for
// errors.Is/As.
func transportError(err error) error {
	if ue, ok := errors.AsType[*url.Error](err); ok {
		return ue.Err
	}
	return err
}
