// Package facebooktest provides a fake Graph API server for tests of
// package facebook and of the code built on it (engine, CLI), in the spirit
// of net/http/httptest.
//
// The fake answers the documented Graph shapes, not the client's: cursor
// paging with data, paging.cursors.before/after and an absolute paging.next
// (which, like Graph's, repeats the access token), the
// {"error":{message,type,code,error_subcode,fbtrace_id}} error object,
// JSON usage headers, per-page tokens, field selection, and newest-first
// ordering of conversations and messages.
//
// Documented choices where Graph's behaviour is not pinned down:
//
//   - Errors answer HTTP 400 (Graph's usual status for OAuthException and
//     throttling codes 4, 17, 32, 613, 80001, 80006), except codes 1 and 2
//     which answer 500; FailNext can set any status.
//   - A token not known to the fake is 190 without subcode ("Cannot parse
//     access token"); a known page token used on another page's objects is
//     code 100 subcode 33, Graph's answer for objects a token cannot see.
//   - Without ?fields, pages return id,name; conversations id,updated_time;
//     messages id,created_time. Unknown fields are refused with code 100.
//   - Rate limits come two ways. FailNext fails one request, for a
//     client's reaction to a single answer. Throttle holds a Page
//     throttled (code 4, 17, 32, 613, 80001 or 80006 with the matching
//     X-App-Usage, X-Page-Usage or X-Business-Use-Case-Usage header) until
//     the fake's clock (SetClock) passes the block's end; calls on the
//     Page's node, its edges, its conversations and their messages fail
//     meanwhile. Meta only says that calls made while throttled extend the
//     block: the fake restarts it on every such call (a rolling window),
//     so a client that keeps calling is never released. ThrottleCalls
//     refuses a number of calls instead, each answer saying the block is
//     over (estimated_time_to_regain_access 0), as Meta does while a
//     used-up window drains.
//   - Cursors are opaque strings naming the edge item they follow. Like
//     Graph's, they promise nothing when the list changes between pages: a
//     conversation that moves to the front while a walk is under way may
//     be seen twice, which the store's idempotent writes absorb.
//
// The same Server also plays www.facebook.com for the manual Login flow
// (point the client's Graph and web base URLs at URL): SetApp registers the
// app and its redirect URIs, AddUser the merchant and the Pages /me/accounts
// lists, and GET /vX.Y/dialog/oauth renders an HTML consent page whose Allow
// and Cancel links redirect to the app like Meta's dialog (Authorize follows
// them without a browser; SetConsent makes the page click itself for
// headless browser tests). Codes are single-use, bound to client_id and
// redirect_uri, and expire after CodeLifetime; /oauth/access_token,
// /debug_token and POST /{app-id}/subscriptions answer Meta's error codes
// (1, 101, 100/36007-36009, 190, 2200).
//
// The Server is safe for concurrent use.
package facebooktest
