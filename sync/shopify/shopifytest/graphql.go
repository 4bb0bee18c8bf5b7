package shopifytest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The operations the fake knows, by name (see the package documentation).
const (
	OpShop          = "MerchantInboxShop"
	OpProducts      = "MerchantInboxProducts"
	OpWebhookCreate = "MerchantInboxWebhookCreate"
	OpWebhooks      = "MerchantInboxWebhooks"
	OpWebhookDelete = "MerchantInboxWebhookDelete"
)

const (
	maxQueryCost      = 1000
	maxGraphQLBody    = 1 << 20
	productVariantCap = 100 // variants(first: 100) in the products query
	mutationCost      = 10
)

var versionPattern = regexp.MustCompile(`^(\d{4}-\d{2}|unstable)$`)

// operationName finds the name after "query" or "mutation".
var operationName = regexp.MustCompile(`^\s*(?:query|mutation)\s+([_A-Za-z][_0-9A-Za-z]*)`)

// bucket is the leaky bucket of calculated query cost.
type bucket struct {
	max, restore, avail float64
	at                  time.Time
}

func (b *bucket) refill(now time.Time) {
	if d := now.Sub(b.at).Seconds(); d > 0 {
		b.avail = math.Min(b.max, b.avail+d*b.restore)
	}
	b.at = now
}

func (b *bucket) status() map[string]any {
	return map[string]any{"maximumAvailable": b.max, "currentlyAvailable": math.Floor(b.avail), "restoreRate": b.restore}
}

func costExt(requested float64, actual *float64, b *bucket) map[string]any {
	var a any
	if actual != nil {
		a = *actual
	}
	return map[string]any{"cost": map[string]any{
		"requestedQueryCost": requested, "actualQueryCost": a, "throttleStatus": b.status(),
	}}
}

// gqlErr builds one entry of a top-level errors list.
func gqlErr(msg, code string, extra map[string]any) map[string]any {
	e := map[string]any{"message": msg}
	ext := map[string]any{}
	if code != "" {
		ext["code"] = code
	}
	for k, v := range extra {
		ext[k] = v
	}
	if len(ext) > 0 {
		e["extensions"] = ext
	}
	return e
}

type gqlBody struct {
	Query         string         `json:"query"`
	Variables     map[string]any `json:"variables"`
	OperationName string         `json:"operationName"`
}

func (s *Server) graphql(r *http.Request, version string) response {
	raw, rerr := io.ReadAll(io.LimitReader(r.Body, maxGraphQLBody+1))
	var body gqlBody
	perr := json.Unmarshal(raw, &body)
	op := body.OperationName
	if op == "" {
		if m := operationName.FindStringSubmatch(body.Query); m != nil {
			op = m[1]
		}
	}
	token := r.Header.Get("X-Shopify-Access-Token")

	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, Request{
		Method: r.Method, Path: r.URL.Path, Operation: op, Variables: body.Variables,
		APIVersion: version, HasToken: token != "",
	})
	hdr := map[string]string{"X-Shopify-API-Version": version}
	if !versionPattern.MatchString(version) {
		return response{status: http.StatusNotFound, header: hdr, body: map[string]any{"errors": "Not Found"}}
	}
	if resp, ok := s.takeFailure(); ok {
		if resp.header == nil {
			resp.header = map[string]string{}
		}
		resp.header["X-Shopify-API-Version"] = version
		return resp
	}
	now := s.now()
	tok := s.access[token]
	if token == "" || tok == nil || tok.revoked || (!tok.expires.IsZero() && !now.Before(tok.expires)) {
		return response{status: http.StatusUnauthorized, header: hdr, body: map[string]any{"errors": failureText(http.StatusUnauthorized)}}
	}
	if rerr != nil || len(raw) > maxGraphQLBody || perr != nil || body.Query == "" {
		return response{status: http.StatusBadRequest, header: hdr, body: map[string]any{"errors": map[string]any{"query": "Required parameter missing or invalid"}}}
	}

	s.bucket.refill(now)
	requested, ok := requestedCost(op, body.Variables)
	if !ok {
		return response{status: http.StatusOK, header: hdr, body: map[string]any{
			"errors": []any{gqlErr(fmt.Sprintf("shopifytest: operation %q is not implemented by the fake, which recognises operations by name", op), "", nil)},
		}}
	}
	if requested > maxQueryCost {
		return response{status: http.StatusOK, header: hdr, body: map[string]any{
			"errors": []any{gqlErr(
				fmt.Sprintf("Query cost is %g, which exceeds the single query max cost limit (%d).", requested, maxQueryCost),
				"MAX_COST_EXCEEDED", map[string]any{"cost": requested, "maxCost": maxQueryCost})},
			"extensions": costExt(requested, nil, &s.bucket),
		}}
	}
	if s.throttleNext > 0 || s.bucket.avail < requested {
		if s.throttleNext > 0 {
			s.throttleNext--
			s.bucket.avail = 0
		}
		return response{status: http.StatusOK, header: hdr, body: map[string]any{
			"errors":     []any{gqlErr("Throttled", "THROTTLED", map[string]any{"documentation": "https://shopify.dev/api/usage/rate-limits"})},
			"extensions": costExt(requested, nil, &s.bucket),
		}}
	}

	data, actual, errs := s.execute(op, body.Variables, tok.scope)
	// Shopify takes the requested cost up front and refunds the difference.
	s.bucket.avail = math.Max(0, s.bucket.avail-actual)
	out := map[string]any{"extensions": costExt(requested, &actual, &s.bucket)}
	if errs != nil {
		out["errors"] = errs
	}
	if data != nil || errs == nil {
		out["data"] = data
	}
	return response{status: http.StatusOK, header: hdr, body: out}
}

// intVar reads an integer variable.
func intVar(vars map[string]any, name string) (int, bool) {
	f, ok := vars[name].(float64)
	if !ok || f != math.Trunc(f) {
		return 0, false
	}
	return int(f), true
}

func strVar(vars map[string]any, name string) string {
	s, _ := vars[name].(string)
	return s
}

// requestedCost is the calculated cost of a known operation: objects 1,
// scalars and enums 0, connections 2 + first × node, mutations 10.
func requestedCost(op string, vars map[string]any) (float64, bool) {
	switch op {
	case OpShop:
		return 2, true // shop + primaryDomain
	case OpProducts:
		first, _ := intVar(vars, "first")
		return float64(2 + first*(1+1+2+productVariantCap)), true
	case OpWebhooks:
		first, _ := intVar(vars, "first")
		return float64(2 + first), true
	case OpWebhookCreate, OpWebhookDelete:
		return mutationCost, true
	}
	return 0, false
}

func hasScope(granted, want string) bool {
	for s := range strings.SplitSeq(granted, ",") {
		s = strings.TrimSpace(s)
		if s == want || s == strings.Replace(want, "read_", "write_", 1) {
			return true
		}
	}
	return false
}

func accessDenied(field, scope string) []any {
	return []any{gqlErr(
		fmt.Sprintf("Access denied for %s field. Required access: `%s` access scope.", field, scope),
		"ACCESS_DENIED", map[string]any{"documentation": "https://shopify.dev/api/usage/access-scopes", "requiredAccess": "`" + scope + "` access scope."},
	)}
}

// execute runs a known operation under the lock and returns data, the
// actual cost, and top-level errors.
func (s *Server) execute(op string, vars map[string]any, scope string) (any, float64, []any) {
	switch op {
	case OpShop:
		return map[string]any{"shop": map[string]any{
			"name": s.shop.name, "myshopifyDomain": s.shop.myshopify, "currencyCode": s.shop.currency,
			"primaryDomain": map[string]any{"url": "https://" + s.shop.domain, "host": s.shop.domain},
		}}, 2, nil
	case OpProducts:
		if !hasScope(scope, "read_products") {
			return nil, 1, accessDenied("products", "read_products")
		}
		return s.productsPage(vars)
	case OpWebhooks:
		return s.webhooksPage(vars)
	case OpWebhookCreate:
		return s.webhookCreate(vars)
	case OpWebhookDelete:
		return s.webhookDelete(vars)
	}
	return nil, 0, []any{gqlErr("unknown operation", "", nil)}
}

// Cursors are opaque to clients; like Shopify's they encode the last id.
func cursor(id int64) string {
	return base64.StdEncoding.EncodeToString(fmt.Appendf(nil, `{"last_id":%d,"last_value":"%d"}`, id, id))
}

func parseCursor(c string) (int64, bool) {
	raw, err := base64.StdEncoding.DecodeString(c)
	if err != nil {
		return 0, false
	}
	var w struct {
		LastID int64 `json:"last_id"`
	}
	if json.Unmarshal(raw, &w) != nil {
		return 0, false
	}
	return w.LastID, true
}

// pageArgs reads first (1..250) and after.
func pageArgs(vars map[string]any) (first int, after int64, errs []any) {
	first, ok := intVar(vars, "first")
	if !ok || first < 1 || first > 250 {
		return 0, 0, []any{gqlErr("The first argument must be between 1 and 250.", "BAD_REQUEST", nil)}
	}
	if a := strVar(vars, "after"); a != "" {
		id, ok := parseCursor(a)
		if !ok {
			return 0, 0, []any{gqlErr("Invalid cursor for current pagination sort.", "BAD_REQUEST", nil)}
		}
		after = id
	}
	return first, after, nil
}

func pageInfo(hasNext bool, last int64) map[string]any {
	pi := map[string]any{"hasNextPage": hasNext, "endCursor": nil}
	if last != 0 {
		pi["endCursor"] = cursor(last)
	}
	return pi
}

func (s *Server) productsPage(vars map[string]any) (any, float64, []any) {
	first, after, errs := pageArgs(vars)
	if errs != nil {
		return nil, 1, errs
	}
	all := s.sortedProducts()
	start := slices.IndexFunc(all, func(p *FakeProduct) bool { return p.ID > after })
	if start < 0 {
		start = len(all)
	}
	end := min(start+first, len(all))
	nodes := []any{}
	actual := 2.0
	var last int64
	for _, p := range all[start:end] {
		last = p.ID
		variants := []any{}
		total := 0
		for i, v := range p.Variants {
			total += v.InventoryQuantity
			if i < productVariantCap {
				variants = append(variants, map[string]any{
					"id": VariantGID(v.ID), "title": v.Title, "sku": v.SKU, "price": v.Price, "inventoryQuantity": v.InventoryQuantity,
				})
			}
		}
		var url, image any
		if p.URL != "" {
			url = p.URL
		}
		if p.ImageURL != "" {
			var alt any
			if p.ImageAlt != "" {
				alt = p.ImageAlt
			}
			image = map[string]any{"url": p.ImageURL, "altText": alt}
			actual++
		}
		actual += 1 + 2 + float64(len(variants))
		nodes = append(nodes, map[string]any{
			"id": ProductGID(p.ID), "title": p.Title, "handle": p.Handle, "vendor": p.Vendor, "status": p.Status,
			"onlineStoreUrl": url, "totalInventory": total, "updatedAt": p.UpdatedAt.UTC().Format(time.RFC3339),
			"featuredImage": image, "variants": map[string]any{"nodes": variants},
		})
	}
	return map[string]any{"products": map[string]any{
		"pageInfo": pageInfo(end < len(all), last), "nodes": nodes,
	}}, actual, nil
}

func webhookNumericID(w *WebhookSubscription) int64 {
	n, _ := strconv.ParseInt(strings.TrimPrefix(w.ID, "gid://shopify/WebhookSubscription/"), 10, 64)
	return n
}

func (s *Server) webhooksPage(vars map[string]any) (any, float64, []any) {
	first, after, errs := pageArgs(vars)
	if errs != nil {
		return nil, 1, errs
	}
	start := slices.IndexFunc(s.webhooks, func(w *WebhookSubscription) bool { return webhookNumericID(w) > after })
	if start < 0 {
		start = len(s.webhooks)
	}
	end := min(start+first, len(s.webhooks))
	nodes := []any{}
	var last int64
	for _, w := range s.webhooks[start:end] {
		last = webhookNumericID(w)
		nodes = append(nodes, map[string]any{"id": w.ID, "topic": w.Topic, "uri": w.URI})
	}
	return map[string]any{"webhookSubscriptions": map[string]any{
		"pageInfo": pageInfo(end < len(s.webhooks), last), "nodes": nodes,
	}}, float64(2 + len(nodes)), nil
}

// knownTopics is the part of the WebhookSubscriptionTopic enum the fake
// accepts.
var knownTopics = []string{
	"APP_UNINSTALLED", "PRODUCTS_CREATE", "PRODUCTS_UPDATE", "PRODUCTS_DELETE",
	"ORDERS_CREATE", "ORDERS_UPDATED", "CUSTOMERS_CREATE", "CUSTOMERS_UPDATE", "SHOP_UPDATE",
	"INVENTORY_LEVELS_UPDATE",
}

func userErrorsData(mutation string, payload map[string]any, errs ...map[string]any) map[string]any {
	list := []any{}
	for _, e := range errs {
		list = append(list, e)
	}
	payload["userErrors"] = list
	return map[string]any{mutation: payload}
}

func (s *Server) webhookCreate(vars map[string]any) (any, float64, []any) {
	topic := strVar(vars, "topic")
	if !slices.Contains(knownTopics, topic) {
		return nil, 0, []any{gqlErr(
			"Variable $topic of type WebhookSubscriptionTopic! was provided invalid value",
			"INVALID_VARIABLE", map[string]any{"value": topic})}
	}
	in, _ := vars["webhookSubscription"].(map[string]any)
	uri, _ := in["uri"].(string)
	if uri == "" {
		uri, _ = in["callbackUrl"].(string) // deprecated since 2025-10
	}
	field := map[string]any{"field": []string{"webhookSubscription", "uri"}}
	withMsg := func(msg string) map[string]any {
		m := map[string]any{"message": msg}
		for k, v := range field {
			m[k] = v
		}
		return m
	}
	switch {
	case uri == "":
		return userErrorsData("webhookSubscriptionCreate", map[string]any{"webhookSubscription": nil}, withMsg("Address can't be blank")), mutationCost, nil
	case !strings.HasPrefix(uri, "https://") && !strings.HasPrefix(uri, "pubsub://") && !strings.HasPrefix(uri, "arn:aws:events:"):
		scheme, _, _ := strings.Cut(uri, ":")
		return userErrorsData("webhookSubscriptionCreate", map[string]any{"webhookSubscription": nil},
			withMsg(fmt.Sprintf("Address protocol %s:// is not supported", scheme))), mutationCost, nil
	}
	if slices.ContainsFunc(s.webhooks, func(w *WebhookSubscription) bool { return w.Topic == topic && w.URI == uri }) {
		return userErrorsData("webhookSubscriptionCreate", map[string]any{"webhookSubscription": nil},
			withMsg("Address for this topic has already been taken")), mutationCost, nil
	}
	s.nextHookID++
	w := &WebhookSubscription{ID: fmt.Sprintf("gid://shopify/WebhookSubscription/%d", 1000000000+s.nextHookID), Topic: topic, URI: uri}
	s.webhooks = append(s.webhooks, w)
	return userErrorsData("webhookSubscriptionCreate", map[string]any{
		"webhookSubscription": map[string]any{"id": w.ID, "topic": w.Topic, "uri": w.URI},
	}), mutationCost, nil
}

func (s *Server) webhookDelete(vars map[string]any) (any, float64, []any) {
	id := strVar(vars, "id")
	i := slices.IndexFunc(s.webhooks, func(w *WebhookSubscription) bool { return w.ID == id })
	if i < 0 {
		return userErrorsData("webhookSubscriptionDelete", map[string]any{"deletedWebhookSubscriptionId": nil},
			map[string]any{"field": []string{"id"}, "message": "Webhook subscription does not exist"}), mutationCost, nil
	}
	s.webhooks = slices.Delete(s.webhooks, i, i+1)
	return userErrorsData("webhookSubscriptionDelete", map[string]any{"deletedWebhookSubscriptionId": id}), mutationCost, nil
}
