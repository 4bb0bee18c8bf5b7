package engine

import (
	"errors"
	"fmt"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/fix"
)

// Why a reply was not sent. Each error's text is one plain sentence the
// window shows after "Not sent: " and the command line prints; none names
// a command (the remedy, when there is one, is a fix.Fix).
var (
	// ErrInvalidReply: the reply is not one Messenger takes (empty, too
	// long, not UTF-8). Checked before anything else; see *InvalidReplyError.
	ErrInvalidReply = errors.New("invalid reply")
	// ErrWindowClosed: Messenger's window does not allow this reply now;
	// see *WindowClosedError for when it closed and what is still allowed.
	ErrWindowClosed = errors.New("the reply window is closed")
	// ErrUnreachable: Meta answered 551, the person is not available.
	ErrUnreachable = errors.New("the customer cannot be reached on Messenger (they may have blocked the page or left Messenger)")
	// ErrHumanAgentRefused: Meta refused the HUMAN_AGENT tag, which it
	// grants per app.
	ErrHumanAgentRefused = errors.New("Meta has not granted this app the human-agent permission, so replies after 24 hours cannot be sent")
	// ErrSendRateLimited: Meta throttles the page or the app; see
	// *RateLimitedError for until when.
	ErrSendRateLimited = errors.New("Messenger is limiting this page's messages")
	// ErrPageDisconnected: the merchant disconnected the page.
	ErrPageDisconnected = errors.New("this page is disconnected; connect it again to reply")
	// ErrNoConversation: no stored conversation has this customer.
	ErrNoConversation = errors.New("there is no conversation with this customer")
)

// InvalidReplyError says what is wrong with a reply. It matches
// ErrInvalidReply.
type InvalidReplyError struct{ Reason string }

func (e *InvalidReplyError) Error() string        { return e.Reason }
func (e *InvalidReplyError) Is(target error) bool { return target == ErrInvalidReply }

// WindowClosedError is a reply refused by the messaging window: by the
// engine, from the stored time of the customer's last message, before any
// call, or by Meta (ByMeta) when its view differed. It matches
// ErrWindowClosed.
type WindowClosedError struct {
	// LastIncoming is when the customer last wrote; zero when never.
	LastIncoming time.Time
	// Ends and HumanAgentEnds are when a standard and a human-agent reply
	// stop being allowed (zero when the customer never wrote).
	Ends, HumanAgentEnds time.Time
	// HumanAgentPossible: a reply tagged HUMAN_AGENT is still allowed
	// now (where Meta granted the permission).
	HumanAgentPossible bool
	// ByMeta: Meta refused the message (code 10, subcode 2018278).
	ByMeta bool
	// Now is when the refusal was decided, for the sentence's "ago".
	Now time.Time
}

func (e *WindowClosedError) Is(target error) bool { return target == ErrWindowClosed }

func (e *WindowClosedError) Error() string {
	switch {
	case e.LastIncoming.IsZero():
		return "the customer has not written to this page, and Messenger lets a page reply only after the customer writes first"
	case e.HumanAgentPossible:
		return fmt.Sprintf("the 24-hour reply window closed %s ago (%s); a human-agent reply is still possible until %s",
			span(e.Now.Sub(e.Ends)), at(e.Ends, e.Now), at(e.HumanAgentEnds, e.Now))
	case e.ByMeta && e.Now.Before(e.HumanAgentEnds):
		return "Messenger says the reply window has closed; the customer must write again before the page can reply"
	}
	return fmt.Sprintf("the reply window closed %s ago, 7 days after the customer's last message (%s); the customer must write first",
		span(e.Now.Sub(e.HumanAgentEnds)), at(e.LastIncoming, e.Now))
}

// RateLimitedError is a send Meta throttled, or that the client held back
// because an earlier answer said to wait. It matches ErrSendRateLimited and
// unwraps to the facebook.RateLimitError.
type RateLimitedError struct {
	Until time.Time
	Now   time.Time
	Err   error
}

func (e *RateLimitedError) Error() string {
	return fmt.Sprintf("Messenger is limiting this page's messages until %s; try again then", at(e.Until, e.Now))
}
func (e *RateLimitedError) Is(target error) bool { return target == ErrSendRateLimited }
func (e *RateLimitedError) Unwrap() error        { return e.Err }

// NeedsLoginError is a send that cannot go out until the merchant signs in
// to Facebook again: Meta reported the page token dead (the page is then
// marked, as a poll marks it), or the keychain has none. It matches
// ErrNeedsLogin and carries the fix.
type NeedsLoginError struct{ Err error }

func (e *NeedsLoginError) Error() string {
	return "Facebook no longer accepts this page's sign-in; sign in to Facebook again"
}
func (e *NeedsLoginError) UserMessage() string  { return e.Error() }
func (e *NeedsLoginError) Fix() fix.Fix         { return fix.Fix{Action: fix.SignInFacebook} }
func (e *NeedsLoginError) Is(target error) bool { return target == ErrNeedsLogin }
func (e *NeedsLoginError) Unwrap() error        { return e.Err }

// SendFailedError is any other failure: Meta refused the message for a
// reason not listed above, or could not be reached. Err is the cause.
type SendFailedError struct{ Err error }

func (e *SendFailedError) Error() string {
	return "Messenger did not take the message: " + causeText(e.Err)
}
func (e *SendFailedError) Unwrap() error { return e.Err }

// span is a duration in the largest whole unit: "3 minutes", "5 hours",
// "2 days".
func span(d time.Duration) string {
	unit := func(n int, one string) string {
		if n == 1 {
			return "1 " + one
		}
		return fmt.Sprintf("%d %ss", n, one)
	}
	switch {
	case d < time.Minute:
		return "less than a minute"
	case d < time.Hour:
		return unit(int(d/time.Minute), "minute")
	case d < 48*time.Hour:
		return unit(int(d/time.Hour), "hour")
	}
	return unit(int(d/(24*time.Hour)), "day")
}

// at is a moment in the machine's zone: "14:03" today, "Fri 14:03" within
// a week either side, "2 Dec 14:03" otherwise.
func at(t, now time.Time) string {
	t, now = t.Local(), now.Local()
	y1, m1, d1 := t.Date()
	y2, m2, d2 := now.Date()
	switch diff := t.Sub(now); {
	case y1 == y2 && m1 == m2 && d1 == d2:
		return t.Format("15:04")
	case diff > -6*24*time.Hour && diff < 6*24*time.Hour:
		return t.Format("Mon 15:04")
	}
	return t.Format("2 Jan 15:04")
}
