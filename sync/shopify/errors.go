package shopify

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/fix"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
)

// sentinel is the type of the package's Err* values: an error with a fixed
// text for logs, a plain sentence for the merchant and, when the merchant
// can act on it, the fix (a front end offers it as a command or a button).
// Values are compared by identity, so errors.Is works as with errors.New.
type sentinel struct{ msg, user string }

func (e *sentinel) Error() string       { return e.msg }
func (e *sentinel) UserMessage() string { return e.user }

// Fix is the remedy the sentence describes, if the merchant has one.
func (e *sentinel) Fix() fix.Fix {
	switch error(e) {
	case ErrStateMismatch, ErrStaleTimestamp, ErrInvalidGrant, ErrNoRefreshToken, ErrUnauthorized, ErrMissingScope:
		return reconnect()
	case ErrBadHMAC, ErrBadClientSecret:
		return enterSecret()
	}
	return fix.Fix{}
}

// The two remedies the sentences below describe.
const (
	connectAgain = "connect the store again"
	setSecret    = "enter the app's client secret (shopify-client-secret) again"
)

func reconnect() fix.Fix { return fix.Fix{Action: fix.ConnectShopify} }

func enterSecret() fix.Fix {
	return fix.Fix{Action: fix.SetSecret, Secret: secrets.ShopifyClientSecret}
}

// Sentinel errors classify failures so callers react with errors.Is.
var (
	// ErrBadShop: not a *.myshopify.com shop domain, or not the shop the
	// caller expected.
	ErrBadShop error = &sentinel{"shopify: invalid shop domain",
		"That is not a Shopify store address: enter the store's name or its name.myshopify.com address."}
	// ErrStateMismatch: an OAuth callback's state is missing or is not the
	// one this app issued (a forged or replayed callback).
	ErrStateMismatch error = &sentinel{"shopify: OAuth state mismatch",
		"The Shopify sign-in could not be matched to the one this app started: start connecting the store again."}
	// ErrBadHMAC: a callback's hmac or a webhook's X-Shopify-Hmac-Sha256 is
	// missing, malformed, or not made with the client secret.
	ErrBadHMAC error = &sentinel{"shopify: bad HMAC signature",
		"A request claiming to come from Shopify failed its signature check: if this keeps happening, " + setSecret + "."}
	// ErrStaleTimestamp: an OAuth callback's timestamp is missing or more
	// than CallbackMaxAge away from now.
	ErrStaleTimestamp error = &sentinel{"shopify: OAuth callback timestamp out of range",
		"The Shopify sign-in took too long or this computer's clock is wrong: check the clock and connect the store again."}

	// ErrInvalidGrant: the token endpoint refused the code or refresh token
	// (expired, already used, revoked, or rotated away).
	ErrInvalidGrant error = &sentinel{"shopify: invalid grant",
		"Shopify no longer accepts the store's saved authorization: " + connectAgain + "."}
	// ErrBadClientSecret: the token endpoint refused the client id or secret.
	ErrBadClientSecret error = &sentinel{"shopify: client authentication failed",
		"Shopify refused the app's client secret: " + setSecret + "."}
	// ErrUnauthorizedClient: the app may not use this grant, e.g. the client
	// credentials grant for an app the store's organisation does not own.
	ErrUnauthorizedClient error = &sentinel{"shopify: client not authorized for this grant",
		"Shopify does not let this app get a token that way: install the app on the store from the Dev Dashboard, then connect again."}
	// ErrNoRefreshToken: Refresh was given a Token without a refresh token
	// (a non-expiring or client-credentials token).
	ErrNoRefreshToken error = &sentinel{"shopify: token has no refresh token",
		"The saved Shopify access cannot be renewed: " + connectAgain + "."}

	// ErrUnauthorized: HTTP 401, the access token is invalid, revoked or the
	// app was uninstalled. Retrying cannot help.
	ErrUnauthorized error = &sentinel{"shopify: access token rejected",
		"Shopify refused the saved access token (the app may have been uninstalled): " + connectAgain + "."}
	// ErrShopFrozen: HTTP 402, the shop is frozen (unpaid) or closed.
	ErrShopFrozen error = &sentinel{"shopify: shop frozen",
		"The Shopify store is frozen or closed: settle its billing in Shopify, then sync again."}
	// ErrMissingScope: HTTP 403 or a GraphQL ACCESS_DENIED error: the token
	// lacks an access scope the call needs.
	ErrMissingScope error = &sentinel{"shopify: missing access scope",
		"The app lacks a permission it needs on the store: " + connectAgain + " and approve the requested access."}
	// ErrNotFound: HTTP 404, no such shop or endpoint.
	ErrNotFound error = &sentinel{"shopify: not found",
		"Shopify could not find the store: check the store address."}
	// ErrShopLocked: HTTP 423, the shop is locked (e.g. for fraud review).
	ErrShopLocked error = &sentinel{"shopify: shop locked",
		"The Shopify store is locked: contact Shopify support, then sync again."}
	// ErrThrottled: Shopify throttled the app for longer than the Client may
	// wait. See ThrottleError for how long.
	ErrThrottled error = &sentinel{"shopify: throttled",
		"Shopify asked the app to slow down: the sync will continue later."}
	// ErrServerError: Shopify answered 5xx even after retries.
	ErrServerError error = &sentinel{"shopify: server error",
		"Shopify is having trouble right now: try again in a few minutes."}
	// ErrGraphQL: the GraphQL API answered top-level errors (other than
	// throttling and access denial). It points at a bug in this package.
	ErrGraphQL error = &sentinel{"shopify: GraphQL error",
		"Shopify rejected a request from the app: please report this problem."}
	// ErrUserErrors: a mutation answered userErrors.
	ErrUserErrors error = &sentinel{"shopify: mutation refused",
		"Shopify refused the change the app asked for: please report this problem."}
)

// UserMessage returns one plain sentence explaining err to the merchant:
// that of the outermost error in the chain that has a UserMessage method,
// or a generic sentence.
func UserMessage(err error) string {
	if err == nil {
		return ""
	}
	if um, ok := errors.AsType[interface {
		error
		UserMessage() string
	}](err); ok {
		if m := um.UserMessage(); m != "" {
			return m
		}
	}
	return "Talking to Shopify failed: check the connection and try again."
}

// APIError is a non-2xx answer from the Admin API.
type APIError struct {
	HTTPStatus int
	Message    string // Shopify's "errors" text, with secrets scrubbed
	RequestID  string // X-Request-Id: quote it when asking Shopify support
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "admin API error (HTTP %d)", e.HTTPStatus)
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.RequestID != "" {
		b.WriteString(" [request id " + e.RequestID + "]")
	}
	return b.String()
}

// Is maps the documented status codes (shopify.dev/docs/api/usage/
// response-codes) to the sentinels.
func (e *APIError) Is(target error) bool { return target == e.sentinel() }

func (e *APIError) sentinel() error {
	switch {
	case e.HTTPStatus == http.StatusUnauthorized:
		return ErrUnauthorized
	case e.HTTPStatus == http.StatusPaymentRequired:
		return ErrShopFrozen
	case e.HTTPStatus == http.StatusForbidden:
		return ErrMissingScope
	case e.HTTPStatus == http.StatusNotFound:
		return ErrNotFound
	case e.HTTPStatus == http.StatusLocked:
		return ErrShopLocked
	case e.HTTPStatus == http.StatusTooManyRequests:
		return ErrThrottled
	case e.HTTPStatus >= 500:
		return ErrServerError
	}
	return nil
}

// UserMessage explains the status to the merchant.
func (e *APIError) UserMessage() string {
	if s, ok := e.sentinel().(*sentinel); ok {
		return s.user
	}
	return fmt.Sprintf("Shopify answered with an unexpected error (HTTP %d): try again later.", e.HTTPStatus)
}

// Fix is the remedy UserMessage describes, if any.
func (e *APIError) Fix() fix.Fix { return fixOf(e.sentinel()) }

// fixOf is a sentinel's fix; none for nil.
func fixOf(err error) fix.Fix {
	if s, ok := err.(*sentinel); ok {
		return s.Fix()
	}
	return fix.Fix{}
}

// GraphQLErrorItem is one entry of a GraphQL response's top-level errors.
type GraphQLErrorItem struct {
	Message string
	Code    string   // extensions.code, e.g. ACCESS_DENIED, MAX_COST_EXCEEDED
	Path    []string // where in the query, when Shopify says
}

// GraphQLError reports top-level GraphQL errors of an HTTP 200 answer.
type GraphQLError struct {
	Operation string
	Errors    []GraphQLErrorItem
}

func (e *GraphQLError) Error() string {
	msgs := make([]string, 0, len(e.Errors))
	for _, it := range e.Errors {
		m := it.Message
		if it.Code != "" {
			m += " (" + it.Code + ")"
		}
		msgs = append(msgs, m)
	}
	return fmt.Sprintf("graphql %s: %s", e.Operation, strings.Join(msgs, "; "))
}

// Is matches ErrMissingScope when Shopify denied access for a missing scope
// (extensions.code ACCESS_DENIED), and ErrGraphQL otherwise.
func (e *GraphQLError) Is(target error) bool {
	switch target {
	case ErrMissingScope:
		return e.accessDenied()
	case ErrGraphQL:
		return !e.accessDenied()
	}
	return false
}

func (e *GraphQLError) accessDenied() bool {
	for _, it := range e.Errors {
		if it.Code == "ACCESS_DENIED" {
			return true
		}
	}
	return false
}

// UserMessage explains the error to the merchant.
func (e *GraphQLError) UserMessage() string {
	if e.accessDenied() {
		return ErrMissingScope.(*sentinel).user
	}
	return ErrGraphQL.(*sentinel).user
}

// Fix is the remedy UserMessage describes: reconnecting, for access denied.
func (e *GraphQLError) Fix() fix.Fix {
	if e.accessDenied() {
		return fixOf(ErrMissingScope)
	}
	return fix.Fix{}
}

// UserError is one entry of a mutation's userErrors.
type UserError struct {
	Field   []string
	Message string
}

// UserErrors reports that a mutation answered userErrors.
type UserErrors struct {
	Mutation string
	Errors   []UserError
}

func (e *UserErrors) Error() string {
	msgs := make([]string, 0, len(e.Errors))
	for _, u := range e.Errors {
		m := u.Message
		if len(u.Field) > 0 {
			m = strings.Join(u.Field, ".") + ": " + m
		}
		msgs = append(msgs, m)
	}
	return fmt.Sprintf("%s refused: %s", e.Mutation, strings.Join(msgs, "; "))
}

// Is matches ErrUserErrors.
func (e *UserErrors) Is(target error) bool { return target == ErrUserErrors }

// UserMessage quotes Shopify's first reason.
func (e *UserErrors) UserMessage() string {
	if len(e.Errors) == 0 || e.Errors[0].Message == "" {
		return ErrUserErrors.(*sentinel).user
	}
	return "Shopify refused the change the app asked for: " + strings.TrimSuffix(e.Errors[0].Message, ".") + "."
}

// ThrottleError reports that Shopify throttled a call and the wait it asked
// for would exceed what the Client may still wait (ClientOptions.MaxWait),
// or that the retries ran out. It matches ErrThrottled.
type ThrottleError struct {
	// Wait is how long Shopify asked to wait before the next attempt.
	Wait time.Duration
	// RequestedCost, Available and RestoreRate come from the last answer's
	// extensions.cost (zero after an HTTP 429).
	RequestedCost, Available, RestoreRate float64
	// Attempts is how many requests were sent.
	Attempts int

	max float64 // throttleStatus.maximumAvailable
}

func (e *ThrottleError) Error() string {
	s := fmt.Sprintf("throttled after %d attempt(s), next wait %s", e.Attempts, e.Wait)
	if e.RestoreRate > 0 {
		s += fmt.Sprintf(" (query cost %g, available %g, restore rate %g/s)", e.RequestedCost, e.Available, e.RestoreRate)
	}
	return s
}

// Is matches ErrThrottled.
func (e *ThrottleError) Is(target error) bool { return target == ErrThrottled }

// UserMessage explains the error to the merchant.
func (e *ThrottleError) UserMessage() string { return ErrThrottled.(*sentinel).user }
