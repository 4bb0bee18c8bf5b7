// Package tunnel gives the app a public URL whose requests arrive on a
// net.Listener: an ngrok endpoint opened inside the process, or a plain
// loopback listener for tests and for running without an ngrok authtoken.
//
// Meta and Shopify deliver webhooks only to a public HTTPS URL, and the
// merchant's laptop has none: it sits behind NAT, changes networks and
// sleeps. Ngrok's agent library dials out to ngrok's edge and hands back
// the public endpoint as a listener, so the webhook handler is served on it
// directly, with no separate ngrok process and no local port to forward.
//
// The package has three parts:
//
//   - Opener opens one Endpoint (a listener plus the URL that reaches it).
//     Ngrok and Loopback are the two real ones; tests substitute their own.
//   - Supervisor keeps an endpoint up for the life of the app: it serves the
//     handler on it, reopens it with a capped, jittered exponential backoff
//     when it drops, and calls OnUp after every (re)connect, because a
//     reconnected ngrok endpoint may have a new URL that Meta and Shopify
//     must be told about, and webhooks sent while it was down must be caught
//     up by polling.
//   - State reports where the supervisor is, for `status` and the tray.
//
// The ngrok authtoken is a secret: it goes to ngrok's agent and nowhere
// else, never into an error, a log line or the output of fmt.
package tunnel
