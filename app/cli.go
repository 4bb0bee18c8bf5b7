// Package app is the composition root: it reads the environment, wires the
// engine's packages together and runs the command the merchant asked for.
package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// Exit codes. Scripts may rely on them.
const (
	ExitOK      = 0
	ExitFailure = 1 // the command ran and failed (a sync with a failed page, a missing conversation…)
	ExitUsage   = 2 // bad flags or arguments
	ExitRunning = 3 // another merchant-inbox holds the database
)

// Main runs the program with the process's arguments and environment and
// returns its exit code. SIGINT and SIGTERM cancel the running command.
func Main(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return Run(ctx, Invocation{Args: args[1:], Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv})
}

// command is one subcommand: its flags are parsed by run itself, so each
// command reads as options + run function in its own file.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e *env, args []string) error
	// hosted commands are run by a running serve on the command line's
	// behalf, over the database it holds (see control.go).
	hosted bool
	// reloads: after it succeeds inside serve, serve reassembles its
	// engine, since it changed connections or secrets the engine read.
	reloads bool
}

func commands() []command {
	return []command{
		{"sync", "poll Facebook and the shop once and store what changed", runSync, true, false},
		{"app", "the desktop app: tray and window (what no command starts)", runApp, true, false},
		{"serve", "receive webhooks and poll daily until stopped, without a window", runServe, false, false},
		{"status", "show connections, pages and the last sync", runStatus, true, false},
		{"conversations", "list conversations, newest first", runConversations, true, false},
		{"messages", "show one conversation's messages", runMessages, true, false},
		{"reply", "send a reply (text on stdin) to a conversation", runReply, true, false},
		{"products", "list the shop's catalogue", runProducts, true, false},
		{"connect", "connect Facebook or Shopify through the browser", runConnect, true, true},
		{"disconnect", "remove a connection's tokens from the keychain", runDisconnect, true, true},
		{"secrets", "store or delete a secret in the OS keychain", runSecrets, true, true},
		{"settings", "show or change the saved settings (notifications, daily sync time, ...)", runSettings, true, false},
		{"version", "print the version", runVersion, false, false},
	}
}

// env is what every command gets: the invocation, the resolved config and
// a logger on stderr.
type env struct {
	Invocation
	cfg config
	log *slog.Logger
	// host is set when the command runs inside serve for another process;
	// terminal then says whether that process's stdin is a terminal.
	host     *host
	terminal bool
}

// stdinIsTerminal reports whether a person types the command's input, who
// then gets prompts.
func (e *env) stdinIsTerminal() bool {
	if e.host != nil {
		return e.terminal
	}
	return isTerminal(e.Stdin)
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// Run runs one command line and returns its exit code.
func Run(ctx context.Context, inv Invocation) int {
	if inv.Getenv == nil {
		inv.Getenv = func(string) string { return "" }
	}
	e := &env{Invocation: inv, log: newLogger(inv.Stderr, inv.Getenv(EnvLog))}
	help := len(inv.Args) > 0 && (inv.Args[0] == "-h" || inv.Args[0] == "--help" || inv.Args[0] == "help")
	if len(inv.Args) > 0 && (inv.Args[0] == "--version" || inv.Args[0] == "-version") {
		inv.Args = append([]string{"version"}, inv.Args[1:]...)
		e.Invocation = inv
	}
	if !help && (len(inv.Args) == 0 || strings.HasPrefix(inv.Args[0], "-")) {
		// A launch with no command (from the desktop, or with the app's
		// flags only) starts the desktop app.
		inv.Args = append([]string{"app"}, inv.Args...)
		e.Invocation = inv
	}
	if help {
		printUsage(inv.Stdout)
		return ExitOK
	}
	c, ok := lookupCommand(inv.Args[0])
	if !ok {
		fmt.Fprintf(inv.Stderr, "merchant-inbox: unknown command %q\n", inv.Args[0])
		printUsage(inv.Stderr)
		return ExitUsage
	}
	cfg, err := loadConfig(inv.Getenv)
	if err != nil {
		return e.fail(err)
	}
	e.cfg = cfg
	if c.hosted {
		if code, ok := e.forward(ctx, inv.Args); ok {
			return code
		}
	}
	return e.fail(c.run(ctx, e, inv.Args[1:]))
}

func lookupCommand(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage: merchant-inbox COMMAND [flags] [args]")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-14s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'merchant-inbox COMMAND --help' for a command's flags.")
}

// usageError is a mistake in the command line, answered with exit code 2.
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

// fail prints err as one line and maps it to an exit code. An error that
// can explain itself to the merchant (the sentence the browser page and the
// window show) is printed that way; its technical chain, which names
// endpoints and Graph codes, is logged at debug level for whoever sets
// MERCHANT_INBOX_LOG=debug.
func (e *env) fail(err error) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	msg := err.Error()
	switch plain := plainMessage(err); {
	case errors.Is(err, context.Canceled):
		msg = "interrupted before it finished"
	case errors.Is(err, store.ErrLocked):
		msg = e.cfg.lockedMessage(err)
	case plain != "":
		e.log.Debug("command failed", "err", err)
		msg = plain
	}
	fmt.Fprintf(e.Stderr, "merchant-inbox: %s\n", strings.ReplaceAll(msg, "\n", "; "))
	var u usageError
	switch {
	case errors.As(err, &u):
		return ExitUsage
	case errors.Is(err, store.ErrLocked):
		return ExitRunning
	}
	return ExitFailure
}

// plainMessage is the merchant-facing sentence of the first error in err's
// chain that has one, ending with the command that fixes it (see
// withFixCommand), or "".
func plainMessage(err error) string {
	if known, ok := errors.AsType[interface {
		error
		UserMessage() string
	}](err); ok {
		return withFixCommand(known.UserMessage(), err)
	}
	return ""
}

// newLogger logs to w at the level MERCHANT_INBOX_LOG names (debug, info,
// warn or error); warnings and errors by default, so a command's output
// stays its own.
func newLogger(w io.Writer, level string) *slog.Logger {
	return newLoggerAt(w, level, slog.LevelWarn)
}

// newLoggerAt is newLogger with another default level.
func newLoggerAt(w io.Writer, level string, def slog.Level) *slog.Logger {
	l := def
	if level != "" && l.UnmarshalText([]byte(level)) != nil {
		l = def
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}

// flags returns a flag set for a subcommand whose --help prints usage and
// the flags to stdout, and whose errors go to stderr.
func (e *env) flags(name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: merchant-inbox %s\n", usage)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses args, printing help to stdout on --help, and wraps flag
// errors as usage errors (the flag package already printed why).
func parse(e *env, fs *flag.FlagSet, args []string) error {
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "-h" || a == "-help" || a == "--help" {
			fs.SetOutput(e.Stdout)
			fs.Usage()
			return flag.ErrHelp
		}
	}
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	return nil
}
