package facebook

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Sentinel errors classify Graph failures so that callers react with
// errors.Is instead of memorising Meta's numeric codes.
var (
	// ErrRateLimited: Meta throttled the app, user, page or Messenger use
	// case. Stop calling until the RateLimitError's RetryAfter has passed.
	ErrRateLimited = errors.New("facebook: rate limited")
	// ErrTokenInvalid: the access token is dead (expired, revoked, password
	// changed, app removed). Retrying cannot help: the merchant must log in.
	ErrTokenInvalid = errors.New("facebook: access token invalid")
	// ErrPermission: the token lacks a permission or the action is not
	// allowed (for example, replying outside the messaging window).
	ErrPermission = errors.New("facebook: permission denied")
)

// Error is an error answer from the Graph API:
// {"error":{"message","type","code","error_subcode","fbtrace_id"}}.
type Error struct {
	HTTPStatus int
	Message    string // Meta's text, with the request's token scrubbed out
	Type       string // e.g. "OAuthException"
	Code       int
	Subcode    int
	TraceID    string // fbtrace_id: quote it when asking Meta for support
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "graph API error (HTTP %d", e.HTTPStatus)
	if e.Code != 0 {
		fmt.Fprintf(&b, ", code %d", e.Code)
	}
	if e.Subcode != 0 {
		fmt.Fprintf(&b, ", subcode %d", e.Subcode)
	}
	if e.Type != "" {
		fmt.Fprintf(&b, ", %s", e.Type)
	}
	b.WriteString(")")
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.TraceID != "" {
		b.WriteString(" [fbtrace_id " + e.TraceID + "]")
	}
	return b.String()
}

// Is maps Meta's documented codes to the package's sentinel errors.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrTokenInvalid:
		// 102 is the older "API session" code with the same meaning.
		return e.Code == 190 || e.Code == 102
	case ErrRateLimited:
		return isRateLimitCode(e.Code) || (e.Code == 0 && e.HTTPStatus == http.StatusTooManyRequests)
	case ErrPermission:
		return e.Code == 10 || (e.Code >= 200 && e.Code <= 299)
	case ErrOutsideWindow:
		return e.Code == 10 && e.Subcode == subcodeOutsideWindow
	case ErrUnreachable:
		return e.Code == codeUnavailable
	}
	return false
}

// isRateLimitCode reports the throttling codes: 4 app, 17 user, 32 page
// (user token), 613 custom, 80001 page (page token), 80006 Messenger.
func isRateLimitCode(code int) bool {
	switch code {
	case 4, 17, 32, 613, 80001, 80006:
		return true
	}
	return false
}

// parseError turns an error response into *Error. Bodies that are not the
// Graph error shape (a proxy's HTML page, say) still yield an *Error
// carrying the HTTP status. Meta's message is scrubbed of the token in case
// an endpoint ever echoes it.
func parseError(status int, h http.Header, body []byte, token string) *Error {
	var w struct {
		Error *struct {
			Message string `json:"message"`
			Type    string `json:"type"`
			Code    int    `json:"code"`
			Subcode int    `json:"error_subcode"`
			TraceID string `json:"fbtrace_id"`
		} `json:"error"`
	}
	e := &Error{HTTPStatus: status}
	if json.Unmarshal(body, &w) == nil && w.Error != nil {
		e.Message, e.Type, e.Code, e.Subcode, e.TraceID =
			w.Error.Message, w.Error.Type, w.Error.Code, w.Error.Subcode, w.Error.TraceID
	} else {
		e.Message = http.StatusText(status)
	}
	if e.TraceID == "" {
		e.TraceID = h.Get("X-Fb-Trace-Id")
	}
	if token != "" {
		e.Message = strings.ReplaceAll(e.Message, token, "[REDACTED]")
	}
	return e
}
