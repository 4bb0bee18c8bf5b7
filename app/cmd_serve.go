package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/engine"
	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

const serveUsage = `serve [--listen ADDR] [--no-tunnel] [--poll-at HH:MM]

Runs the engine headless until SIGINT or SIGTERM: the Facebook webhook
endpoint at /webhooks/facebook, the daily poll, and a catch-up poll at start
when the last one is more than a day old. SIGUSR1 runs a poll now.`

// FacebookWebhookPath is where Meta delivers webhooks on the listener.
const FacebookWebhookPath = "/webhooks/facebook"

type serveOptions struct {
	listen   string
	noTunnel bool
	pollAt   string
}

func runServe(ctx context.Context, e *env, args []string) error {
	var o serveOptions
	fs := e.flags("serve", serveUsage)
	fs.StringVar(&o.listen, "listen", "127.0.0.1:8765", "serve webhooks on this `ADDR` (host:port)")
	fs.BoolVar(&o.noTunnel, "no-tunnel", false, "do not open the ngrok tunnel; serve on --listen only")
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
	if !o.noTunnel {
		return usagef("serve: the ngrok tunnel is not available in this version; run with --no-tunnel")
	}
	st, err := e.cfg.openStore()
	if err != nil {
		return err
	}
	defer st.Close()
	return serve(ctx, e, st, o.listen, at)
}

func serve(ctx context.Context, e *env, st *store.Store, listen string, at engine.TimeOfDay) error {
	log := slog.New(slog.NewTextHandler(e.Stderr, nil))
	e.log = log
	sec := e.cfg.secrets()
	appSecret, err := optionalSecret(ctx, sec, secrets.FacebookAppSecret)
	if err != nil {
		return err
	}
	verifyToken, err := optionalSecret(ctx, sec, secrets.FacebookVerifyToken)
	if err != nil {
		return err
	}
	poller := e.newPoller(st, appSecret)
	var refreshes sync.WaitGroup
	defer refreshes.Wait()
	ingester := engine.NewIngester(engine.IngesterOptions{
		Store:  st,
		Logger: log,
		PageChanged: func(pageID string) {
			refreshes.Go(func() {
				if err := poller.RefreshPage(ctx, pageID); err != nil {
					log.Warn("refresh page after webhook", "page", pageID, "err", err)
				}
			})
		},
	})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	webhooks := webhookHandler(appSecret, verifyToken, ingester, log)
	if webhooks != nil {
		mux.Handle(FacebookWebhookPath, webhooks)
	}

	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return fmt.Errorf("listen on %s (is another program using the port? choose one with --listen): %w", listen, err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	fmt.Fprintf(e.Stdout, "listening on http://%s\n", ln.Addr())
	if webhooks != nil {
		fmt.Fprintf(e.Stdout, "facebook webhooks: http://%s%s\n", ln.Addr(), FacebookWebhookPath)
	}

	sched, err := engine.NewScheduler(ctx, engine.SchedulerOptions{
		Poll: func(ctx context.Context) error {
			rep, err := poller.Poll(ctx)
			for _, p := range rep.Pages {
				log.Info("polled page", "page", p.PageID, "conversations", p.Conversations, "messages", p.Messages, "err", p.Err)
			}
			return errors.Join(err, rep.Err())
		},
		LastPoll: st.LastFullPoll,
		DailyAt:  at,
		Logger:   log,
	})
	if err != nil {
		_ = srv.Close()
		return err
	}
	if err := sched.Start(ctx); err != nil {
		log.Warn("catch-up poll", "err", err)
	}
	rs := runState{PID: os.Getpid(), Started: time.Now(), Listen: "http://" + ln.Addr().String(), Webhooks: "off: facebook-app-secret and facebook-verify-token are not both set"}
	if webhooks != nil {
		rs.Webhooks = "on at " + rs.Listen + FacebookWebhookPath
	}
	if next, err := sched.NextRun(); err == nil {
		rs.NextPoll = next
		log.Info("daily poll scheduled", "next", next.Format(time.RFC3339))
	}
	if err := e.cfg.writeRunState(rs); err != nil {
		log.Warn("status will not see this engine", "err", err)
	}
	defer e.cfg.removeRunState()

	syncNow := make(chan os.Signal, 1)
	signal.Notify(syncNow, syscall.SIGUSR1)
	defer signal.Stop(syncNow)
	var serveErr error
loop:
	for {
		select {
		case <-syncNow:
			if err := sched.SyncNow(); err != nil {
				log.Warn("sync now", "err", err)
			}
		case serveErr = <-served:
			break loop
		case <-ctx.Done():
			break loop
		}
	}
	log.Info("shutting down")
	// Shutdown lets webhook requests under way commit and answer first.
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	err = errors.Join(srv.Shutdown(shutdownCtx), sched.Stop())
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		err = errors.Join(fmt.Errorf("webhook server: %w", serveErr), err)
	}
	return err
}

// webhookHandler returns the Facebook webhook handler, or nil (webhooks
// off, polling only) when the keychain lacks the app secret or the verify
// token: without them no delivery can be verified.
func webhookHandler(appSecret, verifyToken string, sink facebook.Sink, log *slog.Logger) http.Handler {
	if appSecret == "" || verifyToken == "" {
		log.Warn("facebook webhooks off: set facebook-app-secret and facebook-verify-token with 'merchant-inbox secrets set'; polling only")
		return nil
	}
	return facebook.NewWebhookHandler(facebook.HandlerOptions{
		AppSecret:   appSecret,
		VerifyToken: verifyToken,
		Sink:        sink,
		Logger:      log,
	})
}
