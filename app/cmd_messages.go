package app

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

const messagesUsage = `messages [--json] [--limit N] CONVERSATION_OR_PSID

Shows one conversation's latest messages (200 unless --limit says otherwise),
oldest first. The conversation is named by its Graph id (t_...) or by the
customer's PSID.`

// defaultMessagesLimit keeps a years-long thread from flooding the
// terminal; a hint says how to see the rest.
const defaultMessagesLimit = 200

type messagesOptions struct {
	json  bool
	limit int
}

// messagesOutput is the JSON form of messages.
type messagesOutput struct {
	Conversation conversationJSON `json:"conversation"`
	Messages     []store.Message  `json:"messages"`
}

func runMessages(ctx context.Context, e *env, args []string) error {
	var o messagesOptions
	fs := e.flags("messages", messagesUsage)
	fs.BoolVar(&o.json, "json", false, "print JSON")
	fs.IntVar(&o.limit, "limit", defaultMessagesLimit, "only the latest `N` messages (0: all)")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("messages: want one CONVERSATION_OR_PSID (flags come before it)")
	}
	if o.limit < 0 {
		return usagef("messages: --limit must be 0 or more")
	}
	st, release, err := e.openStore()
	if err != nil {
		return err
	}
	defer release()
	conv, err := st.FindConversation(ctx, fs.Arg(0))
	if err != nil {
		return fmt.Errorf("conversation %s: %w", fs.Arg(0), err)
	}
	msgs, err := latestMessages(ctx, e, st, conv, o.limit, flagSet(fs, "limit"))
	if err != nil {
		return err
	}
	if o.json {
		if msgs == nil {
			msgs = []store.Message{}
		}
		return writeJSON(e.Stdout, messagesOutput{Conversation: withWindow(conv, time.Now()), Messages: msgs})
	}
	name := conv.CustomerName
	if name == "" {
		name = conv.PSID
	}
	fmt.Fprintf(e.Stdout, "Conversation with %s (page %s)\n", name, conv.PageID)
	for _, m := range msgs {
		who := name
		if m.Direction == store.Outgoing {
			who = "you"
		}
		fmt.Fprintf(e.Stdout, "%s  %s: %s\n", when(m.CreatedAt), who, messageText(m))
	}
	return nil
}

// latestMessages reads the latest limit messages (all when 0). When the
// limit was not asked for and cut the thread, a line on stderr says so,
// leaving stdout as parseable as ever.
func latestMessages(ctx context.Context, e *env, st *store.Store, conv store.Conversation, limit int, explicit bool) ([]store.Message, error) {
	if limit == 0 {
		return st.Messages(ctx, conv.PageID, conv.PSID, 0)
	}
	msgs, err := st.Messages(ctx, conv.PageID, conv.PSID, limit+1)
	if err != nil {
		return nil, err
	}
	if len(msgs) <= limit {
		return msgs, nil
	}
	if !explicit {
		fmt.Fprintf(e.Stderr, "showing the latest %d messages; --limit 0 shows all of them, --limit N the latest N\n", limit)
	}
	return msgs[1:], nil
}

// flagSet reports whether the command line set the named flag.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func messageText(m store.Message) string {
	parts := []string{}
	if m.Text != "" {
		parts = append(parts, m.Text)
	}
	if c := m.Card; c != nil {
		parts = append(parts, strings.Join(strings.Fields("[card "+c.Title+" "+c.Subtitle+" "+c.URL+"]"), " "))
	}
	for _, a := range m.Attachments {
		parts = append(parts, fmt.Sprintf("[%s %s]", strings.TrimSpace(a.Type+" attachment"), a.URL))
	}
	if m.Postback != "" && m.Text == "" {
		parts = append(parts, "[button "+m.Postback+"]")
	}
	if m.Reaction != "" {
		parts = append(parts, "(reacted "+m.Reaction+")")
	}
	return strings.Join(parts, " ")
}
