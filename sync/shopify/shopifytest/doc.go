// Package shopifytest provides a fake Shopify for tests of package shopify
// and of the code built on it (engine, CLI), in the spirit of
// net/http/httptest. One Server plays every shop: point OAuth.BaseURL and
// ClientOptions.BaseURL (MERCHANT_INBOX_SHOPIFY_URL) at Server.URL.
//
// It answers the documented shapes, not the client's:
//
//   - GET /admin/oauth/authorize checks client_id and redirect_uri and shows
//     a consent page with an "Install app" button (ConsentAutoInstall adds an
//     inline script that clicks it on load, for headless browsers). Install
//     redirects to redirect_uri?code&hmac&host&shop&state&timestamp with a
//     real hmac (hex HMAC-SHA256 of the other parameters sorted by key,
//     joined k=v with &, keyed with the client secret) and timestamp = now.
//   - POST /admin/oauth/access_token, JSON or form-encoded: the authorization
//     code (single-use, bound to the client, 10 minutes), "expiring":1
//     (expires_in 3600, a shprt_ refresh token, refresh_token_expires_in
//     7776000), grant_type=refresh_token (rotating: the old refresh token
//     and its access token die, and reusing them is invalid_grant), and
//     grant_type=client_credentials (expires_in 86399, no refresh token).
//     Errors are {"error","error_description"}.
//   - POST /admin/api/{version}/graphql.json with X-Shopify-Access-Token:
//     a small hand-written handler, NOT a GraphQL parser. It recognises the
//     operations package shopify sends by their operation name
//     (operationName, else the name after "query"/"mutation" in the
//     document) and answers the documented response shapes: data,
//     pageInfo{hasNextPage endCursor} cursor paging, userErrors, and
//     extensions.cost{requestedQueryCost,actualQueryCost,throttleStatus}
//     on every answer. A renamed operation in package shopify must be
//     renamed here too.
//
// Documented choices where Shopify's behaviour is not pinned down:
//
//   - A wrong client_id or client_secret at the token endpoint is HTTP 401
//     {"error":"invalid_client"}.
//   - Query cost follows Shopify's published rules (object 1, scalar 0,
//     connection 2 + first × node) for the known operations; a query above
//     1000 points is refused with MAX_COST_EXCEEDED. The bucket is a leaky
//     bucket on the Server's clock (SetClock), so a test whose Sleep
//     advances that clock sees the bucket refill. Throttled answers are
//     HTTP 200 with errors[{message:"Throttled",extensions:{code:"THROTTLED"}}]
//     and actualQueryCost null.
//   - Reading products needs read_products (or write_products) in the
//     token's scope, else the answer is HTTP 200 with an ACCESS_DENIED
//     error, as Shopify does. Webhook subscriptions need no scope here.
//   - webhookSubscriptionCreate accepts only https://, pubsub:// and
//     arn:aws:events: addresses, and answers "Address for this topic has
//     already been taken" for a duplicate topic and address.
//
// The Server is safe for concurrent use; its setters fail the test from
// the test goroutine only.
package shopifytest
