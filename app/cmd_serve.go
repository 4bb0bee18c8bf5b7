package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/engine"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

const serveUsage = `serve [--listen ADDR] [--no-tunnel | --domain NAME] [--poll-at HH:MM]

Runs the engine headless until SIGINT or SIGTERM: the webhook endpoints
(/webhooks/facebook, /webhooks/shopify) on --listen and, with an ngrok
authtoken in the keychain, on a public ngrok URL; the daily poll; and a
catch-up poll at start when the last one is more than a day old. Each time
the tunnel (re)connects, the URL is registered with Meta and Shopify, every
page is subscribed again and a catch-up poll runs. SIGUSR1 polls now.`

type serveOptions struct {
	listen   string
	noTunnel bool
	tunnel   string
	domain   string
	pollAt   string
}

func runServe(ctx context.Context, e *env, args []string) error {
	var o serveOptions
	fs := e.flags("serve", serveUsage)
	fs.StringVar(&o.listen, "listen", "127.0.0.1:8765", "also serve webhooks on this local `ADDR` (host:port)")
	fs.BoolVar(&o.noTunnel, "no-tunnel", false, "do not open the ngrok tunnel; serve on --listen only")
	fs.StringVar(&o.domain, "domain", "", "ngrok static `domain` (e.g. my-shop.ngrok.app), remembered for next time; \"none\" forgets it (default: the remembered one, else a new URL on each connect)")
	fs.StringVar(&o.tunnel, "tunnel", "ngrok", "tunnel `kind`: ngrok, or loopback (a second local port standing in for the public URL; for tests)")
	fs.StringVar(&o.pollAt, "poll-at", "09:00", "local `time` of the daily poll")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usagef("serve: unexpected argument %q", fs.Arg(0))
	}
	at, err := engine.ParseTimeOfDay(o.pollAt)
	if err != nil {
		return usageError{err.Error()}
	}
	if o.tunnel != "ngrok" && o.tunnel != "loopback" {
		return usagef("serve: --tunnel must be ngrok or loopback")
	}
	st, err := e.cfg.openStore()
	if err != nil {
		return err
	}
	defer st.Close()
	if o.domain, err = rememberDomain(ctx, st, o.domain); err != nil {
		return err
	}
	return serve(ctx, e, st, o, at)
}

func serve(ctx context.Context, e *env, st *store.Store, o serveOptions, at engine.TimeOfDay) error {
	log := slog.New(slog.NewTextHandler(e.Stderr, nil))
	e.log = log
	h := newHost(st)
	stopControl, err := e.serveControl(ctx, h)
	if err != nil {
		log.Warn("other merchant-inbox commands cannot reach this serve; they will exit 3 until it stops", "err", err)
	} else {
		defer stopControl()
	}
	defer e.cfg.removeRunState()
	started := time.Now()
	for {
		reload, err := runEngine(ctx, e, h, o, at, started)
		if ctx.Err() != nil && (reload || errors.Is(err, context.Canceled)) {
			return nil // stopped while restarting
		}
		if err != nil || !reload {
			return err
		}
		log.Info("restarting the engine with the changed connections and secrets")
	}
}

// runEngine runs the engine over h's store until ctx ends, the webhook
// listener fails, or a command run for the command line changed what the
// engine was assembled from (connections, secrets); reload reports the
// last, and serve then assembles and starts it again. Restarting whole is
// simpler to trust than patching routes, tunnel and scheduler in place,
// and costs a second of webhooks, which Meta and Shopify retry.
func runEngine(ctx context.Context, e *env, h *host, o serveOptions, at engine.TimeOfDay, started time.Time) (reload bool, err error) {
	log := e.log
	// stopAll ends everything started under ctx (tunnel, polls, page
	// refreshes) also when the engine stops for its own reason, such as
	// the local listener failing; else background.Wait would wait for the
	// tunnel forever.
	ctx, stopAll := context.WithCancel(ctx)
	defer stopAll()
	parts, err := e.assemble(ctx, h.st)
	if err != nil {
		return false, err
	}
	parts.polling = h.polling // one poll at a time across restarts too
	var background sync.WaitGroup
	defer background.Wait()

	routes, status := webhookRoutes(ctx, e, parts, h.callbackRoute(), &background)
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return false, fmt.Errorf("listen on %s (is another program using the port? choose one with --listen): %w", o.listen, err)
	}
	srv := &http.Server{Handler: routes, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	local := "http://" + ln.Addr().String()
	fmt.Fprintf(e.Stdout, "listening on %s\n", local)
	for _, r := range status {
		fmt.Fprintf(e.Stdout, "%s webhooks: %s%s\n", r.provider, local, r.path)
	}

	sched, err := engine.NewScheduler(ctx, engine.SchedulerOptions{
		Poll: func(ctx context.Context) error {
			rep, err := parts.pollAll(ctx)
			logPoll(log, rep)
			return errors.Join(err, rep.err())
		},
		LastPoll: h.st.LastFullPoll,
		DailyAt:  at,
		Logger:   log,
	})
	if err != nil {
		_ = srv.Close()
		return false, err
	}
	h.setParts(parts)
	state := newServeState(e, runState{PID: os.Getpid(), Started: started, Listen: local, Webhooks: webhooksSummary(parts)}, log)
	if err := sched.Start(ctx); err != nil {
		log.Warn("catch-up poll", "err", err)
	}
	if next, err := sched.NextRun(); err == nil {
		state.update(func(rs *runState) { rs.NextPoll = next })
		log.Info("daily poll scheduled", "next", next.Format(time.RFC3339))
	}
	if o.noTunnel {
		state.update(func(rs *runState) { rs.Tunnel = "off (--no-tunnel)" })
	} else if err := startTunnel(ctx, e, o, parts, routes, sched, state, h, &background); err != nil {
		log.Warn("webhooks only on the local address", "reason", err)
		state.update(func(rs *runState) { rs.Tunnel = "off: " + err.Error() })
	}

	syncNow, stopSyncNow := syncNowSignal()
	defer stopSyncNow()
	var serveErr error
loop:
	for {
		select {
		case <-syncNow:
			if err := sched.SyncNow(); err != nil {
				log.Warn("sync now", "err", err)
			}
		case <-h.reload:
			reload = true
			break loop
		case serveErr = <-served:
			break loop
		case <-ctx.Done():
			break loop
		}
	}
	log.Info("shutting down the engine")
	// Shutdown lets webhook requests under way commit and answer first.
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	err = srv.Shutdown(shutdownCtx)
	stopAll()
	h.setPublicURL("")
	err = errors.Join(err, sched.Stop())
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		err = errors.Join(fmt.Errorf("webhook server: %w", serveErr), err)
	}
	return reload && err == nil, err
}

// startTunnel opens the public endpoint in the background when an ngrok
// authtoken is stored (or --tunnel loopback stands in for it).
func startTunnel(ctx context.Context, e *env, o serveOptions, parts *engineParts, routes http.Handler,
	sched *engine.Scheduler, state *serveState, h *host, background *sync.WaitGroup) error {
	opener := e.Tunnel
	if opener == nil {
		var err error
		if opener, err = e.opener(ctx, o); err != nil {
			return err
		}
	}
	announcer := engine.NewAnnouncer(engine.AnnouncerOptions{
		Store:    parts.st,
		Tokens:   parts.secrets,
		Facebook: e.cfg.graph(parts.fbAppSecret),
		Shopify:  parts.shopifyHooks(e),
		CatchUp: func() {
			if err := sched.SyncNow(); err != nil {
				e.log.Warn("catch-up poll", "err", err)
			}
		},
		Logger: e.log,
	})
	sup := newSupervisor(opener, routes, announcer, state, h, e.log)
	background.Go(func() {
		if err := sup.Run(ctx); err != nil {
			e.log.Error("tunnel stopped", "err", err)
			state.update(func(rs *runState) { rs.Tunnel = "stopped: " + err.Error() })
		}
	})
	return nil
}

// webhooksSummary says which webhook endpoints can verify deliveries.
func webhooksSummary(p *engineParts) string {
	fb, sh := "off (needs facebook-app-secret and facebook-verify-token)", "not connected"
	if p.fbAppSecret != "" && p.fbVerifyToken != "" {
		fb = "on"
	}
	switch {
	case p.shop != "" && p.shopifySecret != "":
		sh = "on"
	case p.shop != "":
		sh = "off (needs shopify-client-secret)"
	case p.webhookShop != "" && p.shopifySecret != "":
		sh = "disconnected (still accepting the shop's data-erasure requests)"
	}
	return "facebook " + fb + "; shopify " + sh
}

func logPoll(log *slog.Logger, rep pollReport) {
	for _, p := range rep.facebook.Pages {
		log.Info("polled page", "page", p.PageID, "conversations", p.Conversations, "messages", p.Messages, "err", p.Err)
	}
	if c := rep.catalogue; c != nil {
		log.Info("polled catalogue", "shop", c.Shop, "products", c.Products, "changed", c.Changed, "removed", c.Removed, "err", rep.shopErr)
	}
}

// rememberDomain resolves the static ngrok domain: a --domain given now is
// stored for later starts (and the tray), "none" forgets it, and no flag
// means the stored one.
func rememberDomain(ctx context.Context, st *store.Store, flag string) (string, error) {
	set, err := st.Settings(ctx)
	if err != nil {
		return "", err
	}
	switch flag {
	case "":
		return set.NgrokDomain, nil
	case "none":
		flag = ""
	}
	set.NgrokDomain = flag
	return flag, st.PutSettings(ctx, set)
}

// ngrokAuthtoken reads the optional authtoken.
func (e *env) ngrokAuthtoken(ctx context.Context) (string, error) {
	return optionalSecret(ctx, e.cfg.secrets(), secrets.NgrokAuthtoken)
}
