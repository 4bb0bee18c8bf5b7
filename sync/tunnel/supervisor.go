package tunnel

import (
	"context"
	"errors"
	"fmt"
	"github.com/merchant-inbox/merchant-inbox/sync/internal/wait"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Limits of the webhook server. Meta and Shopify send small JSON bodies and
// expect an answer within seconds, so anything slower is a stuck or hostile
// client holding a connection open.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 30 * time.Second
	idleTimeout       = 2 * time.Minute
	// shutdownGrace lets webhook requests under way commit and answer
	// before the server stops: an acknowledged delivery must be stored.
	shutdownGrace = 10 * time.Second
)

// SupervisorOptions configures a Supervisor. Opener and Handler are required.
type SupervisorOptions struct {
	// Opener opens each endpoint: Ngrok in the app, Loopback without an
	// authtoken, a fake in tests.
	Opener Opener
	// Handler serves every request that arrives on an endpoint.
	Handler http.Handler

	// OnUp, if set, is called after every (re)connect with the endpoint's
	// URL, while the endpoint is already being served: the app re-registers
	// the webhook callback URL with Meta and Shopify (which call it back at
	// once to verify it), re-subscribes pages and starts a catch-up poll.
	// Calls never overlap. ctx is cancelled when that endpoint drops or Run
	// ends, and Run waits for OnUp to return before it opens another
	// endpoint or returns, so a slow registration of a dead URL can never
	// land after the registration of its successor.
	OnUp func(ctx context.Context, url string)
	// OnDown, if set, is called with the reason each time an endpoint drops
	// or cannot be opened, before the wait to retry. It runs on Run's
	// goroutine and must return quickly.
	OnDown func(err error)
	// Logger receives the supervisor's and the webhook server's logs;
	// nil means slog.Default().
	Logger *slog.Logger

	// MinBackoff and MaxBackoff bound the wait before reopening: it starts
	// at MinBackoff and doubles after each failure up to MaxBackoff. An
	// endpoint that stayed up longer than MaxBackoff was a real connection,
	// not a flap, so the wait after it starts over at MinBackoff. Defaults:
	// 1s and 1 minute.
	MinBackoff, MaxBackoff time.Duration
	// Sleep waits between attempts and returns early with an error when ctx
	// ends. Nil means a real timer; tests record the waits instead.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Supervisor keeps one endpoint up and serves a handler on it until its
// context ends. Create it with NewSupervisor; read its State from any
// goroutine.
type Supervisor struct {
	opener  Opener
	handler http.Handler
	onUp    func(context.Context, string)
	onDown  func(error)
	log     *slog.Logger
	minWait time.Duration
	maxWait time.Duration
	sleep   func(context.Context, time.Duration) error

	running atomic.Bool
	state   stateBox
}

// NewSupervisor returns a Supervisor for o. It panics if o.Opener or
// o.Handler is nil, which is a programming error.
func NewSupervisor(o SupervisorOptions) *Supervisor {
	if o.Opener == nil || o.Handler == nil {
		panic("tunnel: NewSupervisor needs an Opener and a Handler")
	}
	s := &Supervisor{
		opener:  o.Opener,
		handler: o.Handler,
		onUp:    o.OnUp,
		onDown:  o.OnDown,
		log:     o.Logger,
		minWait: o.MinBackoff,
		maxWait: o.MaxBackoff,
		sleep:   o.Sleep,
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.minWait <= 0 {
		s.minWait = defaultMinBackoff
	}
	if s.maxWait <= 0 {
		s.maxWait = defaultMaxBackoff
	}
	s.maxWait = max(s.maxWait, s.minWait)
	if s.sleep == nil {
		s.sleep = wait.Sleep
	}
	return s
}

// State returns a snapshot of the supervisor's state.
func (s *Supervisor) State() State { return s.state.get() }

// Run opens an endpoint, serves the handler on it with an http.Server and,
// whenever the endpoint drops or fails to open, reopens it after a backoff,
// until ctx ends. It then shuts the server down, giving requests under way
// a few seconds to finish, and returns.
//
// Run returns nil once ctx has ended and everything has stopped, or an
// error: when requests under way outlived the shutdown grace period, when
// the Opener is misconfigured in a way no retry can fix (ErrNoAuthtoken, a
// malformed ngrok domain), or when Run is already running.
func (s *Supervisor) Run(ctx context.Context) error {
	if !s.running.CompareAndSwap(false, true) {
		return errors.New("tunnel: Supervisor.Run called while already running")
	}
	defer s.running.Store(false)
	s.state.starting()
	err := s.run(ctx)
	s.state.stopped(err)
	return err
}

func (s *Supervisor) run(ctx context.Context) error {
	failures := 0 // since the last stable connection
	for {
		ep, err := s.opener.Open(ctx)
		switch {
		case ctx.Err() != nil:
			if err == nil {
				_ = ep.Close()
			}
			return nil
		case isConfigError(err):
			return err
		case err == nil:
			opened := time.Now()
			var shutdownErr error
			if err, shutdownErr = s.serve(ctx, ep); err == nil { // ctx ended
				return shutdownErr
			}
			if time.Since(opened) > s.maxWait {
				failures = 0
			}
		}

		wait := backoff(failures, s.minWait, s.maxWait)
		failures++
		s.state.down(err)
		s.log.Warn("webhook endpoint down", "err", err, "retry_in", wait.Round(time.Millisecond))
		if s.onDown != nil {
			s.onDown(err)
		}
		if s.sleep(ctx, wait) != nil {
			return nil
		}
	}
}

// serve runs the webhook server on ep, and OnUp beside it, until ep drops
// or ctx ends. It returns why ep dropped, or nil if ctx ended first; and
// whether the server shut down within its grace period.
func (s *Supervisor) serve(ctx context.Context, ep Endpoint) (dropped, shutdownErr error) {
	url := ep.URL()
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ep) }()

	s.state.up(url)
	s.log.Info("webhooks on", "url", url)

	// OnUp runs beside the server, not before it: registering the URL makes
	// Meta call it straight away to verify it.
	upCtx, cancelUp := context.WithCancel(ctx)
	var up sync.WaitGroup
	if s.onUp != nil {
		up.Go(func() { s.onUp(upCtx, url) })
	}
	defer up.Wait()
	defer cancelUp()

	select {
	case err := <-served:
		cancelUp()
		shutdownErr := s.shutdown(ctx, srv)
		if ctx.Err() != nil {
			// Not a drop: the endpoint closed because ctx ended.
			return nil, shutdownErr
		}
		if shutdownErr != nil {
			s.log.Warn("webhook server after endpoint drop", "err", shutdownErr)
		}
		return fmt.Errorf("tunnel: endpoint %s dropped: %w", url, err), nil
	case <-ctx.Done():
		cancelUp()
		err := s.shutdown(ctx, srv)
		<-served // Serve returns as soon as Shutdown has closed the listener
		return nil, err
	}
}

// shutdown stops srv gracefully, letting requests under way finish (the
// handler acknowledges a webhook only once it is stored), and forcibly once
// the grace period is over. The listener being closed already is expected:
// endpoints close themselves when their context ends.
func (s *Supervisor) shutdown(ctx context.Context, srv *http.Server) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	switch err := srv.Shutdown(ctx); {
	case errors.Is(err, context.DeadlineExceeded):
		_ = srv.Close()
		return fmt.Errorf("tunnel: webhook requests still running after %v were cut off", shutdownGrace)
	case err != nil && !errors.Is(err, net.ErrClosed):
		return fmt.Errorf("tunnel: shut down webhook server: %w", err)
	}
	return nil
}
