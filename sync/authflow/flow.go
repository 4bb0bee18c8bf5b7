package authflow

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Outcome is what the merchant reads on the final page of a successful
// sign-in, and what Wait returns.
type Outcome struct {
	Title   string // e.g. "Connected"; empty means "Connected"
	Message string // e.g. "Merchant Inbox is now connected to Shop One and Shop Two."
}

// Callback handles the provider's redirect once its state checked out: it
// validates the rest of the query and exchanges the code. query is the
// whole query as received, state included, because some providers sign it
// (Shopify's hmac). ctx ends when the flow is abandoned or the server
// closes. The returned Outcome is shown to the merchant; an error is shown
// as a failure page (see UserMessage) and ends the flow with that error.
type Callback func(ctx context.Context, query url.Values) (Outcome, error)

type phase int

const (
	waiting phase = iota // for the browser to come back with the state
	running              // state consumed; the Callback is running
	ended
)

// Pending is one expected sign-in. It ends exactly once: with the
// Callback's result, a provider error, ErrExpired, ErrClosed, or the error
// of the context Wait gave up on.
type Pending struct {
	s      *Server
	path   string
	state  string
	cb     Callback
	ctx    context.Context // the Callback's; cancelled when the flow ends
	cancel context.CancelFunc
	timer  *time.Timer
	done   chan struct{}

	// Guarded by s.mu. outcome and err are final once done is closed.
	phase   phase
	claimed bool // the state was presented; a replay is "already used"
	endedAt time.Time
	outcome Outcome
	err     error
}

// Expect registers a sign-in that the provider will redirect to path with
// state. The first GET on path carrying that state consumes it and runs cb,
// exactly once; requests with any other state are refused with a 400 page
// and leave the flow waiting. Several flows may wait at once, on different
// paths or the same one: the state tells them apart. The flow expires after
// Options.Timeout.
//
// Expect panics if path does not start with "/", if state is empty (it
// would match a request that carries none) or if cb is nil: these are
// programming errors, as with http.ServeMux.
func (s *Server) Expect(path, state string, cb Callback) *Pending {
	if !strings.HasPrefix(path, "/") || state == "" || cb == nil {
		panic(fmt.Sprintf("authflow: Expect(%q, <state>, <callback>) needs a path starting with /, a state and a callback", path))
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &Pending{s: s, path: path, state: state, cb: cb, ctx: ctx, cancel: cancel, done: make(chan struct{})}

	s.mu.Lock()
	defer s.mu.Unlock()
	s.forgetLocked(time.Now())
	s.flows[path] = append(s.flows[path], p)
	if s.closed {
		p.endLocked(Outcome{}, ErrClosed)
		return p
	}
	p.timer = time.AfterFunc(s.timeout, p.expire)
	return p
}

// Wait returns the flow's result once it ends: the Callback's Outcome, or
// an error (ErrDenied, ErrExpired, ErrClosed, a *ProviderError, the
// Callback's error). If ctx ends first, the flow is abandoned: Wait returns
// ctx.Err(), a running Callback sees its context cancelled, and a late
// redirect gets a page saying the app stopped waiting. Nobody would act on
// a sign-in that completed after the app gave up on it.
func (p *Pending) Wait(ctx context.Context) (Outcome, error) {
	select {
	case <-p.done:
	case <-ctx.Done():
		p.end(Outcome{}, ctx.Err()) // no-op if the flow just ended otherwise
	}
	<-p.done
	return p.outcome, p.err
}

// complete runs the flow for the request that consumed its state and
// returns the page to show.
func (p *Pending) complete(query url.Values) page {
	out, err := p.result(query)
	if !p.end(out, err) {
		// Wait gave up, or the server closed, while the Callback ran.
		return failurePage(http.StatusGone, msgAbandoned)
	}
	if err != nil {
		p.s.log.Warn("authflow: sign-in failed", "path", p.path, "err", err)
		return failurePage(http.StatusOK, UserMessage(err))
	}
	p.s.log.Info("authflow: sign-in completed", "path", p.path)
	return page{Status: http.StatusOK, OK: true, Title: out.Title, Message: out.Message}
}

// result is the provider's error redirect, or else the Callback's answer.
// A panicking Callback still ends the flow, so Wait cannot hang on a flow
// whose timer was already stopped; the panic then goes on to net/http,
// which logs it with its stack.
func (p *Pending) result(query url.Values) (out Outcome, err error) {
	if code := query.Get("error"); code != "" {
		return Outcome{}, &ProviderError{
			Code:        code,
			Reason:      query.Get("error_reason"),
			Description: query.Get("error_description"),
		}
	}
	defer func() {
		if v := recover(); v != nil {
			p.end(Outcome{}, fmt.Errorf("authflow: callback for %s panicked: %v", p.path, v))
			panic(v)
		}
	}()
	out, err = p.cb(p.ctx, query)
	if err != nil {
		return Outcome{}, err
	}
	if out.Title == "" {
		out.Title = "Connected"
	}
	if out.Message == "" {
		out.Message = "Merchant Inbox is now connected."
	}
	return out, nil
}

func (p *Pending) expire() {
	p.s.mu.Lock()
	defer p.s.mu.Unlock()
	if p.phase == waiting && p.endLocked(Outcome{}, ErrExpired) {
		p.s.log.Info("authflow: sign-in expired", "path", p.path, "timeout", p.s.timeout)
	}
}

func (p *Pending) end(out Outcome, err error) bool {
	p.s.mu.Lock()
	defer p.s.mu.Unlock()
	return p.endLocked(out, err)
}

// endLocked ends the flow unless it already ended, and reports whether it
// did. s.mu must be held.
func (p *Pending) endLocked(out Outcome, err error) bool {
	if p.phase == ended {
		return false
	}
	p.phase, p.endedAt, p.outcome, p.err = ended, time.Now(), out, err
	if p.timer != nil {
		p.timer.Stop()
	}
	p.cancel()
	close(p.done)
	return true
}

// forgetLocked drops flows that ended more than retainEnded ago. s.mu must
// be held.
func (s *Server) forgetLocked(now time.Time) {
	for path, flows := range s.flows {
		s.flows[path] = slices.DeleteFunc(flows, func(p *Pending) bool {
			return p.phase == ended && now.Sub(p.endedAt) > retainEnded
		})
	}
}
