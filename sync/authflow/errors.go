package authflow

import (
	"errors"
	"fmt"
)

// The sentinel errors also carry the sentence the app shows the merchant,
// so UserMessage(err) works on them like on any other known error.
var (
	// ErrDenied: the merchant declined on the provider's consent page
	// (error=access_denied). Nothing was connected; they can simply retry.
	ErrDenied error = &flowError{
		text: "authflow: the merchant declined the request",
		user: msgDenied,
	}
	// ErrExpired: the provider did not redirect back within Options.Timeout.
	ErrExpired error = &flowError{
		text: "authflow: sign-in expired before the browser came back",
		user: msgExpired,
	}
	// ErrPortInUse: Listen could not bind because another program holds the
	// port. The error returned by Listen wraps it and names the port.
	ErrPortInUse error = &flowError{
		text: "authflow: port already in use",
		user: "The port Merchant Inbox uses for sign-in is taken by another program. Close that program or choose another sign-in port.",
	}
	// ErrStateMismatch classifies a callback request whose state is missing
	// or wrong. It is logged and shown to that request only: it never ends a
	// flow, so a forged request cannot abort a real sign-in.
	ErrStateMismatch error = &flowError{
		text: "authflow: state missing or not issued for this sign-in",
		user: msgStateMismatch,
	}
	// ErrClosed: the Server was closed while the flow was still open.
	ErrClosed error = &flowError{
		text: "authflow: server closed",
		user: msgAbandoned,
	}
)

// What the merchant reads on the final page.
const (
	msgDenied        = "You declined the request, so nothing was connected. To connect, start again from Merchant Inbox and allow access."
	msgExpired       = "This sign-in took too long and has expired. Start again from Merchant Inbox."
	msgStateMismatch = "This sign-in link is not valid for this attempt. Start again from Merchant Inbox."
	msgAbandoned     = "Merchant Inbox is no longer waiting for this sign-in. Start again from the app."
	msgAlreadyUsed   = "This sign-in link was already used. If Merchant Inbox shows the account as connected, you are done; otherwise start again from the app."
)

// flowError is an error with a fixed plain-language explanation.
type flowError struct{ text, user string }

func (e *flowError) Error() string       { return e.text }
func (e *flowError) UserMessage() string { return e.user }

// ProviderError is the provider's error redirect (RFC 6749 section 4.1.2.1):
// the merchant declined, or the provider refused the request. The flow ends
// with it and the Callback is not called, since there is no code to exchange.
// errors.Is(err, ErrDenied) reports a decline.
type ProviderError struct {
	Code        string // error, e.g. "access_denied"
	Reason      string // error_reason (Facebook), e.g. "user_denied"
	Description string // error_description: the provider's words, not ours
}

func (e *ProviderError) Error() string {
	s := fmt.Sprintf("authflow: provider returned error %q", e.Code)
	if e.Reason != "" {
		s += fmt.Sprintf(" (reason %q)", e.Reason)
	}
	if e.Description != "" {
		s += fmt.Sprintf(": %q", e.Description)
	}
	return s
}

// Is makes a decline match ErrDenied whatever the provider's wording.
func (e *ProviderError) Is(target error) bool {
	return target == ErrDenied && e.Code == "access_denied"
}

// UserMessage explains the redirect; a provider's description is treated as
// untrusted text and sanitised like any other reason.
func (e *ProviderError) UserMessage() string {
	if errors.Is(e, ErrDenied) {
		return msgDenied
	}
	reason := sanitizeReason(e.Description)
	if reason == "" {
		reason = sanitizeReason(e.Code)
	}
	if reason == "" {
		return "The sign-in page refused the request. Start again from Merchant Inbox."
	}
	return "The sign-in page refused the request: " + reason + "."
}

// portInUseError is what Listen returns for EADDRINUSE: it names the port,
// which the bare sentinel cannot.
type portInUseError struct {
	port int
	err  error
}

func (e *portInUseError) Error() string {
	return fmt.Sprintf("authflow: port %d on 127.0.0.1 is already in use (%v): "+
		"quit the program using it, or choose another port and register the matching redirect URI with the provider", e.port, e.err)
}

func (e *portInUseError) UserMessage() string {
	return fmt.Sprintf("Port %d, which Merchant Inbox uses for sign-in, is taken by another program. "+
		"Close that program or choose another sign-in port.", e.port)
}

func (e *portInUseError) Is(target error) bool { return target == ErrPortInUse }
func (e *portInUseError) Unwrap() error        { return e.err }
