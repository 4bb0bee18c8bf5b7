package app

import (
	"context"
	"flag"
	"log/slog"

	"github.com/merchant-inbox/merchant-inbox/sync/engine"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

const serveUsage = `serve [--listen ADDR] [--no-tunnel | --domain NAME] [--poll-at HH:MM]

Runs the engine headless until SIGINT or SIGTERM: the webhook endpoints
(/webhooks/facebook, /webhooks/shopify) on --listen and, with an ngrok
authtoken in the keychain, on a public ngrok URL; the daily poll; and a
catch-up poll at start when the last one is more than a day old. Each time
the tunnel (re)connects, the URL is registered with Meta and Shopify, every
page is subscribed again and a catch-up poll runs. SIGUSR1 polls now.
Without flags, the settings saved by the desktop app apply.`

// Defaults of the engine's settings, when neither a flag nor a saved
// setting names one.
const (
	defaultListen = "127.0.0.1:8765"
	defaultPollAt = "09:00"
)

// serveOptions are the engine's flags, shared by serve and the desktop app.
type serveOptions struct {
	listen       string
	publicListen bool
	noTunnel     bool
	tunnel       string
	domain       string
	pollAt       string
}

// overrides words what the flags set over the saved settings for this
// run, for the window's settings screen (a --domain is saved, so it is
// not one).
func (o serveOptions) overrides() []string {
	var out []string
	if o.noTunnel {
		out = append(out, "webhooks are off (--no-tunnel)")
	} else if o.tunnel == "loopback" {
		out = append(out, "the tunnel is a local stand-in (--tunnel loopback)")
	}
	if o.listen != "" {
		out = append(out, "the local address is "+o.listen+" (--listen)")
	}
	if o.pollAt != "" {
		out = append(out, "the daily sync is at "+o.pollAt+" (--poll-at)")
	}
	return out
}

// engineFlags registers the flags serve and app share.
func engineFlags(fs *flag.FlagSet, o *serveOptions) {
	fs.StringVar(&o.listen, "listen", "", "serve webhooks on this local `ADDR` (host:port; default "+defaultListen+", or the saved setting)")
	fs.BoolVar(&o.publicListen, "public-listen", false, "allow a --listen address other machines can reach (the sign-in callback is never served there)")
	fs.BoolVar(&o.noTunnel, "no-tunnel", false, "do not open the ngrok tunnel; serve on --listen only")
	fs.StringVar(&o.domain, "domain", "", "ngrok static `domain` (e.g. my-shop.ngrok.app), remembered for next time; \"none\" forgets it (default: the remembered one, else a new URL on each connect)")
	fs.StringVar(&o.tunnel, "tunnel", "ngrok", "tunnel `kind`: ngrok, or loopback (a second local port standing in for the public URL; for tests)")
	fs.StringVar(&o.pollAt, "poll-at", "", "local `time` of the daily poll (default "+defaultPollAt+", or the saved setting)")
}

func runServe(ctx context.Context, e *env, args []string) error {
	var o serveOptions
	fs := e.flags("serve", serveUsage)
	engineFlags(fs, &o)
	if err := parse(e, fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usagef("serve: unexpected argument %q", fs.Arg(0))
	}
	if o.tunnel != "ngrok" && o.tunnel != "loopback" {
		return usagef("serve: --tunnel must be ngrok or loopback")
	}
	e.log = slog.New(slog.NewTextHandler(e.Stderr, nil))
	st, err := e.cfg.openStore(e.log)
	if err != nil {
		return err
	}
	defer st.Close()
	eo, err := e.engineOptions(ctx, st, o)
	if err != nil {
		return err
	}
	eng := engine.New(eo)
	stop := e.hostEngine(ctx, eng, nil)
	defer stop()
	syncNow, stopSyncNow := syncNowSignal()
	defer stopSyncNow()
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		for {
			select {
			case <-syncNow:
				if err := eng.SyncNow(); err != nil {
					e.log.Warn("sync now", "err", err)
				}
			case <-runCtx.Done():
				return
			}
		}
	}()
	return eng.Run(runCtx)
}

// engineOptions resolves the engine's settings: a flag given now, else the
// saved setting, else the default. A --domain given now is saved for later
// starts; "none" forgets it. The engine reads them again at each reload
// (Reconfigure), so a setting saved while it runs applies at once; the
// flags keep overriding for the whole run.
func (e *env) engineOptions(ctx context.Context, st *store.Store, o serveOptions) (engine.Options, error) {
	if o.domain != "" {
		set, err := st.Settings(ctx)
		if err != nil {
			return engine.Options{}, err
		}
		set.NgrokDomain = o.domain
		if o.domain == "none" {
			set.NgrokDomain = ""
		}
		if err := st.PutSettings(ctx, set); err != nil {
			return engine.Options{}, err
		}
		o.domain = ""
	}
	settings, err := engineSettings(ctx, st, o)
	if err != nil {
		return engine.Options{}, err
	}
	return engine.Options{
		Store:      st,
		Secrets:    e.cfg.secrets(),
		Graph:      e.cfg.graph,
		ShopifyURL: e.cfg.shopifyURL,
		Settings:   settings,
		Reconfigure: func(ctx context.Context) (engine.Settings, error) {
			return engineSettings(ctx, st, o)
		},
		Opener: e.Tunnel,
		Logger: e.log,
	}, nil
}

// engineSettings is the saved settings with the flags laid over them.
func engineSettings(ctx context.Context, st *store.Store, o serveOptions) (engine.Settings, error) {
	set, err := st.Settings(ctx)
	if err != nil {
		return engine.Settings{}, err
	}
	listen := firstOf(o.listen, set.Listen, defaultListen)
	if err := engine.CheckListen(listen, o.publicListen); err != nil {
		return engine.Settings{}, usageError{err.Error()}
	}
	at, err := engine.ParseTimeOfDay(firstOf(o.pollAt, set.PollAt, defaultPollAt))
	if err != nil {
		return engine.Settings{}, usageError{err.Error()}
	}
	kind := engine.TunnelNgrok
	switch {
	case o.noTunnel || set.NoTunnel:
		kind = engine.TunnelOff
	case o.tunnel == "loopback":
		kind = engine.TunnelLoopback
	}
	return engine.Settings{Listen: listen, PublicListen: o.publicListen, Tunnel: kind, Domain: set.NgrokDomain, DailyAt: at}, nil
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
