// Package fix names what the merchant can do about a problem.
//
// An error raised deep in the engine knows the remedy (the app secret is
// wrong, the shop must be connected again) but not who will show it: the
// command line renders a remedy as the command to run, the window as a
// button that starts the same action. So the sentences the merchant reads
// (an error's UserMessage) never name a command, and an error that has a
// remedy carries it as a Fix value, found with Of.
package fix

import (
	"errors"

	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
)

// Action is a kind of fix. Its values are stable words, safe to show in
// JSON and logs.
type Action string

const (
	// SignInFacebook: run the Facebook sign-in again, which renews the
	// page tokens and lets the merchant grant what was missing.
	SignInFacebook Action = "sign-in-facebook"
	// ConnectShopify: connect the shop again (Fix.Shop names it when
	// known), which installs the app anew and stores a fresh token.
	ConnectShopify Action = "connect-shopify"
	// SetSecret: store a value in the keychain; Fix.Secret names which.
	SetSecret Action = "set-secret"
)

// Fix is one action that resolves a problem. The zero Fix means none is
// known.
type Fix struct {
	Action Action
	// Secret is the value to store, for SetSecret.
	Secret secrets.Name
	// Shop is the shop to connect, for ConnectShopify; "" when unknown.
	Shop string
}

// IsZero reports whether f names no action.
func (f Fix) IsZero() bool { return f.Action == "" }

// String describes the fix in a few plain words, for logs and as the
// label of a button that knows no better.
func (f Fix) String() string {
	switch f.Action {
	case SignInFacebook:
		return "Sign in to Facebook again"
	case ConnectShopify:
		if f.Shop != "" {
			return "Connect " + f.Shop + " again"
		}
		return "Connect the shop again"
	case SetSecret:
		return "Set " + string(f.Secret)
	case "":
		return ""
	}
	return string(f.Action)
}

// carrier is an error that knows its remedy.
type carrier interface {
	error
	Fix() Fix
}

// Of returns the fix of the first error in err's chain that carries one
// (has a method Fix() Fix), the same way the merchant's sentence is taken
// from the first error that has a UserMessage. ok is false when that error
// has none, or no error does.
func Of(err error) (f Fix, ok bool) {
	c, found := errors.AsType[carrier](err)
	if !found {
		return Fix{}, false
	}
	f = c.Fix()
	return f, !f.IsZero()
}

// Explain returns err with the sentence the merchant reads (UserMessage)
// and the fix (Fix). errors.Is and errors.As see err through it, and its
// Error is err's: the log keeps the technical text. A nil err gives an
// error whose text is msg.
func Explain(err error, msg string, f Fix) error {
	if err == nil {
		err = errors.New(msg)
	}
	return &explained{err: err, msg: msg, fix: f}
}

type explained struct {
	err error
	msg string
	fix Fix
}

func (e *explained) Error() string       { return e.err.Error() }
func (e *explained) Unwrap() error       { return e.err }
func (e *explained) UserMessage() string { return e.msg }
func (e *explained) Fix() Fix            { return e.fix }
