package shopifytest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// Defaults of a new Server.
const (
	DefaultClientID     = "fake-client-id"
	DefaultClientSecret = "fake-client-secret"
	DefaultShop         = "fake-shop.myshopify.com"
	// DefaultScope is what client-credentials tokens get unless GrantScopes
	// says otherwise.
	DefaultScope = "read_products"
	// APIVersion is what the fake reports in X-Shopify-API-Version.
	APIVersion = "2025-10"
)

// Consent says how the authorize page behaves.
type Consent int

const (
	// ConsentManual shows a page with an "Install app" button.
	ConsentManual Consent = iota
	// ConsentAutoInstall adds an inline script that clicks the button on
	// load, for headless browser tests.
	ConsentAutoInstall
)

// Server is a fake Shopify. Point base URLs at URL.
type Server struct {
	URL string // e.g. http://127.0.0.1:41234, no trailing slash

	hs *httptest.Server
	tb owner

	mu           sync.Mutex
	now          func() time.Time
	clientID     string
	clientSecret string
	redirectURIs []string
	consent      Consent
	grant        string // scopes the merchant grants; "" = what was asked
	shop         shopIdentity
	products     map[int64]*FakeProduct
	nextID       int64
	codes        map[string]*authCode
	access       map[string]*accessToken
	refresh      map[string]*refreshToken
	issued       string // latest access token issued
	bucket       bucket
	throttleNext int
	failures     []failure
	webhooks     []*WebhookSubscription
	nextHookID   int64
	requests     []Request
}

type shopIdentity struct{ name, myshopify, domain, currency string }

type authCode struct {
	clientID, scope string
	issued          time.Time
	used            bool
}

type accessToken struct {
	scope   string
	expires time.Time // zero: never
	revoked bool
}

type refreshToken struct {
	scope   string
	access  string // the access token issued with it
	expires time.Time
}

type failure struct {
	status  int
	headers map[string]string
}

// WebhookSubscription is a subscription the fake holds.
type WebhookSubscription struct {
	ID    string // gid://shopify/WebhookSubscription/<n>
	Topic string // enum, e.g. PRODUCTS_UPDATE
	URI   string
}

// Request is one request the fake received. Secrets are never kept:
// client_secret, code and refresh_token parameters read "REDACTED", and
// access tokens are not recorded at all.
type Request struct {
	Method string
	Path   string
	Query  url.Values // URL query
	// Params are the token endpoint's body parameters (JSON or form).
	Params url.Values
	// Operation and Variables describe a GraphQL request.
	Operation  string
	Variables  map[string]any
	APIVersion string // from a /admin/api/{version}/ path
	HasToken   bool   // X-Shopify-Access-Token was sent
}

// NewServer starts a fake on 127.0.0.1, closed by tb.Cleanup.
func NewServer(tb testing.TB) *Server {
	tb.Helper()
	s := newServer(tb)
	tb.Cleanup(s.hs.Close)
	return s
}

// newServer starts a fake on 127.0.0.1 for o; the caller closes it.
func newServer(o owner) *Server {
	s := &Server{
		tb:           o,
		now:          time.Now,
		clientID:     DefaultClientID,
		clientSecret: DefaultClientSecret,
		shop:         shopIdentity{name: "Fake Shop", myshopify: DefaultShop, domain: DefaultShop, currency: "USD"},
		products:     map[int64]*FakeProduct{},
		nextID:       9554194432000,
		codes:        map[string]*authCode{},
		access:       map[string]*accessToken{},
		refresh:      map[string]*refreshToken{},
	}
	s.bucket = bucket{max: 2000, restore: 100, avail: 2000, at: s.now()}
	s.hs = httptest.NewServer(s)
	s.URL = s.hs.URL
	return s
}

// Client returns an *http.Client for the fake (see httptest.Server.Client).
func (s *Server) Client() *http.Client { return s.hs.Client() }

// SetClock replaces the fake's clock (time.Now by default): it dates
// callbacks and tokens and drives the cost bucket's refill.
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
	s.bucket.at = now()
}

// SetApp sets the app's credentials and, when given, the only redirect
// URIs the authorize page accepts (exact match). With none, any absolute
// http(s) redirect URI is accepted.
func (s *Server) SetApp(clientID, clientSecret string, redirectURIs ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clientID, s.clientSecret = clientID, clientSecret
	s.redirectURIs = slices.Clone(redirectURIs)
}

// SetConsent sets how the authorize page behaves.
func (s *Server) SetConsent(c Consent) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.consent = c
}

// GrantScopes sets the comma-separated scopes the merchant grants,
// whatever the app asked for (the merchant can edit them). "" restores the
// default: exactly what was requested (DefaultScope for client credentials).
func (s *Server) GrantScopes(scope string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.grant = scope
}

// SetShop sets the shop's display name, primary domain host (e.g.
// "shop.example.com"; "" keeps it) and currency code ("" keeps it).
func (s *Server) SetShop(name, domain, currency string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.shop.name = name
	if domain != "" {
		s.shop.domain = domain
	}
	if currency != "" {
		s.shop.currency = currency
	}
}

var shopPattern = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9-]*\.myshopify\.com$`)

// SetMyshopifyDomain sets the shop the fake plays ("name" or
// "name.myshopify.com"; DefaultShop by default): it is the shop parameter
// of callbacks and the X-Shopify-Shop-Domain of deliveries.
func (s *Server) SetMyshopifyDomain(shop string) {
	s.tb.Helper()
	d := strings.ToLower(shop)
	if !strings.Contains(d, ".") {
		d += ".myshopify.com"
	}
	if !shopPattern.MatchString(d) {
		s.tb.Fatalf("shopifytest: SetMyshopifyDomain: %q is not a shop", shop)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shop.domain == s.shop.myshopify {
		s.shop.domain = d
	}
	s.shop.myshopify = d
}

// Shop returns the myshopify domain the fake plays.
func (s *Server) Shop() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.shop.myshopify
}

// AddToken makes access a valid, non-expiring access token with scope, as
// if the app had been installed earlier.
func (s *Server) AddToken(access, scope string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.access[access] = &accessToken{scope: scope}
	s.issued = access
}

// RevokeToken makes later calls with access fail with HTTP 401, as after
// the merchant uninstalled the app.
func (s *Server) RevokeToken(access string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.access[access]; t != nil {
		t.revoked = true
	}
}

// Token returns the access token the fake issued last for shop ("" if none
// or if shop is not the shop the fake plays).
func (s *Server) Token(shop string) (access string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	shop = strings.TrimSuffix(strings.TrimPrefix(strings.ToLower(shop), "https://"), "/")
	if shop != s.shop.myshopify && shop+".myshopify.com" != s.shop.myshopify {
		return ""
	}
	return s.issued
}

// SetCostBudget sets the GraphQL cost bucket (maximumAvailable and
// restoreRate per second; 2000 and 100 by default) and fills it.
func (s *Server) SetCostBudget(maximum, restoreRate float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bucket = bucket{max: maximum, restore: restoreRate, avail: maximum, at: s.now()}
}

// ThrottleNext makes the next n GraphQL requests THROTTLED whatever the
// bucket holds; each empties the bucket, so the wait the answer implies is
// ceil(requestedQueryCost / restoreRate) seconds.
func (s *Server) ThrottleNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.throttleNext = n
}

// FailNext makes the next request to the token endpoint or the GraphQL
// endpoint fail once with status and Shopify's {"errors": "..."} body for
// it; headers (e.g. Retry-After) are added. Failures queue in order.
func (s *Server) FailNext(status int, headers map[string]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := map[string]string{}
	for k, v := range headers {
		h[k] = v
	}
	s.failures = append(s.failures, failure{status: status, headers: h})
}

// Webhooks returns the webhook subscriptions, oldest first.
func (s *Server) Webhooks() []WebhookSubscription {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]WebhookSubscription, len(s.webhooks))
	for i, w := range s.webhooks {
		out[i] = *w
	}
	return out
}

// Requests returns the requests received so far, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		out[i] = r
		out[i].Query = cloneValues(r.Query)
		out[i].Params = cloneValues(r.Params)
	}
	return out
}

func cloneValues(v url.Values) url.Values {
	if v == nil {
		return nil
	}
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}

var graphqlPath = regexp.MustCompile(`^/admin/api/([^/]+)/graphql\.json$`)

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch p := r.URL.Path; {
	case p == "/admin/oauth/authorize" && r.Method == http.MethodGet:
		s.authorizePage(w, r)
	case p == "/admin/oauth/authorize" && r.Method == http.MethodPost:
		s.install(w, r)
	case p == "/admin/oauth/access_token" && r.Method == http.MethodPost:
		writeJSON(w, s.tokenEndpoint(r))
	case graphqlPath.MatchString(p) && r.Method == http.MethodPost:
		writeJSON(w, s.graphql(r, graphqlPath.FindStringSubmatch(p)[1]))
	default:
		writeJSON(w, response{status: http.StatusNotFound, body: map[string]any{"errors": "Not Found"}})
	}
}

// response is an answer computed under the lock and written after it.
type response struct {
	status int
	header map[string]string
	body   any
}

func writeJSON(w http.ResponseWriter, resp response) {
	for k, v := range resp.header {
		w.Header().Set(k, v)
	}
	body, err := json.Marshal(resp.body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Request-Id", randomHex(8))
	w.WriteHeader(resp.status)
	w.Write(body)
}

// takeFailure pops the next queued failure as a response, under the lock.
func (s *Server) takeFailure() (response, bool) {
	if len(s.failures) == 0 {
		return response{}, false
	}
	f := s.failures[0]
	s.failures = s.failures[1:]
	return response{status: f.status, header: f.headers, body: map[string]any{"errors": failureText(f.status)}}, true
}

// failureText is Shopify's "errors" text for a status.
func failureText(status int) string {
	switch {
	case status == http.StatusUnauthorized:
		return "[API] Invalid API key or access token (unrecognized login or wrong password)"
	case status == http.StatusPaymentRequired:
		return "Unavailable Shop"
	case status == http.StatusForbidden:
		return "[API] This action requires merchant approval for the required scope."
	case status == http.StatusLocked:
		return "Locked"
	case status == http.StatusTooManyRequests:
		return "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."
	case status >= 500:
		return "Internal Server Error"
	}
	if t := http.StatusText(status); t != "" {
		return t
	}
	return "Error"
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
