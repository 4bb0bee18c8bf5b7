package app

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"sync"

	"github.com/merchant-inbox/merchant-inbox/sync/engine"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// host is a running engine as a command run inside it for another process
// sees it: its store instead of opening the database, its tunnel for a
// sign-in's public callback, and a reload after the command changed what
// the engine was assembled from.
type host struct {
	eng *engine.Engine
	st  *store.Store
	// show, when set, brings the desktop window forward (a second launch
	// of the app asks for it through the control socket).
	show func()
}

func (h *host) publicURL() string { return h.eng.PublicURL() }

func (h *host) serveCallback(ctx context.Context, cb http.Handler) (string, func(), error) {
	return h.eng.ServeCallback(ctx, cb)
}

func (h *host) requestReload() { h.eng.Reload() }

// hostEngine makes eng reachable by the other merchant-inbox processes
// while it runs: the control socket, and the run-state file status falls
// back to. It prints where the webhooks listen each time the engine
// (re)starts. stop undoes it all.
func (e *env) hostEngine(ctx context.Context, eng *engine.Engine, show func()) (stop func()) {
	h := &host{eng: eng, st: eng.Store(), show: show}
	stopControl, err := e.serveControl(ctx, h)
	if err != nil {
		e.log.Warn("other merchant-inbox commands cannot reach this engine; they will exit 3 until it stops", "err", err)
		stopControl = func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	events := eng.Subscribe(ctx, 64)
	var wg sync.WaitGroup
	wg.Go(func() { e.followEngine(eng, events) })
	return func() {
		cancel()
		wg.Wait()
		stopControl()
		e.cfg.removeRunState()
	}
}

// followEngine keeps the run-state file current and says where the
// webhooks listen, until events closes.
func (e *env) followEngine(eng *engine.Engine, events <-chan engine.Event) {
	pid := os.Getpid()
	var listen string
	for ev := range events {
		switch ev.Kind {
		case engine.MessageStored, engine.ConversationChanged, engine.PollProgress:
			continue // the run state does not show them
		}
		s := eng.State()
		if !s.Running {
			listen = ""
			continue
		}
		if s.Listen != listen {
			listen = s.Listen
			fmt.Fprintf(e.Stdout, "listening on %s\n", s.Listen)
		}
		if err := e.cfg.writeRunState(runStateOf(pid, s)); err != nil {
			e.log.Warn("status will not see this engine", "err", err)
		}
	}
}

// runStateOf is what the run-state file says of a running engine.
func runStateOf(pid int, s engine.State) runState {
	rs := runState{PID: pid, Started: s.Started, Listen: s.Listen, Webhooks: s.Webhooks.String(), NextPoll: s.NextPoll}
	switch t := s.Tunnel; t.Kind {
	case engine.TunnelIsUp:
		rs.PublicURL, rs.Tunnel = t.URL, "up"
	case engine.TunnelIsStarting:
		rs.Tunnel = "starting"
	case engine.TunnelIsDown:
		rs.Tunnel = "reconnecting: " + t.Reason
		if t.Stopped {
			rs.Tunnel = "stopped: " + t.Reason
		}
	default:
		rs.Tunnel = "off: " + t.Reason
	}
	return rs
}

// openStore opens the database, or lends the running engine's when the
// command runs inside it. release closes what was opened here, and only
// that.
func (e *env) openStore() (st *store.Store, release func(), err error) {
	if e.host != nil {
		return e.host.st, func() {}, nil
	}
	st, err = e.cfg.openStore(e.log)
	if err != nil {
		return nil, nil, err
	}
	return st, func() { _ = st.Close() }, nil
}

// engine is the running engine when the command runs inside it, so its
// poll waits for the engine's own and never overlaps it; otherwise an
// engine over st that is not running, for a one-off poll.
func (e *env) engine(ctx context.Context, st *store.Store) (*engine.Engine, error) {
	if e.host != nil {
		return e.host.eng, nil
	}
	o, err := e.engineOptions(ctx, st, serveOptions{noTunnel: true})
	if err != nil {
		return nil, err
	}
	return engine.New(o), nil
}
