package shopify_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/shopify"
	"github.com/merchant-inbox/merchant-inbox/sync/shopify/shopifytest"
)

func TestShop(t *testing.T) {
	fake, clk := newFake(t, "read_products")
	fake.SetShop("Acme Outdoor", "shop.acme.example", "EUR")
	got, err := newClient(fake, clk, accessToken).Shop(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := shopify.ShopInfo{Name: "Acme Outdoor", Domain: "shop.acme.example", MyshopifyDomain: shopDomain, Currency: "EUR"}
	if got != want {
		t.Fatalf("Shop = %+v, want %+v", got, want)
	}
	reqs := fake.Requests()
	r := reqs[len(reqs)-1]
	if r.Path != "/admin/api/2025-10/graphql.json" || r.APIVersion != shopify.APIVersion || !r.HasToken {
		t.Fatalf("request = %+v", r)
	}
}

func addProducts(fake *shopifytest.Server, n int) []string {
	var ids []string
	for i := range n {
		ids = append(ids, fake.AddProduct(shopifytest.FakeProduct{
			Title:     fmt.Sprintf("T-Shirt %d", i),
			Vendor:    fmt.Sprintf("Vendor %d", i),
			URL:       fmt.Sprintf("https://acme.example/products/t-shirt-%d", i),
			ImageURL:  fmt.Sprintf("https://cdn.shopify.com/t%d.jpg", i),
			UpdatedAt: t0.Add(time.Duration(i) * time.Minute),
			Variants: []shopifytest.FakeVariant{
				{Title: "S", SKU: fmt.Sprintf("TS-%d-S", i), Price: "29.99", InventoryQuantity: 2},
				{Title: "M", SKU: fmt.Sprintf("TS-%d-M", i), Price: "31.50", InventoryQuantity: i},
			},
		}))
	}
	return ids
}

func TestProductsPaging(t *testing.T) {
	fake, clk := newFake(t, "read_products")
	ids := addProducts(fake, 7)
	got, err := collect(newClient(fake, clk, accessToken).Products(t.Context(), 3))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 7 {
		t.Fatalf("got %d products, want 7", len(got))
	}
	for i, p := range got {
		if p.ID != ids[i] || !strings.HasPrefix(p.ID, "gid://shopify/Product/") {
			t.Errorf("product %d id = %q, want %q", i, p.ID, ids[i])
		}
		if p.Title != fmt.Sprintf("T-Shirt %d", i) || p.Handle != fmt.Sprintf("t-shirt-%d", i) || p.Status != "ACTIVE" ||
			p.Vendor != fmt.Sprintf("Vendor %d", i) {
			t.Errorf("product %d = %+v", i, p)
		}
		if p.URL == "" || p.ImageURL == "" || p.TotalInventory != 2+i || !p.UpdatedAt.Equal(t0.Add(time.Duration(i)*time.Minute)) {
			t.Errorf("product %d = %+v", i, p)
		}
		if len(p.Variants) != 2 || p.Variants[1].Price != "31.50" || p.Variants[1].InventoryQuantity != i ||
			p.Variants[0].SKU != fmt.Sprintf("TS-%d-S", i) || !strings.HasPrefix(p.Variants[0].ID, "gid://shopify/ProductVariant/") {
			t.Errorf("product %d variants = %+v", i, p.Variants)
		}
	}
	// Three pages: 3 + 3 + 1, each after the previous endCursor.
	var pages []map[string]any
	for _, r := range fake.Requests() {
		if r.Operation == shopifytest.OpProducts {
			pages = append(pages, r.Variables)
		}
	}
	if len(pages) != 3 {
		t.Fatalf("%d product requests, want 3", len(pages))
	}
	if pages[0]["after"] != nil || pages[1]["after"] == nil || pages[2]["after"] == pages[1]["after"] {
		t.Fatalf("cursors: %v", pages)
	}
	for _, p := range pages {
		if p["first"] != float64(3) {
			t.Fatalf("first = %v, want 3", p["first"])
		}
	}
	// Unpublished product: null onlineStoreUrl and featuredImage.
	fake.AddProduct(shopifytest.FakeProduct{Title: "Draft", Status: "DRAFT"})
	got, err = collect(newClient(fake, clk, accessToken).Products(t.Context(), 0))
	if err != nil {
		t.Fatal(err)
	}
	if d := got[len(got)-1]; d.Status != "DRAFT" || d.URL != "" || d.ImageURL != "" || len(d.Variants) != 1 {
		t.Fatalf("draft = %+v", d)
	}
}

func TestProductsStopEarly(t *testing.T) {
	fake, clk := newFake(t, "read_products")
	addProducts(fake, 7)
	n := 0
	for _, err := range newClient(fake, clk, accessToken).Products(t.Context(), 3) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 2 {
			break
		}
	}
	if len(fake.Requests()) != 1 {
		t.Fatalf("%d requests after breaking on the first page, want 1", len(fake.Requests()))
	}
}

func TestProductsPageSizeWithinCostLimit(t *testing.T) {
	fake, clk := newFake(t, "read_products")
	addProducts(fake, 12)
	got, err := collect(newClient(fake, clk, accessToken).Products(t.Context(), 250))
	if err != nil {
		t.Fatalf("Products(250) = %v (the fake refuses queries above 1000 points)", err)
	}
	if len(got) != 12 {
		t.Fatalf("got %d products", len(got))
	}
	for _, r := range fake.Requests() {
		if r.Variables["first"] != float64(shopify.MaxProductsPageSize) {
			t.Fatalf("first = %v, want %d", r.Variables["first"], shopify.MaxProductsPageSize)
		}
	}
}

func TestThrottleRetryWaitsComputedTime(t *testing.T) {
	fake, clk := newFake(t, "read_products")
	addProducts(fake, 2)
	fake.SetCostBudget(1000, 50)
	fake.ThrottleNext(2)
	c := newClient(fake, clk, accessToken)
	got, err := collect(c.Products(t.Context(), 3))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("got %d products", len(got))
	}
	// requestedQueryCost = 2 + 3*104 = 314; each throttle empties the
	// bucket: ceil((314 - 0) / 50) = 7 s, twice.
	want := []time.Duration{7 * time.Second, 7 * time.Second}
	if s := clk.Sleeps(); fmt.Sprint(s) != fmt.Sprint(want) {
		t.Fatalf("sleeps = %v, want %v", s, want)
	}
}

func TestThrottleFromBucket(t *testing.T) {
	fake, clk := newFake(t, "read_products")
	addProducts(fake, 20)
	// A bucket of 1000 restoring 100/s. Every page of 9 requests
	// 2 + 9*104 = 938 points and uses 2 + 9*(1+1+2+2) = 56 (image and two
	// variants each): 1000 -> 944 -> 888, which is short of 938 for the
	// third page: wait ceil((938 - 888) / 100) = 1 s, which refills it.
	fake.SetCostBudget(1000, 100)
	got, err := collect(newClient(fake, clk, accessToken).Products(t.Context(), 0))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 20 {
		t.Fatalf("got %d", len(got))
	}
	if s := clk.Sleeps(); fmt.Sprint(s) != "[1s]" {
		t.Fatalf("sleeps = %v, want [1s]", s)
	}
}

func TestThrottleBeyondMaxWait(t *testing.T) {
	t.Run("one wait too long", func(t *testing.T) {
		fake, clk := newFake(t, "read_products")
		addProducts(fake, 1)
		fake.SetCostBudget(2000, 10)
		fake.ThrottleNext(1)
		c := shopify.NewClient(shopify.ClientOptions{Shop: "acme", Token: accessToken, BaseURL: fake.URL,
			Sleep: clk.Sleep, MaxWait: 5 * time.Second, Logger: quiet()})
		_, err := collect(c.Products(t.Context(), 0))
		if !errors.Is(err, shopify.ErrThrottled) {
			t.Fatalf("err = %v, want ErrThrottled", err)
		}
		// requested 2 + 9*104 = 938, available 0, restore 10/s: 94 s.
		te, ok := errors.AsType[*shopify.ThrottleError](err)
		if !ok || te.Wait != 94*time.Second || te.RequestedCost != 938 || te.RestoreRate != 10 || te.Attempts != 1 {
			t.Fatalf("ThrottleError = %+v", te)
		}
		if len(clk.Sleeps()) != 0 {
			t.Fatalf("slept %v although the wait exceeds MaxWait", clk.Sleeps())
		}
		if shopify.UserMessage(err) == "" {
			t.Error("no user message")
		}
	})
	t.Run("waits add up", func(t *testing.T) {
		fake, clk := newFake(t, "read_products")
		fake.SetCostBudget(2000, 1)
		fake.ThrottleNext(10)
		c := shopify.NewClient(shopify.ClientOptions{Shop: "acme", Token: accessToken, BaseURL: fake.URL,
			Sleep: clk.Sleep, MaxWait: 5 * time.Second, Logger: quiet()})
		_, err := c.Shop(t.Context())
		// Each throttle asks ceil((2-0)/1) = 2 s: 2 + 2 fit in 5 s, a third does not.
		te, ok := errors.AsType[*shopify.ThrottleError](err)
		if !ok || te.Attempts != 3 || te.Wait != 2*time.Second {
			t.Fatalf("err = %v (%+v)", err, te)
		}
		if s := clk.Sleeps(); fmt.Sprint(s) != "[2s 2s]" {
			t.Fatalf("sleeps = %v, want [2s 2s]", s)
		}
	})
	t.Run("bounded attempts", func(t *testing.T) {
		fake, clk := newFake(t, "read_products")
		fake.SetCostBudget(2000, 1000)
		fake.ThrottleNext(100)
		c := shopify.NewClient(shopify.ClientOptions{Shop: "acme", Token: accessToken, BaseURL: fake.URL,
			Sleep: clk.Sleep, MaxWait: time.Hour, Logger: quiet()})
		_, err := c.Shop(t.Context())
		te, ok := errors.AsType[*shopify.ThrottleError](err)
		if !ok || te.Attempts != 8 || len(clk.Sleeps()) != 7 {
			t.Fatalf("err = %v (%+v), sleeps %v", err, te, clk.Sleeps())
		}
	})
}

func TestThrottleSingleShotWait(t *testing.T) {
	fake, clk := newFake(t, "read_products")
	fake.SetCostBudget(2000, 1)
	fake.ThrottleNext(1)
	c := newClient(fake, clk, accessToken)
	if _, err := c.Shop(t.Context()); err != nil {
		t.Fatal(err)
	}
	if s := clk.Sleeps(); len(s) != 1 || s[0] != 2*time.Second {
		t.Fatalf("sleeps = %v, want [2s] = ceil((2-0)/1)", s)
	}
}

func TestRetryAfter429(t *testing.T) {
	tests := []struct {
		header string
		want   time.Duration
	}{
		{"3", 3 * time.Second},
		{"2.0", 2 * time.Second},
		{"0.4", time.Second},
		{"", 2 * time.Second},
	}
	for _, tt := range tests {
		t.Run("Retry-After="+tt.header, func(t *testing.T) {
			fake, clk := newFake(t, "read_products")
			h := map[string]string{}
			if tt.header != "" {
				h["Retry-After"] = tt.header
			}
			fake.FailNext(http.StatusTooManyRequests, h)
			if _, err := newClient(fake, clk, accessToken).Shop(t.Context()); err != nil {
				t.Fatal(err)
			}
			if s := clk.Sleeps(); len(s) != 1 || s[0] != tt.want {
				t.Fatalf("sleeps = %v, want [%s]", s, tt.want)
			}
		})
	}
	t.Run("beyond MaxWait", func(t *testing.T) {
		fake, clk := newFake(t, "read_products")
		fake.FailNext(http.StatusTooManyRequests, map[string]string{"Retry-After": "600"})
		_, err := newClient(fake, clk, accessToken).Shop(t.Context())
		if te, ok := errors.AsType[*shopify.ThrottleError](err); !ok || te.Wait != 600*time.Second {
			t.Fatalf("err = %v", err)
		}
		if len(clk.Sleeps()) != 0 {
			t.Fatal("slept although the wait exceeds MaxWait")
		}
	})
}

func TestStatusMapping(t *testing.T) {
	tests := []struct {
		status int
		want   error
	}{
		{http.StatusUnauthorized, shopify.ErrUnauthorized},
		{http.StatusPaymentRequired, shopify.ErrShopFrozen},
		{http.StatusForbidden, shopify.ErrMissingScope},
		{http.StatusNotFound, shopify.ErrNotFound},
		{http.StatusLocked, shopify.ErrShopLocked},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			fake, clk := newFake(t, "read_products")
			fake.FailNext(tt.status, nil)
			_, err := newClient(fake, clk, accessToken).Shop(t.Context())
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			ae, ok := errors.AsType[*shopify.APIError](err)
			if !ok || ae.HTTPStatus != tt.status || ae.Message == "" || ae.RequestID == "" {
				t.Fatalf("APIError = %+v", ae)
			}
			for _, other := range []error{shopify.ErrUnauthorized, shopify.ErrShopFrozen, shopify.ErrMissingScope, shopify.ErrNotFound, shopify.ErrShopLocked} {
				if other != tt.want && errors.Is(err, other) {
					t.Errorf("err also matches %v", other)
				}
			}
			if len(clk.Sleeps()) != 0 {
				t.Error("a 4xx must not be retried")
			}
			if msg := shopify.UserMessage(err); msg == "" || strings.Contains(msg, accessToken) {
				t.Errorf("UserMessage = %q", msg)
			}
		})
	}
}

func TestRevokedToken(t *testing.T) {
	fake, clk := newFake(t, "read_products")
	fake.RevokeToken(accessToken)
	_, err := newClient(fake, clk, accessToken).Shop(t.Context())
	if !errors.Is(err, shopify.ErrUnauthorized) {
		t.Fatalf("err = %v, want ErrUnauthorized", err)
	}
	if !strings.Contains(shopify.UserMessage(err), "connect") {
		t.Errorf("UserMessage = %q", shopify.UserMessage(err))
	}
}

func TestServerErrorRetries(t *testing.T) {
	fake, clk := newFake(t, "read_products")
	fake.FailNext(http.StatusInternalServerError, nil)
	fake.FailNext(http.StatusBadGateway, nil)
	if _, err := newClient(fake, clk, accessToken).Shop(t.Context()); err != nil {
		t.Fatalf("two 5xx then success = %v", err)
	}
	if s := clk.Sleeps(); fmt.Sprint(s) != "[1s 2s]" {
		t.Fatalf("backoff = %v, want [1s 2s]", s)
	}
	for range 3 {
		fake.FailNext(http.StatusServiceUnavailable, nil)
	}
	_, err := newClient(fake, clk, accessToken).Shop(t.Context())
	if !errors.Is(err, shopify.ErrServerError) {
		t.Fatalf("three 5xx = %v, want ErrServerError", err)
	}
}

func TestMissingScopeGraphQL(t *testing.T) {
	fake, clk := newFake(t, "read_orders")
	addProducts(fake, 1)
	_, err := collect(newClient(fake, clk, accessToken).Products(t.Context(), 5))
	if !errors.Is(err, shopify.ErrMissingScope) || errors.Is(err, shopify.ErrGraphQL) {
		t.Fatalf("err = %v, want ErrMissingScope", err)
	}
	ge, ok := errors.AsType[*shopify.GraphQLError](err)
	if !ok || ge.Errors[0].Code != "ACCESS_DENIED" {
		t.Fatalf("GraphQLError = %+v", ge)
	}
}

// TestGraphQLErrorsAndBadAnswers uses a hand-written server for answers
// the fake never gives.
func TestGraphQLErrorsAndBadAnswers(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   error
	}{
		{"top-level error", 200, `{"errors":[{"message":"Field 'nope' doesn't exist on type 'Shop'","extensions":{"code":"undefinedField"}}]}`, shopify.ErrGraphQL},
		{"max cost", 200, `{"errors":[{"message":"Query cost is 5202","extensions":{"code":"MAX_COST_EXCEEDED"}}]}`, shopify.ErrGraphQL},
		{"HTML from a proxy", 200, `<html>oops</html>`, nil},
		{"no data", 200, `{"data":null}`, nil},
		{"errors as string", 401, `{"errors":"[API] Invalid API key or access token (unrecognized login or wrong password)"}`, shopify.ErrUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tt.status)
				w.Write([]byte(tt.body))
			}))
			defer srv.Close()
			clk := &clock{t: t0}
			c := shopify.NewClient(shopify.ClientOptions{Shop: "acme", Token: accessToken, BaseURL: srv.URL, Sleep: clk.Sleep, Logger: quiet()})
			_, err := c.Shop(t.Context())
			if err == nil {
				t.Fatal("want an error")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), "MerchantInboxShop") {
				t.Errorf("error does not name the operation: %v", err)
			}
		})
	}
}

func TestResponseSizeLimit(t *testing.T) {
	var served atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"data":{"shop":{"name":"`))
		chunk := []byte(strings.Repeat("a", 1<<20))
		for range 20 {
			n, err := w.Write(chunk)
			served.Add(int64(n))
			if err != nil {
				return
			}
		}
		w.Write([]byte(`"}}}`))
	}))
	defer srv.Close()
	c := shopify.NewClient(shopify.ClientOptions{Shop: "acme", Token: accessToken, BaseURL: srv.URL, Logger: quiet()})
	if _, err := c.Shop(t.Context()); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("err = %v, want a size error", err)
	}
}

func TestClientRequestShape(t *testing.T) {
	var got struct {
		Query         string         `json:"query"`
		OperationName string         `json:"operationName"`
		Variables     map[string]any `json:"variables"`
	}
	var hdr http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hdr = r.Header.Clone()
		json.NewDecoder(r.Body).Decode(&got)
		if r.URL.Path != "/admin/api/2025-10/graphql.json" || r.Method != http.MethodPost || r.URL.RawQuery != "" {
			w.WriteHeader(404)
			return
		}
		w.Write([]byte(`{"data":{"shop":{"name":"A","myshopifyDomain":"acme.myshopify.com","primaryDomain":{"url":"https://a.example","host":"a.example"},"currencyCode":"USD"}},"extensions":{"cost":{"requestedQueryCost":2,"actualQueryCost":2,"throttleStatus":{"maximumAvailable":2000.0,"currentlyAvailable":1998,"restoreRate":100.0}}}}`))
	}))
	defer srv.Close()
	c := shopify.NewClient(shopify.ClientOptions{Shop: "acme", Token: accessToken, BaseURL: srv.URL + "/", Logger: quiet()})
	if _, err := c.Shop(t.Context()); err != nil {
		t.Fatal(err)
	}
	if hdr.Get("X-Shopify-Access-Token") != accessToken || hdr.Get("Content-Type") != "application/json" || hdr.Get("Authorization") != "" {
		t.Fatalf("headers = %v", hdr)
	}
	if got.OperationName != "MerchantInboxShop" || !strings.HasPrefix(got.Query, "query MerchantInboxShop") {
		t.Fatalf("body = %+v", got)
	}
}

func TestClientConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		o    shopify.ClientOptions
		want error
	}{
		{"bad shop", shopify.ClientOptions{Shop: "evil.com", Token: accessToken}, shopify.ErrBadShop},
		{"no token", shopify.ClientOptions{Shop: "acme"}, shopify.ErrUnauthorized},
		{"bad base", shopify.ClientOptions{Shop: "acme", Token: accessToken, BaseURL: "ftp://x"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := shopify.NewClient(tt.o).Shop(t.Context())
			if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

// TestContextCancelDuringThrottle: cancelling while the client waits out
// a THROTTLED answer ends the wait with the context's error and sends no
// retry.
func TestContextCancelDuringThrottle(t *testing.T) {
	fake, _ := newFake(t, "read_products")
	fake.ThrottleNext(1)
	ctx, cancel := context.WithCancel(t.Context())
	slept := 0
	c := shopify.NewClient(shopify.ClientOptions{Shop: "acme", Token: accessToken, BaseURL: fake.URL, Logger: quiet(),
		Sleep: func(ctx context.Context, d time.Duration) error {
			slept++
			cancel() // the merchant quits while the client waits
			<-ctx.Done()
			return ctx.Err()
		}})
	before := len(fake.Requests())
	if _, err := c.Shop(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if sent := len(fake.Requests()) - before; slept != 1 || sent != 1 {
		t.Errorf("%d waits, %d requests; want the throttled request, one wait, no retry", slept, sent)
	}
}

// TestProductsCursorCycle: a server whose cursors go round in a circle
// must not make Products loop forever.
func TestProductsCursorCycle(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cur := []string{"A", "B"}[n.Add(1)%2]
		fmt.Fprintf(w, `{"data":{"products":{"pageInfo":{"hasNextPage":true,"endCursor":%q},"nodes":[{"id":"gid://shopify/Product/1","title":"x","variants":{"nodes":[]}}]}}}`, cur)
	}))
	defer srv.Close()
	c := shopify.NewClient(shopify.ClientOptions{Shop: "acme", Token: accessToken, BaseURL: srv.URL, Logger: quiet()})
	got, err := collect(c.Products(t.Context(), 1))
	if err == nil || n.Load() > 3 {
		t.Fatalf("got %d products, %d requests, err %v; want an error after the cursor repeats", len(got), n.Load(), err)
	}
}
