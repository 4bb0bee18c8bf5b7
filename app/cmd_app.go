package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"github.com/merchant-inbox/merchant-inbox/assets"
	"github.com/merchant-inbox/merchant-inbox/sync/authflow"
	"github.com/merchant-inbox/merchant-inbox/sync/engine"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
	"github.com/merchant-inbox/merchant-inbox/ui"
)

const appUsage = `app [--hidden] [--listen ADDR] [--no-tunnel | --domain NAME] [--poll-at HH:MM]

Starts the desktop app, which is also what merchant-inbox does with no
command: the tray icon and the conversation window, over the same engine
serve runs (webhooks, tunnel, daily poll), and the control socket through
which the other commands reach it. Without flags, the saved settings apply.
A second launch shows the running app's window.`

// appID is the app's identity for Fyne (preferences, notifications); it is
// FyneApp.toml's ID.
const appID = "com.merchantinbox.app"

// appLogFile keeps the last run's log in the data directory: a merchant who
// started the app from the desktop has no terminal to read it in.
const appLogFile = "app.log"

func runApp(ctx context.Context, e *env, args []string) error {
	var o serveOptions
	var hidden bool
	fs := e.flags("app", appUsage)
	engineFlags(fs, &o)
	fs.BoolVar(&hidden, "hidden", false, "start in the tray, without the window (for starting at login)")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usagef("app: unexpected argument %q", fs.Arg(0))
	}
	if e.host != nil {
		// A second launch, forwarded to the engine that holds the data.
		if e.host.show == nil {
			return fmt.Errorf("app: %w", store.ErrLocked) // a headless serve
		}
		e.host.show()
		fmt.Fprintln(e.Stdout, "Merchant Inbox is already running; its window is in front now.")
		return nil
	}
	if !hasDisplay(e.Getenv) {
		return errNoDisplay
	}
	logOut := &switchWriter{w: e.Stderr}
	e.log = newLoggerAt(logOut, e.Getenv(EnvLog), slog.LevelInfo)
	st, err := e.cfg.openStore(e.log)
	if err != nil {
		return err
	}
	defer st.Close()
	// Only now, holding the database, may this process replace app.log:
	// before, it could be another running instance's.
	closeLog := e.appLog(logOut)
	defer closeLog()
	eo, err := e.engineOptions(ctx, st, o)
	if err != nil {
		return err
	}
	eo.Logger = e.log
	eo.FacebookWebURL = e.cfg.facebookWebURL
	eo.Browser = func(ctx context.Context, url string) error { return authflow.OpenBrowser(ctx, url, e.Getenv) }
	return e.runDesktop(ctx, engine.New(eo), hidden, o.overrides())
}

// runDesktop runs the engine in the background and the window on this
// goroutine (Fyne needs the main one) until the merchant quits or ctx ends
// (SIGINT, SIGTERM); then it stops the engine as serve stops on SIGTERM,
// letting webhooks under way commit and answer.
func (e *env) runDesktop(ctx context.Context, eng *engine.Engine, hidden bool, overrides []string) error {
	hasTray, why := trayHost(ctx)
	if hasTray {
		e.log.Info("tray host found: closing the window keeps the app in the tray", "why", why)
	} else {
		e.log.Info("no tray host: closing the window quits the app", "why", why)
	}
	fa, err := newFyneApp()
	if err != nil {
		return err
	}
	engCtx, stopEngine := context.WithCancel(context.WithoutCancel(ctx))
	defer stopEngine()
	var (
		mu     sync.Mutex
		runErr error
	)
	br := &bridge{eng: eng, st: eng.Store(), nudge: make(chan struct{}, 1), runErr: func() error {
		mu.Lock()
		defer mu.Unlock()
		return runErr
	}}
	in := eng.Subscribe(engCtx, 256)
	events := make(chan ui.Event, 256)
	go br.events(engCtx, in, events)

	var images ui.Images // nil: pictures show as links
	if p, err := openPictures(ctx, e.cfg.dataDir, eng.Store()); err != nil {
		e.log.Warn("pictures in threads show as links: the picture cache cannot be opened", "err", err)
	} else {
		images = p
	}

	// The engine runs again when the window asks (the merchant unlocked
	// the keychain): a stopped engine waits for that or the end.
	retry := make(chan struct{}, 1)
	setup := &desktopSetup{eng: eng, st: eng.Store(), sec: e.cfg.secrets(), dataDir: e.cfg.dataDir,
		checks: windowChecks(), startAtLogin: loginItem{e.Getenv}, overrides: overrides, restart: func() {
			if eng.State().Running {
				eng.Reload()
				return
			}
			select {
			case retry <- struct{}{}:
			default:
			}
		}}

	quitting := make(chan struct{})
	var quitOnce sync.Once
	quit := func() { quitOnce.Do(func() { close(quitting) }) }
	win := ui.New(fa, ui.Options{
		Inbox: br, Actions: br, Events: events,
		Icon:        fyne.NewStaticResource("icon.png", assets.Icon()),
		HasTray:     hasTray,
		StartHidden: hidden,
		OnQuit:      quit,
		Logger:      e.log,
		Images:      images,
		Setup:       setup,
		Replies:     br,
		Version:     Version(),
		Checks:      setup.checks,
		TitleSuffix: titleSuffix(e.Getenv(EnvLabel)),
	})
	stopHost := e.hostEngine(engCtx, eng, win.ShowWindow)
	done := make(chan error, 1)
	go func() {
		for {
			err := eng.Run(engCtx)
			if err == nil || errors.Is(err, context.Canceled) || engCtx.Err() != nil {
				done <- err
				return
			}
			e.log.Error("the engine stopped; the window shows what is stored", "err", err)
			mu.Lock()
			runErr = err
			mu.Unlock()
			br.changed()
			select {
			case <-retry:
				e.log.Info("starting the engine again")
				mu.Lock()
				runErr = nil
				mu.Unlock()
			case <-engCtx.Done():
				done <- err
				return
			}
		}
	}()
	// The engine stops as soon as a quit is asked for (by the merchant, or
	// SIGINT/SIGTERM), not when Fyne's loop returns: Fyne 2.8.1 can hang on
	// its way out (its stopped hook may be queued after the main queue was
	// drained for the last time), and webhooks under way must commit and
	// answer, and the database be released, whatever Fyne does.
	uiDone := make(chan struct{})
	stopped := make(chan error, 1)
	go func() {
		select {
		case <-quitting:
		case <-ctx.Done():
		}
		e.log.Info("quitting")
		stopEngine()
		err := <-done
		stopHost()
		stopped <- err
		select {
		case <-uiDone:
		case <-time.After(fyneExitGrace):
			e.log.Warn("the window did not close after the engine stopped; exiting without it")
			_ = eng.Store().Close()
			os.Exit(exitCodeOf(err))
		}
	}()
	win.Run(ctx) // until Quit, or ctx ends
	close(uiDone)
	quit() // should Fyne have stopped by itself
	return resultOf(<-stopped)
}

// titleSuffix is what the window title carries after the app's name for
// label (EnvLabel).
func titleSuffix(label string) string {
	if label = strings.TrimSpace(label); label == "" {
		return ""
	}
	return " — " + label
}

// fyneExitGrace is how long Fyne may take to return once the engine has
// stopped before the process leaves without it.
const fyneExitGrace = 5 * time.Second

// resultOf is what the desktop run returns for the engine's Run error.
func resultOf(err error) error {
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

func exitCodeOf(err error) int {
	if resultOf(err) != nil {
		return ExitFailure
	}
	return ExitOK
}

// appLog sends the app's log to stderr and to the data directory's
// app.log, which each start begins anew, from now on.
func (e *env) appLog(out *switchWriter) (closeLog func()) {
	f, err := os.OpenFile(filepath.Join(e.cfg.dataDir, appLogFile), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		e.log.Warn("no log file in the data directory", "err", err)
		return func() {}
	}
	out.set(io.MultiWriter(e.Stderr, f))
	return func() {
		out.set(e.Stderr)
		f.Close()
	}
}

// switchWriter is a writer whose destination can change while loggers
// hold it.
type switchWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *switchWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func (s *switchWriter) set(w io.Writer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.w = w
}
