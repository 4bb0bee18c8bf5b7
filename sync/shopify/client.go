package shopify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/merchant-inbox/merchant-inbox/sync/internal/wait"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"time"
)

const (
	// APIVersion is the Admin API version every call is pinned to, so that
	// a change of Shopify's default version cannot change shapes under us.
	APIVersion = "2025-10"

	// DefaultMaxWait is ClientOptions.MaxWait's default.
	DefaultMaxWait = time.Minute

	// maxResponseBytes bounds a GraphQL answer.
	maxResponseBytes = 16 << 20
	// maxErrorBytes bounds how much of an error answer is read.
	maxErrorBytes  = 64 << 10
	defaultTimeout = 60 * time.Second
	// maxAttempts bounds the requests one call sends while throttled.
	maxAttempts = 8
	// serverRetries is how many times a 5xx answer is retried, after
	// serverBackoff, then twice that.
	serverRetries = 2
	serverBackoff = time.Second
	// defaultRetryAfter is the wait after an HTTP 429 without Retry-After.
	defaultRetryAfter = 2 * time.Second
)

// ClientOptions configures a Client.
type ClientOptions struct {
	Shop  string // "name" or "name.myshopify.com"; normalized with NormalizeShop
	Token string // the Admin API access token; a secret
	// BaseURL overrides https://{shop} (see Options).
	BaseURL string
	// HTTPClient sends the requests. Default: a client with a 60 s timeout.
	HTTPClient *http.Client
	// Sleep waits between retries; it must return early with ctx's error
	// when ctx ends. Tests replace it. Default: a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// MaxWait is the longest a call may spend waiting for Shopify's
	// throttle (THROTTLED answers and HTTP 429) in total. A call whose next
	// wait would go beyond it returns a *ThrottleError at once instead of
	// sleeping. Default DefaultMaxWait.
	MaxWait time.Duration
	// Logger receives debug lines (operation, cost) and throttle waits;
	// never tokens. Default slog.Default().
	Logger *slog.Logger
}

// Client is an Admin GraphQL API client for one shop and token. It is safe
// for concurrent use.
//
// It waits and retries on its own when Shopify throttles (THROTTLED answers:
// ceil((requestedQueryCost - currentlyAvailable) / restoreRate) seconds;
// HTTP 429: Retry-After), up to MaxWait in total and 8 attempts, and after
// a 5xx answer (twice, after 1 s and 2 s). Every operation it sends is safe
// to repeat: reads, an idempotent create, an idempotent delete. Other
// statuses map to the Err* sentinels through *APIError.
type Client struct {
	endpoint *url.URL
	shop     string
	cfgErr   error
	token    string
	hc       *http.Client
	sleep    func(context.Context, time.Duration) error
	maxWait  time.Duration
	log      *slog.Logger
}

// NewClient returns a Client. A bad shop or BaseURL is reported by every
// call rather than here, so wiring code stays simple.
func NewClient(o ClientOptions) *Client {
	c := &Client{token: o.Token, hc: o.HTTPClient, sleep: o.Sleep, maxWait: o.MaxWait, log: o.Logger}
	if c.hc == nil {
		c.hc = &http.Client{Timeout: defaultTimeout}
	}
	if c.sleep == nil {
		c.sleep = wait.Sleep
	}
	if c.maxWait <= 0 {
		c.maxWait = DefaultMaxWait
	}
	if c.log == nil {
		c.log = slog.Default()
	}
	c.log = c.log.With("component", "shopify")
	c.endpoint, c.shop, c.cfgErr = Options{BaseURL: o.BaseURL}.endpoint(o.Shop, "/admin/api/"+APIVersion+"/graphql.json")
	if c.cfgErr == nil && o.Token == "" {
		c.cfgErr = fmt.Errorf("%w: no access token", ErrUnauthorized)
	}
	return c
}

// ShopDomain is the client's normalized shop, "" when it was invalid.
func (c *Client) ShopDomain() string { return c.shop }

// gqlRequest is the body of a GraphQL POST.
type gqlRequest struct {
	Query         string         `json:"query"`
	Variables     map[string]any `json:"variables,omitempty"`
	OperationName string         `json:"operationName"`
}

// gqlResponse is a GraphQL answer: data, errors and Shopify's cost
// extension (shopify.dev/docs/api/usage/limits#graphql-admin-api-rate-limits).
type gqlResponse struct {
	Data       json.RawMessage `json:"data"`
	Errors     []gqlError      `json:"errors"`
	Extensions struct {
		Cost *queryCost `json:"cost"`
	} `json:"extensions"`
}

type gqlError struct {
	Message    string `json:"message"`
	Path       []any  `json:"path"`
	Extensions struct {
		Code string `json:"code"`
	} `json:"extensions"`
}

// do runs one GraphQL operation and decodes its data into out, waiting
// and retrying while Shopify throttles and after 5xx answers. Errors name
// the operation; never the token.
func (c *Client) do(ctx context.Context, op, query string, vars map[string]any, out any) error {
	if err := c.run(ctx, op, query, vars, out); err != nil {
		return fmt.Errorf("shopify: %s: %w", op, err)
	}
	return nil
}

func (c *Client) run(ctx context.Context, op, query string, vars map[string]any, out any) error {
	if c.cfgErr != nil {
		return c.cfgErr
	}
	body, err := json.Marshal(gqlRequest{Query: query, Variables: vars, OperationName: op})
	if err != nil {
		return errors.New("encoding the request failed")
	}
	var waited time.Duration
	serverFailures := 0
	for attempt := 1; ; attempt++ {
		status, h, raw, err := c.post(ctx, body)
		if err != nil {
			return err
		}
		switch {
		case status == http.StatusTooManyRequests:
			te := &ThrottleError{Wait: retryAfter(h, time.Now()), Attempts: attempt}
			if err := c.waitThrottle(ctx, op, te, &waited); err != nil {
				return err
			}
			continue
		case status >= 500:
			if serverFailures >= serverRetries {
				return c.apiError(status, h, raw)
			}
			d := serverBackoff << serverFailures
			serverFailures++
			c.log.WarnContext(ctx, "shopify server error, retrying", "op", op, "status", status, "wait", d)
			if err := c.sleep(ctx, d); err != nil {
				return err
			}
			continue
		case status < 200 || status > 299:
			return c.apiError(status, h, raw)
		}
		var resp gqlResponse
		if err := json.Unmarshal(raw, &resp); err != nil {
			return fmt.Errorf("the answer (HTTP %d) is not GraphQL JSON", status)
		}
		if cost := resp.Extensions.Cost; cost != nil {
			actual := -1.0 // null: the query did not run
			if cost.Actual != nil {
				actual = *cost.Actual
			}
			c.log.DebugContext(ctx, "shopify graphql", "op", op, "requested_cost", cost.Requested,
				"actual_cost", actual, "available", cost.Throttle.Available, "restore_rate", cost.Throttle.RestoreRate)
		}
		if throttled(resp.Errors) {
			te := resp.Extensions.Cost.throttleError(attempt)
			if err := c.waitThrottle(ctx, op, te, &waited); err != nil {
				return err
			}
			continue
		}
		if len(resp.Errors) > 0 {
			return c.graphQLError(op, resp.Errors)
		}
		if len(resp.Data) == 0 || string(resp.Data) == "null" {
			return errors.New("the answer has no data")
		}
		if err := json.Unmarshal(resp.Data, out); err != nil {
			return fmt.Errorf("decoding the answer: %w", err)
		}
		return nil
	}
}

// waitThrottle sleeps te.Wait when the budget allows, else returns te.
func (c *Client) waitThrottle(ctx context.Context, op string, te *ThrottleError, waited *time.Duration) error {
	if te.Attempts >= maxAttempts || *waited+te.Wait > c.maxWait ||
		(te.RestoreRate > 0 && te.RequestedCost > 0 && te.max > 0 && te.RequestedCost > te.max) {
		return te
	}
	c.log.InfoContext(ctx, "shopify throttled, waiting", "op", op, "wait", te.Wait, "attempt", te.Attempts)
	if err := c.sleep(ctx, te.Wait); err != nil {
		return err
	}
	*waited += te.Wait
	return nil
}

// post sends one request and reads the (bounded) answer.
func (c *Client) post(ctx context.Context, body []byte) (int, http.Header, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint.String(), bytes.NewReader(body))
	if err != nil {
		return 0, nil, nil, errors.New("building the request failed")
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("X-Shopify-Access-Token", c.token)
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, nil, nil, transportError(err)
	}
	defer resp.Body.Close()
	limit := int64(maxResponseBytes)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		limit = maxErrorBytes
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return 0, nil, nil, fmt.Errorf("reading the answer: %w", transportError(err))
	}
	if int64(len(raw)) > limit {
		if limit == maxErrorBytes {
			raw = raw[:limit]
		} else {
			return 0, nil, nil, fmt.Errorf("answer larger than %d bytes", limit)
		}
	}
	return resp.StatusCode, resp.Header, raw, nil
}

// apiError describes a non-2xx answer: {"errors": "..."} in Shopify's REST
// style, or whatever a proxy sent.
func (c *Client) apiError(status int, h http.Header, raw []byte) *APIError {
	e := &APIError{HTTPStatus: status, RequestID: h.Get("X-Request-Id")}
	var w struct {
		Errors json.RawMessage `json:"errors"`
	}
	if json.Unmarshal(raw, &w) == nil && len(w.Errors) > 0 {
		e.Message = errorsText(w.Errors)
	}
	if e.Message == "" {
		e.Message = http.StatusText(status)
	}
	e.Message = truncate(scrubSecrets(e.Message, []string{c.token}), 300)
	return e
}

func (c *Client) graphQLError(op string, errs []gqlError) *GraphQLError {
	e := &GraphQLError{Operation: op}
	for _, g := range errs {
		it := GraphQLErrorItem{Message: truncate(scrubSecrets(g.Message, []string{c.token}), 300), Code: g.Extensions.Code}
		for _, p := range g.Path {
			it.Path = append(it.Path, fmt.Sprint(p))
		}
		e.Errors = append(e.Errors, it)
	}
	return e
}
