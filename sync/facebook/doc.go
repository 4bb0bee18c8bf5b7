// Package facebook talks to Meta's Graph API for one merchant's Pages and
// receives Messenger webhooks.
//
// It has two halves that share the Messenger data model:
//
//   - Client reads pages, conversations and messages and subscribes pages to
//     webhooks. It never sleeps or retries on its own: Meta extends a rate
//     limit block when clients keep calling, so the caller (the engine) owns
//     every retry decision, and the Client only refuses to send calls while
//     Meta has said it is blocked.
//   - The Login pieces (DialogURL, ParseCallback, ExchangeCode,
//     LongLivedToken, Accounts, DebugToken, CheckGrant, SubscribeApp) turn
//     the merchant's consent into page tokens and point the app's webhooks
//     at the current public URL. Failures the merchant can fix are
//     *LoginError values with a UserMessage.
//   - NewWebhookHandler verifies, parses and hands deliveries to a Sink, and
//     acknowledges them only once the Sink has committed them, because
//     Messenger webhook history cannot be fetched again later.
//
// Access tokens are secrets: they travel only in the Authorization header and
// are kept out of every error, log line and panic this package produces.
package facebook
