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
}

func commands() []command {
	return []command{
		{"sync", "poll Facebook once and store what changed", runSync},
		{"serve", "receive webhooks and poll daily until stopped", runServe},
		{"status", "show connections, pages and the last sync", runStatus},
		{"conversations", "list conversations, newest first", runConversations},
		{"messages", "show one conversation's messages", runMessages},
		{"products", "list the shop's catalogue", runProducts},
		{"connect", "connect Facebook or Shopify through the browser", runConnect},
		{"disconnect", "remove a connection's tokens from the keychain", runDisconnect},
		{"secrets", "store or delete a secret in the OS keychain", runSecrets},
	}
}

// env is what every command gets: the invocation, the resolved config and
// a logger on stderr.
type env struct {
	Invocation
	cfg config
	log *slog.Logger
}

// Run runs one command line and returns its exit code.
func Run(ctx context.Context, inv Invocation) int {
	if inv.Getenv == nil {
		inv.Getenv = func(string) string { return "" }
	}
	e := &env{Invocation: inv, log: slog.New(slog.NewTextHandler(inv.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	if len(inv.Args) == 0 || inv.Args[0] == "-h" || inv.Args[0] == "--help" || inv.Args[0] == "help" {
		printUsage(inv.Stdout)
		return ExitOK
	}
	name, args := inv.Args[0], inv.Args[1:]
	for _, c := range commands() {
		if c.name != name {
			continue
		}
		cfg, err := loadConfig(inv.Getenv)
		if err != nil {
			return fail(inv.Stderr, err)
		}
		e.cfg = cfg
		return fail(inv.Stderr, c.run(ctx, e, args))
	}
	fmt.Fprintf(inv.Stderr, "merchant-inbox: unknown command %q\n", name)
	printUsage(inv.Stderr)
	return ExitUsage
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

// fail prints err as one line and maps it to an exit code.
func fail(w io.Writer, err error) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	msg := strings.ReplaceAll(err.Error(), "\n", "; ")
	fmt.Fprintf(w, "merchant-inbox: %s\n", msg)
	var u usageError
	switch {
	case errors.As(err, &u):
		return ExitUsage
	case errors.Is(err, store.ErrLocked):
		return ExitRunning
	}
	return ExitFailure
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
