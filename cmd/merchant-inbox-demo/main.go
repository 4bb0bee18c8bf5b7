// Command merchant-inbox-demo runs the real Merchant Inbox app against a
// sandbox on 127.0.0.1 (see internal/demo): no Meta app, no Shopify store,
// no ngrok account. It stores the sandbox's fake credentials through the
// app's own commands, in a keychain service of the demo's own and a
// temporary data directory, starts the app's window, and has a customer
// write every 5 to 20 seconds. When the app quits, the sandbox stops and
// its data and keychain entries are removed; Ctrl-C or SIGTERM stops both.
//
// Usage: merchant-inbox-demo [-app PATH] [-data DIR] [-live=false] [-seed N] [-connect=false] [-no-app]
//
// With -connect=false nothing is stored: the app starts as on a new
// machine, for its first-run screens; the sandbox still plays Meta's and
// Shopify's sign-in pages (app id and secret as in internal/demo).
//
// With -no-app it sets the sandbox up, prints the environment that points
// the app at it (export lines for a shell), and waits for a signal: for
// scripts/bench-desktop.sh, which starts the app itself.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/merchant-inbox/merchant-inbox/internal/demo"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
)

// stopGrace is how long the app may take to stop after SIGTERM before it
// is killed.
const stopGrace = 30 * time.Second

func main() { os.Exit(run()) }

func run() int {
	fs := flag.NewFlagSet("merchant-inbox-demo", flag.ContinueOnError)
	appPath := fs.String("app", "", "the app binary (default: merchant-inbox beside this program)")
	dataDir := fs.String("data", "", "keep the demo's database in `DIR` (default: a temporary directory, removed at the end)")
	live := fs.Bool("live", true, "have a customer write every 5 to 20 seconds")
	seed := fs.Uint64("seed", 1, "the sample data's seed")
	connect := fs.Bool("connect", true, "store the sandbox's credentials and connect its Pages and shop before the app starts")
	noApp := fs.Bool("no-app", false, "set the sandbox up, print the app's environment for it, and wait for a signal")
	if err := fs.Parse(os.Args[1:]); err != nil {
		return 2
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()

	if err := demoRun(ctx, log, options{app: *appPath, dataDir: *dataDir, live: *live, seed: *seed, connect: *connect, noApp: *noApp}); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) && exit.ExitCode() > 0 {
			return exit.ExitCode() // the app said why
		}
		fmt.Fprintln(os.Stderr, "merchant-inbox-demo:", err)
		return 1
	}
	return 0
}

type options struct {
	app, dataDir         string
	live, connect, noApp bool
	seed                 uint64
}

func demoRun(ctx context.Context, log *slog.Logger, o options) (err error) {
	if o.app == "" {
		self, err := os.Executable()
		if err != nil {
			return fmt.Errorf("find the app beside this program (use -app): %w", err)
		}
		o.app = filepath.Join(filepath.Dir(self), "merchant-inbox")
	}
	if o.dataDir == "" {
		dir, err := os.MkdirTemp("", "merchant-inbox-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		o.dataDir = dir
	}
	sb, err := demo.Start(demo.Options{Seed: o.seed, Logger: log})
	if err != nil {
		return err
	}
	defer sb.Close()
	env := append(os.Environ(), sb.Env(o.dataDir, demo.KeyringService)...)

	defer removeSecrets(log)
	fmt.Fprintf(os.Stderr, "demo: a fake Graph API on %s, a fake Shopify on %s (keychain service %q, data in %s)\n",
		sb.Graph.URL, sb.Shop.URL, demo.KeyringService, o.dataDir)
	if o.connect {
		if err := sb.Setup(ctx, commandRunner(o.app, env)); err != nil {
			return err
		}
	}
	if o.noApp {
		for _, kv := range sb.Env(o.dataDir, demo.KeyringService) {
			k, v, _ := strings.Cut(kv, "=")
			fmt.Printf("export %s='%s'\n", k, strings.ReplaceAll(v, "'", `'\''`))
		}
		fmt.Println("# the sandbox is ready; it runs until this program gets a signal")
		<-ctx.Done()
		return nil
	}
	return runApp(ctx, log, sb, o, env)
}

// runApp runs the app's window until it quits or ctx ends, with the live
// customer writing once its webhook endpoint listens.
func runApp(ctx context.Context, log *slog.Logger, sb *demo.Sandbox, o options, env []string) error {
	cmd := exec.Command(o.app, "app", "--no-tunnel", "--listen", "127.0.0.1:0")
	cmd.Env = env
	listening := make(chan string, 1)
	cmd.Stdout = &lineWatch{w: os.Stdout, prefix: "listening on ", found: listening}
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = childAttr()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start the app: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	liveCtx, stopLive := context.WithCancel(ctx)
	defer stopLive()
	for {
		select {
		case base := <-listening:
			if o.live {
				fmt.Fprintln(os.Stderr, "demo: a customer writes every 5 to 20 seconds; quit the app (or Ctrl-C) to end the demo")
				go sb.Live(liveCtx, base+"/webhooks/facebook")
			}
		case err := <-exited:
			return err
		case <-ctx.Done():
			stopLive()
			return stopApp(cmd, exited)
		}
	}
}

// stopApp asks the app to stop as a desktop session would (SIGTERM; it
// may have had the terminal's SIGINT already) and kills it if it has not
// within stopGrace.
func stopApp(cmd *exec.Cmd, exited <-chan error) error {
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-exited:
		return err
	case <-time.After(stopGrace):
		_ = cmd.Process.Kill()
		<-exited
		return fmt.Errorf("the app did not stop within %v of SIGTERM; killed it", stopGrace)
	}
}

// commandRunner runs the app's commands as a demo.Runner.
func commandRunner(app string, env []string) demo.Runner {
	return func(ctx context.Context, stdin string, args ...string) error {
		cmd := exec.CommandContext(ctx, app, args...)
		cmd.Env = env
		cmd.Stdin = strings.NewReader(stdin + "\n")
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("%w: %s", err, strings.TrimSpace(string(out)))
		}
		return nil
	}
}

// removeSecrets deletes the demo's fake credentials from its keychain
// service: nothing of the demo outlives it.
func removeSecrets(log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s := secrets.New(demo.KeyringService)
	for _, n := range demo.SecretNames() {
		err := s.Delete(ctx, n)
		switch {
		case errors.Is(err, secrets.ErrUnavailable):
			// A private keychain (scripts/with-keyring.sh) that a Ctrl-C
			// stopped already: it is thrown away with everything in it.
			log.Debug("demo: the keychain is gone; nothing to remove", "err", err)
			return
		case err != nil && !errors.Is(err, secrets.ErrNotFound):
			log.Warn("demo: could not remove a demo credential from the keychain", "name", n, "err", err)
		}
	}
}
