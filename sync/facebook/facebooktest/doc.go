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
//   - Cursors are opaque strings naming the edge item they follow, so new
//     items arriving between pages neither repeat nor skip older ones.
//
// The Server is safe for concurrent use.
package facebooktest
