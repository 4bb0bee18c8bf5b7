package tunnel

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"

	"golang.ngrok.com/ngrok/v2"
)

// ErrNoAuthtoken is returned by Ngrok.Open when Authtoken is empty. Ngrok's
// cloud refuses anonymous agents, so no retry can help: the app should run
// on Loopback (polling only) until the merchant sets an authtoken.
var ErrNoAuthtoken = errors.New("tunnel: no ngrok authtoken")

// Ngrok opens an HTTPS endpoint on ngrok's cloud from inside the process and
// hands its connections to the caller as a listener.
//
// Each Open starts a new agent session. The agent library would otherwise
// reconnect a lost session by itself, silently, while Accept just blocks;
// instead the endpoint closes as soon as the agent reports a disconnect, so
// that the Supervisor sees the outage, shows it, and after reopening runs
// OnUp, which re-registers the URL and polls for what was missed.
//
// Print or log an Ngrok freely: its String and LogValue leave out the
// authtoken.
type Ngrok struct {
	// Authtoken authenticates the agent to ngrok. Required.
	Authtoken string
	// Domain is an optional static domain reserved in the ngrok dashboard,
	// such as shop-inbox.ngrok.app; "https://" and a trailing slash are
	// tolerated. With it the URL survives reconnects and restarts; without
	// it ngrok assigns a random URL to every session.
	Domain string
	// Logger receives the agent library's own logs; nil discards them.
	Logger *slog.Logger

	// serverAddr replaces ngrok's connect address (host:port). Only tests
	// set it, to point the agent at 127.0.0.1.
	serverAddr string
}

// Open connects a new agent with n.Authtoken and listens on an endpoint at
// n.Domain, or at a random URL when Domain is empty.
//
// Open returns the first failure of the connection instead of letting the
// agent retry in the background: a wrong authtoken or an unreachable edge
// then shows up at once in the Supervisor's state, and the Supervisor's
// backoff paces the retries.
//
// ctx bounds the endpoint's whole life (see Opener).
func (n Ngrok) Open(ctx context.Context) (Endpoint, error) {
	cfg, err := n.config()
	if err != nil {
		return nil, err
	}

	// session ends when the endpoint must: ctx ends, Close is called, or
	// the agent reports a disconnect. Its cause says which.
	session, end := context.WithCancelCause(ctx)
	agent, err := ngrok.NewAgent(cfg.agentOptions(endOnDisconnect(end))...)
	if err != nil {
		end(nil)
		return nil, fmt.Errorf("tunnel: ngrok agent: %w", err)
	}
	// The agent connects itself on Listen, under session: that context must
	// live as long as the endpoint.
	ln, err := agent.Listen(session, cfg.endpointOptions()...)
	if err != nil {
		cause := context.Cause(session) // the disconnect that cut the attempt short, if any
		end(nil)
		_ = agent.Disconnect()
		if cause != nil && ctx.Err() == nil {
			err = cause
		}
		return nil, fmt.Errorf("tunnel: ngrok: %w", err)
	}

	e := newNgrokEndpoint(session, end, agent, ln, cfg.logger)
	cfg.logger.Info("ngrok endpoint online", "url", e.url)
	return e, nil
}

// endOnDisconnect returns the agent event handler that ends the session at
// the agent's first disconnect, with the disconnect's error as the cause.
// A disconnect without an error is the agent stopping on request, which
// the session already knows about.
func endOnDisconnect(end context.CancelCauseFunc) ngrok.EventHandler {
	return func(ev ngrok.Event) {
		// Handlers must not block; ending a context does not.
		if d, ok := ev.(*ngrok.EventAgentDisconnected); ok && d.Error != nil {
			end(d.Error)
		}
	}
}

func (n Ngrok) logger() *slog.Logger {
	if n.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return n.Logger
}

// String describes n without its authtoken.
func (n Ngrok) String() string {
	return fmt.Sprintf("tunnel.Ngrok{Domain: %q, Authtoken set: %t}", n.Domain, n.Authtoken != "")
}

// GoString keeps the authtoken out of %#v as well.
func (n Ngrok) GoString() string { return n.String() }

// LogValue keeps the authtoken out of slog output.
func (n Ngrok) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("domain", n.Domain),
		slog.Bool("authtoken_set", n.Authtoken != ""),
	)
}

// ngrokEndpoint adapts an ngrok listener to Endpoint and ties it to its
// agent session: when the session ends for any reason, the agent is
// disconnected and the listener closed, so Accept returns and says why.
type ngrokEndpoint struct {
	listener ngrok.EndpointListener
	agent    ngrok.Agent
	url      string
	session  context.Context
	end      context.CancelCauseFunc
	done     chan struct{} // closed when teardown has finished
	log      *slog.Logger
}

// newNgrokEndpoint wraps ln, opened by agent under session, and tears both
// down as soon as session ends.
func newNgrokEndpoint(session context.Context, end context.CancelCauseFunc, agent ngrok.Agent, ln ngrok.EndpointListener, log *slog.Logger) *ngrokEndpoint {
	e := &ngrokEndpoint{
		listener: ln,
		agent:    agent,
		url:      ln.URL().String(),
		session:  session,
		end:      end,
		done:     make(chan struct{}),
		log:      log,
	}
	context.AfterFunc(session, e.teardown)
	return e
}

func (e *ngrokEndpoint) URL() string    { return e.url }
func (e *ngrokEndpoint) Addr() net.Addr { return e.listener.Addr() }

// Accept returns the next connection from ngrok's edge. Once the endpoint
// is over it returns net.ErrClosed if it was closed, and otherwise an error
// that wraps the reason: the agent's disconnect error or ctx's cause.
func (e *ngrokEndpoint) Accept() (net.Conn, error) {
	c, err := e.listener.Accept()
	if err == nil {
		return c, nil
	}
	switch cause := context.Cause(e.session); {
	case cause == nil:
		return nil, fmt.Errorf("tunnel: ngrok accept: %w", err)
	case errors.Is(cause, net.ErrClosed):
		return nil, net.ErrClosed
	default:
		return nil, fmt.Errorf("tunnel: ngrok session lost: %w", cause)
	}
}

// Close ends the agent session and waits until it is gone, so that a new
// session can claim the same static domain straight away. It always returns
// nil: by now the session may already be dead, and a failed goodbye to
// ngrok is nothing a caller could act on.
func (e *ngrokEndpoint) Close() error {
	e.end(net.ErrClosed)
	<-e.done
	return nil
}

func (e *ngrokEndpoint) teardown() {
	defer close(e.done)
	// Disconnect first: it closes the session synchronously, so closing the
	// listener afterwards cannot wait on a dead connection.
	if err := e.agent.Disconnect(); err != nil {
		e.log.Debug("ngrok disconnect", "err", err)
	}
	if err := e.listener.Close(); err != nil {
		e.log.Debug("ngrok close endpoint", "err", err)
	}
}
