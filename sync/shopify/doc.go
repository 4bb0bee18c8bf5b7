// Package shopify talks to one Shopify store: OAuth install and tokens, the
// Admin GraphQL API (pinned to APIVersion), and webhook verification.
//
// It has three parts:
//
//   - OAuth installs the merchant's own app with the authorization code
//     grant (InstallURL, VerifyCallback, Exchange), renews expiring offline
//     tokens (Refresh: the refresh token rotates, so the caller must store
//     the Token it returns), and gets tokens with the client credentials
//     grant for apps owned by the merchant's organisation.
//   - Client reads the shop and its products and manages webhook
//     subscriptions through the Admin GraphQL API. Unlike Meta, Shopify says
//     exactly how long to wait when it throttles (the calculated query cost
//     and the bucket's restore rate), so the Client waits and retries on its
//     own, within ClientOptions.MaxWait.
//   - NewWebhookHandler verifies X-Shopify-Hmac-Sha256 over the raw body and
//     acknowledges a delivery only after the WebhookSink committed it.
//
// Every error this package returns can be classified with errors.Is against
// the Err* sentinels, and explained to the merchant with UserMessage.
//
// The client secret, access tokens, refresh tokens and authorization codes
// are secrets: they never appear in an error, a log line, or the output of
// fmt or slog for any type of this package.
//
// Where this package relies on Shopify's documentation, the comments cite
// it (shopify.dev pages as of API version 2025-10).
package shopify
