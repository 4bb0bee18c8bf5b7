package app

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/merchant-inbox/merchant-inbox/sync/replywindow"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

const conversationsUsage = `conversations [--json] [--page ID] [--limit N]

Lists stored conversations, the most recently active first.`

type conversationsOptions struct {
	json  bool
	page  string
	limit int
}

func runConversations(ctx context.Context, e *env, args []string) error {
	var o conversationsOptions
	fs := e.flags("conversations", conversationsUsage)
	fs.BoolVar(&o.json, "json", false, "print JSON")
	fs.StringVar(&o.page, "page", "", "only this page `ID`")
	fs.IntVar(&o.limit, "limit", 50, "at most `N` conversations (0: all)")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usagef("conversations: unexpected argument %q (flags come before arguments)", fs.Arg(0))
	}
	if o.limit < 0 {
		return usagef("conversations: --limit must be 0 or more")
	}
	st, release, err := e.openStore()
	if err != nil {
		return err
	}
	defer release()
	if o.page != "" {
		if _, err := st.Page(ctx, o.page); err != nil {
			return fmt.Errorf("page %s: %w", o.page, err)
		}
	}
	convs, err := st.Conversations(ctx, o.page, o.limit)
	if err != nil {
		return err
	}
	if o.json {
		now := time.Now()
		out := make([]conversationJSON, len(convs))
		for i, c := range convs {
			out[i] = withWindow(c, now)
		}
		return writeJSON(e.Stdout, out)
	}
	tw := tabwriter.NewWriter(e.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "UPDATED\tPAGE\tCUSTOMER\tPSID\tLAST MESSAGE")
	for _, c := range convs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", when(c.UpdatedAt), c.PageID, oneLine(c.CustomerName, 24), c.PSID, oneLine(c.Snippet, 60))
	}
	return tw.Flush()
}

// oneLine flattens s to one line of at most n runes for a table cell.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// conversationJSON is a conversation as --json prints it: the stored
// record and its messaging window at the time of the command, so a script
// (or a view) can count down to reply_window_ends.
type conversationJSON struct {
	store.Conversation
	// ReplyWindow is never, open, human_agent or closed (see replywindow).
	ReplyWindow string `json:"reply_window"`
	// ReplyWindowEnds is when a standard reply stops being allowed, and
	// HumanAgentWindowEnds when a human-agent one does; absent when the
	// customer never wrote.
	ReplyWindowEnds      time.Time `json:"reply_window_ends,omitzero"`
	HumanAgentWindowEnds time.Time `json:"human_agent_window_ends,omitzero"`
}

func withWindow(c store.Conversation, now time.Time) conversationJSON {
	w := replywindow.Of(c.LastIncomingAt)
	return conversationJSON{
		Conversation: c, ReplyWindow: w.State(now).String(),
		ReplyWindowEnds: w.Ends(), HumanAgentWindowEnds: w.HumanAgentEnds(),
	}
}
