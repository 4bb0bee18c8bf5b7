package shopifytest_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/shopify/shopifytest"
)

const (
	id       = "cid"
	secret   = "csecret"
	redirect = "http://127.0.0.1:5555/cb"
	token    = "shpat_known"
)

var t0 = time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newFake(t *testing.T) (*shopifytest.Server, *clock) {
	t.Helper()
	clk := &clock{t: t0}
	s := shopifytest.NewServer(t)
	s.SetClock(clk.Now)
	s.SetApp(id, secret, redirect)
	s.SetMyshopifyDomain("acme")
	return s, clk
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func do(t *testing.T, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

func authorizeURL(s *shopifytest.Server, clientID, redirectURI string) string {
	q := url.Values{"client_id": {clientID}, "scope": {"read_products,read_orders"}, "redirect_uri": {redirectURI}, "state": {"xyz"}}
	return s.URL + "/admin/oauth/authorize?" + q.Encode()
}

func hmacHex(key, msg string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(msg))
	return hex.EncodeToString(m.Sum(nil))
}

func TestSignQueryVector(t *testing.T) {
	q, _ := url.ParseQuery("code=0907a61c0c8d55e99db179b68161bc00&shop=some-shop.myshopify.com&state=0.6784241404160823&timestamp=1337178173")
	if got := shopifytest.SignQuery(q, "hush"); got != "700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf" {
		t.Fatalf("SignQuery = %s", got)
	}
}

func TestAuthorizePage(t *testing.T) {
	s, _ := newFake(t)
	tests := []struct {
		name       string
		consent    shopifytest.Consent
		clientID   string
		redirect   string
		wantStatus int
		wantScript bool
	}{
		{"manual", shopifytest.ConsentManual, id, redirect, 200, false},
		{"auto install", shopifytest.ConsentAutoInstall, id, redirect, 200, true},
		{"unknown client", shopifytest.ConsentManual, "nope", redirect, 400, false},
		{"redirect not allowed", shopifytest.ConsentManual, id, "http://127.0.0.1:5555/other", 400, false},
		{"redirect missing", shopifytest.ConsentManual, id, "", 400, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s.SetConsent(tt.consent)
			req, _ := http.NewRequest(http.MethodGet, authorizeURL(s, tt.clientID, tt.redirect), nil)
			resp, body := do(t, req)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.wantStatus, body)
			}
			if tt.wantStatus != 200 {
				return
			}
			page := string(body)
			if !strings.Contains(page, `id="install"`) || !strings.Contains(page, "Install app") {
				t.Fatalf("no Install app button: %s", page)
			}
			if got := strings.Contains(page, `getElementById("install").click()`); got != tt.wantScript {
				t.Fatalf("auto-click script present = %v, want %v", got, tt.wantScript)
			}
		})
	}
}

func TestInstallRedirectIsSigned(t *testing.T) {
	s, clk := newFake(t)
	cb, err := s.Install(t.Context(), authorizeURL(s, id, redirect))
	if err != nil {
		t.Fatal(err)
	}
	q := cb.Query()
	if q.Get("shop") != "acme.myshopify.com" || q.Get("state") != "xyz" || q.Get("timestamp") != strconv.FormatInt(clk.Now().Unix(), 10) {
		t.Fatalf("callback = %v", q)
	}
	if host, err := base64.RawStdEncoding.DecodeString(q.Get("host")); err != nil || string(host) != "admin.shopify.com/store/acme" {
		t.Fatalf("host = %q (%s), %v", q.Get("host"), host, err)
	}
	// Recompute the documented message by hand.
	var keys []string
	for k := range q {
		if k != "hmac" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, k+"="+q.Get(k))
	}
	if want := hmacHex(secret, strings.Join(parts, "&")); q.Get("hmac") != want {
		t.Fatalf("hmac = %s, want %s", q.Get("hmac"), want)
	}
}

// tokenRequest posts params to the token endpoint as JSON (numbers kept
// as numbers) or form.
func tokenRequest(t *testing.T, s *shopifytest.Server, asJSON bool, params map[string]any) (int, map[string]any) {
	t.Helper()
	var req *http.Request
	if asJSON {
		b, _ := json.Marshal(params)
		req, _ = http.NewRequest(http.MethodPost, s.URL+"/admin/oauth/access_token", bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
	} else {
		f := url.Values{}
		for k, v := range params {
			f.Set(k, v.(string))
		}
		req, _ = http.NewRequest(http.MethodPost, s.URL+"/admin/oauth/access_token", strings.NewReader(f.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, body := do(t, req)
	var out map[string]any
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatalf("token answer is not JSON: %s", body)
	}
	return resp.StatusCode, out
}

func issueCode(t *testing.T, s *shopifytest.Server) string {
	t.Helper()
	cb, err := s.Install(t.Context(), authorizeURL(s, id, redirect))
	if err != nil {
		t.Fatal(err)
	}
	return cb.Query().Get("code")
}

func TestTokenEndpoint(t *testing.T) {
	s, clk := newFake(t)

	// Plain offline token; the code is single-use.
	code := issueCode(t, s)
	status, out := tokenRequest(t, s, true, map[string]any{"client_id": id, "client_secret": secret, "code": code})
	if status != 200 || out["scope"] != "read_products,read_orders" || out["expires_in"] != nil || out["refresh_token"] != nil {
		t.Fatalf("%d %v", status, out)
	}
	if s.Token("acme") != out["access_token"] {
		t.Fatal("Token() is not the issued token")
	}
	status, out = tokenRequest(t, s, true, map[string]any{"client_id": id, "client_secret": secret, "code": code})
	if status != 400 || out["error"] != "invalid_grant" {
		t.Fatalf("reused code: %d %v", status, out)
	}

	// Expiring token and rotation.
	s.GrantScopes("read_products")
	code = issueCode(t, s)
	status, out = tokenRequest(t, s, true, map[string]any{"client_id": id, "client_secret": secret, "code": code, "expiring": 1})
	if status != 200 || out["expires_in"] != float64(3600) || out["refresh_token_expires_in"] != float64(7776000) ||
		!strings.HasPrefix(out["refresh_token"].(string), "shprt_") || out["scope"] != "read_products" {
		t.Fatalf("expiring: %d %v", status, out)
	}
	rt := out["refresh_token"].(string)
	status, out2 := tokenRequest(t, s, true, map[string]any{"client_id": id, "client_secret": secret, "grant_type": "refresh_token", "refresh_token": rt})
	if status != 200 || out2["refresh_token"] == rt || out2["access_token"] == out["access_token"] {
		t.Fatalf("refresh: %d %v", status, out2)
	}
	status, out3 := tokenRequest(t, s, false, map[string]any{"client_id": id, "client_secret": secret, "grant_type": "refresh_token", "refresh_token": rt})
	if status != 400 || out3["error"] != "invalid_grant" {
		t.Fatalf("old refresh token: %d %v", status, out3)
	}

	// A code expires after 10 minutes.
	code = issueCode(t, s)
	clk.Add(11 * time.Minute)
	if status, out := tokenRequest(t, s, true, map[string]any{"client_id": id, "client_secret": secret, "code": code}); status != 400 || out["error"] != "invalid_grant" {
		t.Fatalf("expired code: %d %v", status, out)
	}

	// A code is bound to the client that asked for it.
	code = issueCode(t, s)
	s.SetApp("other-id", secret)
	if status, out := tokenRequest(t, s, true, map[string]any{"client_id": "other-id", "client_secret": secret, "code": code}); status != 400 || out["error"] != "invalid_grant" {
		t.Fatalf("code of another client: %d %v", status, out)
	}
	s.SetApp(id, secret, redirect)

	// Client credentials, form-encoded.
	s.GrantScopes("")
	status, out = tokenRequest(t, s, false, map[string]any{"client_id": id, "client_secret": secret, "grant_type": "client_credentials"})
	if status != 200 || out["expires_in"] != float64(86399) || out["refresh_token"] != nil || out["scope"] != shopifytest.DefaultScope {
		t.Fatalf("client credentials: %d %v", status, out)
	}

	// Wrong secret, unknown grant.
	if status, out := tokenRequest(t, s, false, map[string]any{"client_id": id, "client_secret": "wrong", "grant_type": "client_credentials"}); status != 401 || out["error"] != "invalid_client" {
		t.Fatalf("wrong secret: %d %v", status, out)
	}
	if status, out := tokenRequest(t, s, false, map[string]any{"client_id": id, "client_secret": secret, "grant_type": "password"}); status != 400 || out["error"] != "unsupported_grant_type" {
		t.Fatalf("unknown grant: %d %v", status, out)
	}

	// Nothing secret was recorded.
	for _, r := range s.Requests() {
		for _, k := range []string{"client_secret", "code", "refresh_token"} {
			if v := r.Params.Get(k); v != "" && v != "REDACTED" {
				t.Fatalf("recorded %s=%q", k, v)
			}
		}
	}
}

type gqlAnswer struct {
	Data   map[string]any `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
	Extensions struct {
		Cost *struct {
			Requested      float64  `json:"requestedQueryCost"`
			Actual         *float64 `json:"actualQueryCost"`
			ThrottleStatus struct {
				Max       float64 `json:"maximumAvailable"`
				Available float64 `json:"currentlyAvailable"`
				Restore   float64 `json:"restoreRate"`
			} `json:"throttleStatus"`
		} `json:"cost"`
	} `json:"extensions"`
}

func gql(t *testing.T, s *shopifytest.Server, tok, query, op string, vars map[string]any) (*http.Response, gqlAnswer) {
	t.Helper()
	b, _ := json.Marshal(map[string]any{"query": query, "operationName": op, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/admin/api/2025-10/graphql.json", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if tok != "" {
		req.Header.Set("X-Shopify-Access-Token", tok)
	}
	resp, body := do(t, req)
	var a gqlAnswer
	if resp.StatusCode == 200 {
		if err := json.Unmarshal(body, &a); err != nil {
			t.Fatalf("not JSON: %s", body)
		}
	}
	return resp, a
}

func TestGraphQLShapes(t *testing.T) {
	s, clk := newFake(t)
	s.AddToken(token, "read_products")
	for i := range 5 {
		s.AddProduct(shopifytest.FakeProduct{Title: "P" + strconv.Itoa(i), Variants: []shopifytest.FakeVariant{{Title: "Default Title", Price: "1.00", InventoryQuantity: i}}})
	}

	// No token: 401 with Shopify's errors text.
	if resp, _ := gql(t, s, "", "query MerchantInboxShop { shop { name } }", "", nil); resp.StatusCode != 401 {
		t.Fatalf("no token: %d", resp.StatusCode)
	}

	// Operation found from the document when operationName is absent.
	resp, a := gql(t, s, token, "query MerchantInboxShop { shop { name } }", "", nil)
	if resp.StatusCode != 200 || a.Data["shop"] == nil || a.Extensions.Cost == nil || resp.Header.Get("X-Shopify-API-Version") != "2025-10" {
		t.Fatalf("shop: %d %+v", resp.StatusCode, a)
	}

	// Paging: 2 + 2 + 1 with cursors.
	var after any
	var titles []string
	for page := 0; ; page++ {
		_, a := gql(t, s, token, "query MerchantInboxProducts($first: Int!, $after: String) { ... }", shopifytest.OpProducts, map[string]any{"first": 2, "after": after})
		if a.Extensions.Cost == nil || a.Extensions.Cost.Requested != 2+2*104 || a.Extensions.Cost.Actual == nil {
			t.Fatalf("cost = %+v", a.Extensions.Cost)
		}
		products := a.Data["products"].(map[string]any)
		for _, n := range products["nodes"].([]any) {
			titles = append(titles, n.(map[string]any)["title"].(string))
		}
		pi := products["pageInfo"].(map[string]any)
		if pi["hasNextPage"] != true {
			break
		}
		after = pi["endCursor"]
		if page > 5 {
			t.Fatal("paging does not end")
		}
	}
	if strings.Join(titles, ",") != "P0,P1,P2,P3,P4" {
		t.Fatalf("titles = %v", titles)
	}

	// Too expensive for one query.
	_, a = gql(t, s, token, "query MerchantInboxProducts { ... }", shopifytest.OpProducts, map[string]any{"first": 10})
	if len(a.Errors) != 1 || a.Errors[0].Extensions["code"] != "MAX_COST_EXCEEDED" || a.Extensions.Cost == nil {
		t.Fatalf("max cost: %+v", a)
	}

	// Throttled: HTTP 200, THROTTLED, actualQueryCost null.
	s.ThrottleNext(1)
	resp, a = gql(t, s, token, "query MerchantInboxShop { shop { name } }", shopifytest.OpShop, nil)
	if resp.StatusCode != 200 || len(a.Errors) != 1 || a.Errors[0].Extensions["code"] != "THROTTLED" ||
		a.Extensions.Cost == nil || a.Extensions.Cost.Actual != nil || a.Extensions.Cost.ThrottleStatus.Available != 0 {
		t.Fatalf("throttled: %+v", a)
	}

	// Unknown operation.
	_, a = gql(t, s, token, "query Other { shop { id } }", "", nil)
	if len(a.Errors) != 1 || !strings.Contains(a.Errors[0].Message, "not implemented") {
		t.Fatalf("unknown op: %+v", a)
	}

	// Missing scope (after the throttle above emptied the bucket).
	clk.Add(time.Minute)
	s.AddToken("shpat_orders", "read_orders")
	_, a = gql(t, s, "shpat_orders", "query MerchantInboxProducts { ... }", shopifytest.OpProducts, map[string]any{"first": 1})
	if len(a.Errors) != 1 || a.Errors[0].Extensions["code"] != "ACCESS_DENIED" {
		t.Fatalf("access denied: %+v", a)
	}

	// FailNext.
	s.FailNext(429, map[string]string{"Retry-After": "2.0"})
	resp, _ = gql(t, s, token, "query MerchantInboxShop { shop { name } }", "", nil)
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "2.0" {
		t.Fatalf("FailNext: %d %v", resp.StatusCode, resp.Header)
	}

	// Requests never hold the token.
	for _, r := range s.Requests() {
		if strings.Contains(strings.Join([]string{r.Path, r.Query.Encode(), r.Params.Encode()}, " "), token) {
			t.Fatalf("request recorded the token: %+v", r)
		}
	}
}

func TestGraphQLBucketRefills(t *testing.T) {
	s, clk := newFake(t)
	s.AddToken(token, "read_products")
	s.SetCostBudget(10, 1)
	for range 5 {
		if _, a := gql(t, s, token, "query X { }", shopifytest.OpShop, nil); len(a.Errors) != 0 {
			t.Fatalf("within budget: %+v", a)
		}
	}
	_, a := gql(t, s, token, "query X { }", shopifytest.OpShop, nil)
	if len(a.Errors) != 1 || a.Errors[0].Extensions["code"] != "THROTTLED" {
		t.Fatalf("bucket empty: %+v", a)
	}
	clk.Add(2 * time.Second)
	if _, a := gql(t, s, token, "query X { }", shopifytest.OpShop, nil); len(a.Errors) != 0 {
		t.Fatalf("after refill: %+v", a)
	}
}

func TestWebhookSubscriptions(t *testing.T) {
	s, _ := newFake(t)
	s.AddToken(token, "read_products")
	create := func(topic, uri string) map[string]any {
		_, a := gql(t, s, token, "query X { }", shopifytest.OpWebhookCreate, map[string]any{"topic": topic, "webhookSubscription": map[string]any{"uri": uri}})
		return a.Data["webhookSubscriptionCreate"].(map[string]any)
	}
	if r := create("PRODUCTS_UPDATE", "https://a.example/h"); len(r["userErrors"].([]any)) != 0 || r["webhookSubscription"] == nil {
		t.Fatalf("create: %v", r)
	}
	r := create("PRODUCTS_UPDATE", "https://a.example/h")
	if ue := r["userErrors"].([]any); len(ue) != 1 || !strings.Contains(ue[0].(map[string]any)["message"].(string), "already been taken") {
		t.Fatalf("duplicate: %v", r)
	}
	if ue := create("PRODUCTS_UPDATE", "http://a.example/h")["userErrors"].([]any); len(ue) != 1 {
		t.Fatalf("http address accepted")
	}
	subs := s.Webhooks()
	if len(subs) != 1 {
		t.Fatalf("subs = %v", subs)
	}
	_, a := gql(t, s, token, "query X { }", shopifytest.OpWebhookDelete, map[string]any{"id": subs[0].ID})
	if d := a.Data["webhookSubscriptionDelete"].(map[string]any); d["deletedWebhookSubscriptionId"] != subs[0].ID {
		t.Fatalf("delete: %v", d)
	}
	if len(s.Webhooks()) != 0 {
		t.Fatal("not deleted")
	}
}

func TestDeliver(t *testing.T) {
	s, clk := newFake(t)
	var got http.Header
	var gotBody []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		gotBody, _ = io.ReadAll(r.Body)
		w.WriteHeader(202)
	}))
	defer srv.Close()
	body := []byte(`{"id":1}`)
	status, err := s.Deliver(t.Context(), srv.URL, "products/delete", body)
	if err != nil || status != 202 {
		t.Fatalf("Deliver = %d, %v", status, err)
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	want := map[string]string{
		"X-Shopify-Hmac-Sha256":  base64.StdEncoding.EncodeToString(m.Sum(nil)),
		"X-Shopify-Topic":        "products/delete",
		"X-Shopify-Shop-Domain":  "acme.myshopify.com",
		"X-Shopify-API-Version":  "2025-10",
		"X-Shopify-Triggered-At": clk.Now().Format(time.RFC3339Nano),
		"Content-Type":           "application/json",
	}
	for k, v := range want {
		if got.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, got.Get(k), v)
		}
	}
	if got.Get("X-Shopify-Webhook-Id") == "" || !bytes.Equal(gotBody, body) {
		t.Fatalf("webhook id %q, body %s", got.Get("X-Shopify-Webhook-Id"), gotBody)
	}
	firstID := got.Get("X-Shopify-Webhook-Id")

	s.Deliver(t.Context(), srv.URL, "products/delete", body, shopifytest.WithWrongSignature(), shopifytest.WithoutHeader("X-Shopify-Topic"))
	if got.Get("X-Shopify-Hmac-Sha256") == want["X-Shopify-Hmac-Sha256"] || got.Get("X-Shopify-Topic") != "" {
		t.Fatalf("options ignored: %v", got)
	}
	if got.Get("X-Shopify-Webhook-Id") == firstID {
		t.Fatal("webhook ids repeat")
	}
	s.Deliver(t.Context(), srv.URL, "products/delete", body, shopifytest.WithWebhookID(firstID))
	if got.Get("X-Shopify-Webhook-Id") != firstID {
		t.Fatal("WithWebhookID ignored")
	}
}

func TestProductPayloadShape(t *testing.T) {
	s, _ := newFake(t)
	s.AddProduct(shopifytest.FakeProduct{ID: 42, Title: "Mug", Status: "ACTIVE", ImageURL: "https://cdn/m.jpg",
		Variants: []shopifytest.FakeVariant{{ID: 7, Title: "Default Title", SKU: "MUG", Price: "9.50", InventoryQuantity: 3}}})
	var p map[string]any
	if err := json.Unmarshal(s.ProductPayload(42), &p); err != nil {
		t.Fatal(err)
	}
	if p["id"] != float64(42) || p["admin_graphql_api_id"] != "gid://shopify/Product/42" || p["status"] != "active" ||
		p["image"].(map[string]any)["src"] != "https://cdn/m.jpg" {
		t.Fatalf("payload = %v", p)
	}
	v := p["variants"].([]any)[0].(map[string]any)
	if v["id"] != float64(7) || v["price"] != "9.50" || v["inventory_quantity"] != float64(3) || v["sku"] != "MUG" {
		t.Fatalf("variant = %v", v)
	}
	if _, err := time.Parse(time.RFC3339, p["updated_at"].(string)); err != nil {
		t.Fatalf("updated_at = %v", p["updated_at"])
	}
}
