// Package secrets gives the app's secrets typed names and keeps them in the
// OS keychain (Secret Service on Linux, Keychain on macOS, Credential
// Manager on Windows, via github.com/zalando/go-keyring), with a timeout
// around every call.
//
// Why a timeout: on Linux go-keyring talks to the Secret Service over D-Bus,
// and a call can block forever: a locked collection waits for a password
// prompt nobody answers, a half-started gnome-keyring never replies. The
// app polls in the background from a tray icon, so a hung keychain must
// turn into an error the UI can show, not a frozen sync loop.
//
// Why no fallback: when the keychain cannot be reached every method returns
// an error wrapping ErrUnavailable. Nothing is ever written to or read from
// a plaintext file instead, so a broken desktop session cannot quietly
// downgrade where tokens are kept.
//
// Secret values never appear in the errors this package returns, and it
// logs nothing.
package secrets

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zalando/go-keyring"
)

// DefaultService is the keychain service (the Secret Service "service"
// attribute, the macOS service, the Windows target prefix) the app's
// secrets are stored under.
const DefaultService = "merchant-inbox"

// DefaultTimeout bounds each keychain call unless WithTimeout says
// otherwise. A healthy keychain answers in milliseconds; five seconds is
// long enough for a busy D-Bus and short enough for a UI.
const DefaultTimeout = 5 * time.Second

var (
	// ErrNotFound means the keychain has no such secret (for Delete: there
	// was nothing to delete). It is the one error callers may treat as
	// "not configured yet".
	ErrNotFound = errors.New("secrets: not found in the OS keychain")

	// ErrUnavailable means the keychain could not be used: no Secret
	// Service on the session bus (or no session bus), a locked keychain,
	// a call that timed out, or any other backend failure. The wrapped
	// message says which. Callers must not treat it like ErrNotFound.
	ErrUnavailable = errors.New("secrets: OS keychain unavailable")

	// ErrInvalidValue is returned by Set for a value that must not be
	// stored: empty, not UTF-8, containing control characters (a newline
	// or NUL from a sloppy paste or pipe), surrounded by whitespace, or
	// too large for the keychain.
	ErrInvalidValue = errors.New("secrets: invalid secret value")
)

// Backend is the keychain a Store uses. Its shape is go-keyring's package
// functions, so the real keychain needs no adapter logic and test doubles
// are trivial. A Backend reports a missing secret with keyring.ErrNotFound
// (or ErrNotFound) and must be safe for concurrent use. Its calls may
// block: Store runs each in its own goroutine under a timeout.
type Backend interface {
	Get(service, user string) (string, error)
	Set(service, user, password string) error
	Delete(service, user string) error
}

// osKeyring is the default Backend: the real OS keychain.
type osKeyring struct{}

func (osKeyring) Get(service, user string) (string, error) {
	return keyring.Get(service, user)
}

func (osKeyring) Set(service, user, password string) error {
	return keyring.Set(service, user, password)
}

func (osKeyring) Delete(service, user string) error {
	return keyring.Delete(service, user)
}

// Store reads and writes the app's secrets in a keychain under one
// service. It is safe for concurrent use.
type Store struct {
	service string
	backend Backend
	timeout time.Duration
}

// Option configures a Store.
type Option func(*Store)

// WithBackend makes the Store use b instead of the OS keychain; tests of
// other packages pass NewMemoryBackend(). A nil b keeps the default.
func WithBackend(b Backend) Option {
	return func(s *Store) {
		if b != nil {
			s.backend = b
		}
	}
}

// WithTimeout sets how long one keychain call may take before it fails
// with ErrUnavailable. A d <= 0 keeps DefaultTimeout: calls are never
// unbounded.
func WithTimeout(d time.Duration) Option {
	return func(s *Store) {
		if d > 0 {
			s.timeout = d
		}
	}
}

// New returns a Store for service (DefaultService in the app; tests use a
// unique one so they never touch real secrets). An empty service means
// DefaultService: an item under an empty service would be hard to find and
// clean up by hand. By default the Store uses the OS keychain through
// go-keyring and a DefaultTimeout per call.
func New(service string, opts ...Option) *Store {
	if service == "" {
		service = DefaultService
	}
	s := &Store{service: service, backend: osKeyring{}, timeout: DefaultTimeout}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Get returns the value of secret n. A missing secret is ErrNotFound; so is
// an item holding an empty value, which Set never writes, so that no caller
// mistakes it for a usable token.
func (s *Store) Get(ctx context.Context, n Name) (string, error) {
	if !n.valid() {
		return "", nameError("get")
	}
	v, err := s.call(ctx, "get", n, "", func(b Backend) (string, error) {
		return b.Get(s.service, string(n))
	})
	if err != nil {
		return "", err
	}
	if v == "" {
		return "", &opError{op: "get", name: n, kind: ErrNotFound, detail: "the keychain item is empty"}
	}
	return v, nil
}

// Set stores value as secret n, replacing any previous value. The value is
// checked first (see ErrInvalidValue) because a token with a stray newline
// would be stored fine and then fail every API call in a confusing way.
//
// If the call times out, the keychain may still complete the write later:
// the backend call cannot be aborted, only abandoned.
func (s *Store) Set(ctx context.Context, n Name, value string) error {
	if !n.valid() {
		return nameError("set")
	}
	if reason := checkValue(value); reason != "" {
		return &opError{op: "set", name: n, kind: ErrInvalidValue, detail: reason}
	}
	_, err := s.call(ctx, "set", n, value, func(b Backend) (string, error) {
		return "", b.Set(s.service, string(n), value)
	})
	return err
}

// Delete removes secret n. Deleting a secret that is not there is
// ErrNotFound, so a caller can tell the user nothing was deleted (a
// mistyped page ID, say).
func (s *Store) Delete(ctx context.Context, n Name) error {
	if !n.valid() {
		return nameError("delete")
	}
	_, err := s.call(ctx, "delete", n, "", func(b Backend) (string, error) {
		return "", b.Delete(s.service, string(n))
	})
	return err
}

// call runs f against the backend in a goroutine and waits for it, the
// Store's timeout, or ctx, whichever comes first. The goroutine is
// abandoned on timeout (it ends whenever the backend returns; its result
// channel is buffered so it never blocks): go-keyring offers no way to
// cancel a D-Bus call, and waiting forever is worse than a leaked
// goroutine. secret, when not empty, is scrubbed from error messages.
func (s *Store) call(ctx context.Context, op string, n Name, secret string, f func(Backend) (string, error)) (string, error) {
	if err := ctx.Err(); err != nil {
		// The caller gave up before the keychain was asked: that says
		// nothing about the keychain, so it is not ErrUnavailable.
		return "", &opError{op: op, name: n, kind: err}
	}
	cctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()

	type result struct {
		v   string
		err error
	}
	done := make(chan result, 1)
	start := time.Now()
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- result{err: fmt.Errorf("keychain backend panicked: %v", p)}
			}
		}()
		v, err := f(s.backend)
		done <- result{v, err}
	}()

	select {
	case r := <-done:
		if r.err != nil {
			return "", mapError(op, n, secret, r.err)
		}
		return r.v, nil
	case <-cctx.Done():
		if errors.Is(ctx.Err(), context.Canceled) {
			// Cancelled by the caller (app shutting down): report that,
			// not a keychain fault.
			return "", &opError{op: op, name: n, kind: ctx.Err()}
		}
		return "", &opError{
			op: op, name: n, kind: ErrUnavailable, cause: context.DeadlineExceeded,
			detail: fmt.Sprintf("no answer within %s (a locked keychain waiting for a password prompt, or a Secret Service that does not respond)",
				time.Since(start).Round(time.Millisecond)),
		}
	}
}

// mapError turns a backend error into one of the package's sentinels. The
// backend's message is kept (it is what tells a user that, say, no Secret
// Service is running) but with secret scrubbed from it, in case a backend
// ever echoes its arguments.
func mapError(op string, n Name, secret string, err error) error {
	switch {
	case errors.Is(err, keyring.ErrNotFound), errors.Is(err, ErrNotFound):
		return &opError{op: op, name: n, kind: ErrNotFound}
	case errors.Is(err, keyring.ErrSetDataTooBig):
		return &opError{op: op, name: n, kind: ErrInvalidValue, detail: "too large for the OS keychain"}
	}
	msg := err.Error()
	if secret != "" {
		msg = strings.ReplaceAll(msg, secret, "[redacted]")
	}
	return &opError{op: op, name: n, kind: ErrUnavailable, detail: msg}
}

// checkValue returns why value must not be stored, or "". The reason never
// quotes the value.
func checkValue(value string) string {
	switch {
	case value == "":
		return "empty"
	case !utf8.ValidString(value):
		return "not valid UTF-8"
	case strings.ContainsFunc(value, isControl):
		return "contains a control character (newline, tab, NUL, ...)"
	case strings.TrimSpace(value) != value:
		return "has leading or trailing whitespace"
	}
	return ""
}

func isControl(r rune) bool { return r < 0x20 || (r >= 0x7f && r < 0xa0) }

func nameError(op string) error {
	// The name is not quoted, for the reason given at ParseName.
	return &opError{op: op, kind: ErrInvalidName, detail: "not one of " + validNamesList()}
}

// opError is the error every Store method returns. It matches its kind
// (ErrNotFound, ErrUnavailable, ErrInvalidValue, ErrInvalidName, or the
// caller's context error) with errors.Is, and a timeout also matches
// context.DeadlineExceeded. It never holds a backend error itself, only its
// scrubbed message, so no secret can be reached through Unwrap either.
type opError struct {
	op     string // get, set, delete
	name   Name   // empty when the name itself was invalid
	kind   error
	cause  error // context.DeadlineExceeded for a timeout, else nil
	detail string
}

func (e *opError) Error() string {
	var b strings.Builder
	b.WriteString("secrets: ")
	b.WriteString(e.op)
	if e.name != "" {
		b.WriteString(" ")
		b.WriteString(string(e.name))
	}
	b.WriteString(": ")
	b.WriteString(strings.TrimPrefix(e.kind.Error(), "secrets: "))
	if e.detail != "" {
		b.WriteString(": ")
		b.WriteString(e.detail)
	}
	return b.String()
}

func (e *opError) Unwrap() []error {
	if e.cause != nil {
		return []error{e.kind, e.cause}
	}
	return []error{e.kind}
}
