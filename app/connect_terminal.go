package app

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/merchant-inbox/merchant-inbox/sync/connect"
)

// terminal is the command line's connect.Prompter: it prints what the
// window shows, asks on stdin, and ends with the commands to run next.
type terminal struct {
	e *env
	// outro prints the outcome sentence and what to do next.
	outro func(w io.Writer, outcome string)
}

func (t terminal) RedirectURI(uri string) {
	fmt.Fprintf(t.e.Stdout, "Redirect URI (register it with the provider exactly as shown):\n  %s\n", uri)
}

func (t terminal) ConsentURL(url string, browserErr error) {
	if errors.Is(browserErr, connect.ErrNoBrowser) {
		fmt.Fprintf(t.e.Stdout, "Open this URL in your browser to continue:\n  %s\n", url)
		return
	}
	fmt.Fprintf(t.e.Stdout, "Opening your browser. If nothing opens, visit:\n  %s\n", url)
	if browserErr != nil {
		fmt.Fprintf(t.e.Stderr, "could not open a browser (%v); open the URL above by hand\n", browserErr)
	}
}

func (t terminal) Waiting() { fmt.Fprintln(t.e.Stdout, "Waiting for the browser to come back…") }

// ChoosePages lists the pages and reads numbers separated by commas; an
// empty line takes them all.
func (t terminal) ChoosePages(ctx context.Context, pages []connect.Page) ([]string, error) {
	fmt.Fprintln(t.e.Stdout, "Which pages should Merchant Inbox sync?")
	for i, p := range pages {
		fmt.Fprintf(t.e.Stdout, "  %d) %s (%s)\n", i+1, p.Name, p.ID)
	}
	fmt.Fprint(t.e.Stdout, "Numbers separated by commas, or Enter for all: ")
	line, err := readLine(ctx, t.e.Stdin)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(pages))
	if line = strings.TrimSpace(line); line == "" {
		for _, p := range pages {
			ids = append(ids, p.ID)
		}
		return ids, nil
	}
	for f := range strings.SplitSeq(line, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > len(pages) {
			return nil, usagef("%q is not one of the numbers 1 to %d", strings.TrimSpace(f), len(pages))
		}
		ids = append(ids, pages[n-1].ID)
	}
	return ids, nil
}

func (t terminal) Notice(msg string) { fmt.Fprintln(t.e.Stderr, msg) }

func (t terminal) Done(msg string) { t.outro(t.e.Stdout, msg) }

// readLine reads one line from r, or gives up when ctx ends (Ctrl-C at
// the prompt). The read itself cannot be interrupted: it ends with the
// process, or with the forwarded stdin of a command run inside serve.
func readLine(ctx context.Context, r io.Reader) (string, error) {
	got := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		got <- line
	}()
	select {
	case line := <-got:
		return line, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}
