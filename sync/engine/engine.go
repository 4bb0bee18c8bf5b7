package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
	"github.com/merchant-inbox/merchant-inbox/sync/tunnel"
	"github.com/merchant-inbox/merchant-inbox/sync/validate"
)

// TunnelKind picks the public endpoint the engine opens for webhooks.
type TunnelKind int

const (
	// TunnelNgrok opens an ngrok endpoint when an authtoken is in the
	// keychain (the product); without one, webhooks reach only Listen.
	TunnelNgrok TunnelKind = iota
	// TunnelOff opens none: polling only, plus whatever reaches Listen.
	TunnelOff
	// TunnelLoopback opens a second local port standing in for the public
	// URL: tests and the sandbox.
	TunnelLoopback
)

// Options configure an Engine. Store, Secrets and Graph are required.
type Options struct {
	Store   *store.Store
	Secrets *secrets.Store
	// Graph returns a Graph API client; appSecret, when not empty, signs
	// every call with appsecret_proof.
	Graph func(appSecret string) *facebook.Client
	// ShopifyURL replaces https://{shop} (tests and the sandbox).
	ShopifyURL string
	// FacebookWebURL replaces https://www.facebook.com, where the consent
	// dialog lives (tests and the sandbox).
	FacebookWebURL string
	// Browser opens a sign-in's consent page; nil: the merchant opens it.
	Browser func(ctx context.Context, url string) error

	Settings
	// Reconfigure, when set, is called as each generation starts (at Run
	// and after every Reload) to read the settings afresh: a change the
	// merchant saved applies without restarting the program.
	Reconfigure func(ctx context.Context) (Settings, error)
	// Opener, when set, replaces the endpoint Tunnel picks (tests).
	Opener tunnel.Opener
	Logger *slog.Logger
	// Now is the clock the reply window is judged by; nil: time.Now.
	Now func() time.Time
}

// Settings are the engine's choices the merchant can change while it runs.
type Settings struct {
	// Listen is the local host:port of the webhook endpoints. It must be
	// a loopback address unless PublicListen says the merchant means it.
	Listen       string
	PublicListen bool
	Tunnel       TunnelKind
	// Domain is the ngrok static domain; "" for a new URL on each connect.
	Domain  string
	DailyAt TimeOfDay
}

// Engine is the merchant's inbox while it runs: the webhook endpoints, the
// tunnel, the daily poll, and the events a view follows. The command line
// (serve, and the commands serve runs for other processes) and the window
// drive this one value, so a sync, a mark-read or a reload is the same
// call whoever asked for it.
//
// Run assembles the engine from what the store and keychain hold and runs
// it until its context ends. Reload makes it reassemble after a connection,
// secret or setting changed: restarting whole is simpler to trust than
// patching routes, tunnel and scheduler in place, and costs a second of
// webhooks, which Meta and Shopify retry.
type Engine struct {
	o      Options
	log    *slog.Logger
	events *Broadcaster
	// polling holds one token while a poll runs: the scheduled poll, a
	// sync asked for by the command line and one after a reload never
	// overlap.
	polling chan struct{}
	reload  chan struct{} // cap 1: a pending reload request

	mu       sync.Mutex
	settings Settings     // the running generation's (see Reconfigure)
	running  *generation  // nil while not running
	state    State        // see State
	callback http.Handler // a sign-in's callback routes while one waits
	idle     *idleGraph   // the Graph client for sends while not running (send.go)
}

// New returns an Engine over o; nothing runs before Run.
func New(o Options) *Engine {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Engine{
		o:        o,
		settings: o.Settings,
		log:      o.Logger,
		events:   NewBroadcaster(),
		polling:  make(chan struct{}, 1),
		reload:   make(chan struct{}, 1),
	}
}

// Store is the engine's open store: commands run inside a running engine
// read and write through it instead of opening the database themselves.
func (e *Engine) Store() *store.Store { return e.o.Store }

// Subscribe returns the events published from now on until ctx ends (see
// Broadcaster.Subscribe).
func (e *Engine) Subscribe(ctx context.Context, buffer int) <-chan Event {
	return e.events.Subscribe(ctx, buffer)
}

func (e *Engine) publish(ev Event) { e.events.Publish(ev) }

// Reload asks the engine to reassemble itself; requests made before it
// gets to it are one. A request made while it is not running is kept for
// when it runs.
func (e *Engine) Reload() {
	select {
	case e.reload <- struct{}{}:
	default:
	}
}

// ErrNotRunning is returned by calls that need a running engine.
var ErrNotRunning = errors.New("the engine is not running")

// SyncNow polls everything now, in the background, through the
// scheduler's single job: asked for during a poll, it runs once more after
// it. Follow it with Subscribe.
func (e *Engine) SyncNow() error {
	e.mu.Lock()
	g := e.running
	e.mu.Unlock()
	if g == nil {
		return ErrNotRunning
	}
	return g.sched.SyncNow()
}

// MarkRead moves the merchant's read marker of a conversation to its
// newest message, and tells subscribers when that changed anything.
func (e *Engine) MarkRead(ctx context.Context, pageID, psid string) error {
	changed, err := e.o.Store.MarkRead(ctx, pageID, psid)
	if err != nil {
		return err
	}
	if changed {
		e.publish(Event{Kind: ConversationChanged, PageID: pageID, PSID: psid})
	}
	return nil
}

// Run runs the engine until ctx ends, reassembling it on each Reload. It
// returns nil when stopped by ctx, after webhook requests under way have
// committed and answered.
func (e *Engine) Run(ctx context.Context) error {
	started := time.Now()
	defer func() {
		e.setState(func(s *State) { *s = State{LastPoll: s.LastPoll, LastPollErr: s.LastPollErr} })
		e.publish(Event{Kind: StateChanged})
	}()
	for {
		reload, err := e.runOnce(ctx, started)
		if ctx.Err() != nil && (reload || err == nil || errors.Is(err, context.Canceled)) {
			return nil
		}
		if err != nil || !reload {
			return err
		}
		e.log.Info("restarting the engine with the changed connections and secrets")
	}
}

// generation is one assembly of the engine, from start or reload to stop.
type generation struct {
	parts *parts
	sched *Scheduler
}

// runOnce runs one generation until ctx ends, its webhook listener fails,
// or Reload is called; reload reports the last.
func (e *Engine) runOnce(ctx context.Context, started time.Time) (reload bool, err error) {
	// stopAll ends everything started under ctx (tunnel, polls, page
	// refreshes) also when the generation stops for its own reason, such
	// as the local listener failing.
	ctx, stopAll := context.WithCancel(ctx)
	defer stopAll()
	set, err := e.reconfigure(ctx)
	if err != nil {
		return false, err
	}
	p, err := e.assemble(ctx)
	if err != nil {
		return false, err
	}
	var background sync.WaitGroup
	defer background.Wait()

	hooks, on := e.webhooks(ctx, p, &background)
	routes := e.withCallback(hooks)
	ln, err := net.Listen("tcp", set.Listen)
	if err != nil {
		return false, fmt.Errorf("listen on %s (is another program using the port? choose another address): %w", set.Listen, err)
	}
	srv := &http.Server{Handler: localRoutes(ln.Addr(), hooks, routes), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	var sched *Scheduler
	sched, err = NewScheduler(ctx, SchedulerOptions{
		Poll: func(ctx context.Context) error {
			rep, err := e.pollAll(ctx, p)
			if next, err := sched.NextRun(); err == nil {
				e.setState(func(s *State) { s.NextPoll = next })
			}
			return errors.Join(err, rep.Err())
		},
		LastPoll: e.o.Store.LastFullPoll,
		DailyAt:  set.DailyAt,
		Logger:   e.log,
	})
	if err != nil {
		_ = srv.Close()
		return false, err
	}
	e.mu.Lock()
	e.running = &generation{parts: p, sched: sched}
	e.mu.Unlock()
	e.setState(func(s *State) {
		*s = State{Running: true, Started: started, Listen: "http://" + ln.Addr().String(),
			Webhooks: on, Tunnel: TunnelState{Kind: TunnelIsStarting}, LastPoll: s.LastPoll, LastPollErr: s.LastPollErr}
	})
	e.publish(Event{Kind: StateChanged})
	e.log.Info("webhooks listening", "addr", ln.Addr().String(), "endpoints", on.summary())
	if err := sched.Start(ctx); err != nil {
		e.log.Warn("catch-up poll", "err", err)
	}
	if next, err := sched.NextRun(); err == nil {
		e.setState(func(s *State) { s.NextPoll = next })
		e.publish(Event{Kind: StateChanged})
		e.log.Info("daily poll scheduled", "next", next.Format(time.RFC3339))
	}
	e.startTunnel(ctx, set, p, routes, sched, &background)

	select {
	case <-e.reload:
		reload = true
	case err = <-served:
	case <-ctx.Done():
	}
	e.log.Info("shutting down the engine")
	e.mu.Lock()
	e.running = nil
	e.state.Running, e.state.Polling, e.state.Tunnel = false, false, TunnelState{}
	e.mu.Unlock()
	e.publish(Event{Kind: StateChanged})
	// Shutdown lets webhook requests under way commit and answer first.
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	stopErr := srv.Shutdown(shutdownCtx)
	stopAll()
	stopErr = errors.Join(stopErr, sched.Stop())
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return false, errors.Join(fmt.Errorf("webhook server: %w", err), stopErr)
	}
	return reload && stopErr == nil, stopErr
}

// reconfigure reads the settings for a generation that starts now.
func (e *Engine) reconfigure(ctx context.Context) (Settings, error) {
	set := e.o.Settings
	if e.o.Reconfigure != nil {
		var err error
		if set, err = e.o.Reconfigure(ctx); err != nil {
			return Settings{}, fmt.Errorf("read the settings: %w", err)
		}
	}
	if err := CheckListen(set.Listen, set.PublicListen); err != nil {
		return Settings{}, err
	}
	e.mu.Lock()
	e.settings = set
	e.mu.Unlock()
	return set, nil
}

// CheckListen refuses a webhook address that is not loopback unless the
// merchant said they mean it (serve --public-listen): the endpoints verify
// every delivery, but a desktop app has no business answering the local
// network by surprise. The loopback rule is validate.ListenAddress, the one
// the settings screen and command check a new address with.
func CheckListen(addr string, public bool) error {
	if !public {
		return validate.ListenAddress(addr)
	}
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return fmt.Errorf("listen address %q: want host:port, such as 0.0.0.0:8765: %w", addr, err)
	}
	return nil
}

// localRoutes is what the local listener at addr serves: everything on
// loopback, only the webhooks elsewhere. A sign-in's callback is never
// served to the local network.
func localRoutes(addr net.Addr, hooks, all http.Handler) http.Handler {
	if tcp, ok := addr.(*net.TCPAddr); ok && tcp.IP.IsLoopback() {
		return all
	}
	return hooks
}
