package authflow

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"
)

const (
	defaultAddr    = "127.0.0.1:0"
	defaultTimeout = 10 * time.Minute
	// closeGrace bounds how long Close lets handlers finish. Apps call Close
	// as soon as Wait returns, while the handler that ended the flow may
	// still be writing its page; cutting it off would leave the merchant
	// looking at a browser error instead of "Connected".
	closeGrace = 5 * time.Second
	// retainEnded is how long an ended flow is remembered, so that a tab
	// reloaded soon after gets "already used" or "expired" instead of "not
	// valid". A Server mounted on the tunnel may live for weeks.
	retainEnded = time.Hour
)

// Options configures Listen. The zero value is ready to use.
type Options struct {
	// Addr is the loopback address to listen on; default "127.0.0.1:0", any
	// free port. A fixed port is what merchants register with Meta as part
	// of the redirect URI. An empty host or "localhost" means 127.0.0.1; any
	// other host is refused, because the callback must never be reachable
	// from the network.
	Addr string
	// Timeout bounds each flow from Expect until the browser comes back;
	// default 10 minutes: time to log in and pick pages, not long enough for
	// a forgotten tab to hold a valid state for days.
	Timeout time.Duration
	// Logger receives refused requests and flow results, never codes,
	// states or tokens. Default: discard.
	Logger *slog.Logger
}

// Server is the short-lived callback server of one or more sign-ins. It
// serves only the paths passed to Expect.
type Server struct {
	port    int
	timeout time.Duration
	log     *slog.Logger
	http    *http.Server
	served  chan struct{} // closed when Serve returns

	closeOnce sync.Once
	closeErr  error
	inflight  sync.WaitGroup // requests being answered; see enter

	mu     sync.Mutex
	flows  map[string][]*Pending // by path, including recently ended flows
	closed bool
}

// Listen binds the callback server on 127.0.0.1 and starts serving. When
// the port is taken the error matches ErrPortInUse and names the port.
func Listen(o Options) (*Server, error) {
	addr, err := loopbackAddr(o.Addr)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr.String())
	if err != nil {
		if isAddrInUse(err) {
			return nil, &portInUseError{port: int(addr.Port()), err: err}
		}
		return nil, fmt.Errorf("authflow: listen on %s: %w", addr, err)
	}
	s := &Server{
		port:    ln.Addr().(*net.TCPAddr).Port,
		timeout: o.Timeout,
		log:     o.Logger,
		served:  make(chan struct{}),
		flows:   make(map[string][]*Pending),
	}
	if s.timeout <= 0 {
		s.timeout = defaultTimeout
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.http = &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       time.Minute,
		MaxHeaderBytes:    64 << 10, // a callback URL is a few hundred bytes
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	go func() {
		defer close(s.served)
		if err := s.http.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("authflow: callback server stopped", "err", err)
		}
	}()
	return s, nil
}

// loopbackAddr resolves Options.Addr to an IPv4 loopback address.
func loopbackAddr(addr string) (netip.AddrPort, error) {
	if addr == "" {
		addr = defaultAddr
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("authflow: listen address %q: %w", addr, err)
	}
	if host == "" || host == "localhost" {
		host = "127.0.0.1"
	}
	ip, err := netip.ParseAddr(host)
	if err != nil || !ip.Is4() || !ip.IsLoopback() {
		return netip.AddrPort{}, fmt.Errorf("authflow: listen address %q: only 127.0.0.1 is allowed, the callback server must not be reachable from the network", addr)
	}
	n, err := strconv.ParseUint(port, 10, 16)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("authflow: listen address %q: bad port: %w", addr, err)
	}
	return netip.AddrPortFrom(ip, uint16(n)), nil
}

// URL returns the redirect URI for path on this server,
// "http://localhost:PORT/path". It says localhost although the server binds
// only 127.0.0.1: Meta accepts plain-http redirect URIs only for localhost
// (and only while the app is in development mode), and providers compare
// redirect URIs as exact strings. Browsers resolve localhost to loopback,
// falling back from ::1 to 127.0.0.1; binding the IPv4 loopback alone keeps
// the server off every network interface.
func (s *Server) URL(path string) string {
	return "http://" + net.JoinHostPort("localhost", strconv.Itoa(s.port)) + path
}

// Handler serves the same routes as the server's own listener, to be
// mounted on another one too: the tunnel's public HTTPS URL is the redirect
// Meta requires once the app is in live mode.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(s.serveHTTP)
}

// Close ends every open flow with ErrClosed, lets pages being written
// finish (waiting at most a few seconds for a Callback that ignores its
// context) and stops the server. It is safe to call more than once.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		for _, flows := range s.flows {
			for _, p := range flows {
				p.endLocked(Outcome{}, ErrClosed)
			}
		}
		s.mu.Unlock()

		// Wait for handlers, not connections: http.Server.Shutdown would
		// also wait out the speculative connections browsers open ahead of
		// use, which it counts as active for 5 s.
		finished := make(chan struct{})
		go func() {
			s.inflight.Wait()
			close(finished)
		}()
		grace := time.NewTimer(closeGrace)
		defer grace.Stop()
		select {
		case <-finished:
		case <-grace.C:
			s.log.Warn("authflow: a sign-in callback did not return in time; closing anyway")
		}
		if err := s.http.Close(); err != nil {
			s.closeErr = fmt.Errorf("authflow: close: %w", err)
		}
		<-s.served
	})
	return s.closeErr
}

// enter counts a request that Close must let finish. Once Close has begun
// nothing more is counted (every flow has ended, so answers are immediate),
// which also keeps inflight.Add from racing with inflight.Wait.
func (s *Server) enter() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.inflight.Add(1)
	return true
}
