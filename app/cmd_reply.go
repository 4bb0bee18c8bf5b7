package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/merchant-inbox/merchant-inbox/sync/engine"
)

const replyUsage = `reply [--human-agent] CONVERSATION_OR_PSID

Sends the text on standard input to the customer as the page, and prints
the sent message's id. The conversation is named by its Graph id (t_...)
or by the customer's PSID. A final line break is not sent.

Messenger allows a reply for 24 hours after the customer's last message.
After that, for up to 7 days, --human-agent sends it with the HUMAN_AGENT
tag, which Meta grants per app. Past 7 days the customer must write first.
An empty text, or one over 2,000 characters, is refused (exit 2) before
anything is sent; a reply Messenger refuses exits 1 and stays in the
conversation's draft, where the window offers to retry it.`

// maxReplyInput bounds what is read from stdin: 2,000 characters are at
// most 8,000 bytes of UTF-8, so anything past this is too long anyway.
const maxReplyInput = 16 << 10

type replyOptions struct {
	humanAgent bool
}

func runReply(ctx context.Context, e *env, args []string) error {
	var o replyOptions
	fs := e.flags("reply", replyUsage)
	fs.BoolVar(&o.humanAgent, "human-agent", false, "send with the HUMAN_AGENT tag (24 hours to 7 days after the customer's last message)")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("reply: want one CONVERSATION_OR_PSID (flags come before it), and the text on standard input")
	}
	ref := fs.Arg(0)
	if e.stdinIsTerminal() {
		fmt.Fprintln(e.Stderr, "Type the reply, then Ctrl-D on a line of its own:")
	}
	text, err := readReply(e.Stdin)
	if err != nil {
		return err
	}
	st, release, err := e.openStore()
	if err != nil {
		return err
	}
	defer release()
	conv, err := st.FindConversation(ctx, ref)
	if err != nil {
		return fmt.Errorf("conversation %s: %w", ref, err)
	}
	eng, err := e.engine(ctx, st)
	if err != nil {
		return err
	}
	m, err := eng.Send(ctx, engine.Reply{PageID: conv.PageID, PSID: conv.PSID, Text: text, HumanAgent: o.humanAgent})
	if err != nil {
		return notSent(err, ref)
	}
	fmt.Fprintln(e.Stdout, m.ID)
	return nil
}

// readReply reads the text from r, without its final line break, and
// refuses (as a usage error) what Messenger would.
func readReply(r io.Reader) (string, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxReplyInput+1))
	if err != nil {
		return "", fmt.Errorf("reply: reading standard input: %w", err)
	}
	if len(data) > maxReplyInput {
		return "", usagef("reply: not sent: the reply is longer than 2,000 characters, Messenger's limit")
	}
	text := strings.TrimSuffix(strings.TrimSuffix(string(data), "\n"), "\r")
	if err := engine.CheckText(text); err != nil {
		return "", usagef("reply: not sent: %v", err)
	}
	return text, nil
}

// notSentError is a reply Messenger or the engine refused, as the
// merchant reads it: one sentence, and what to do about it.
type notSentError struct {
	msg string
	err error
}

func (n *notSentError) Error() string       { return n.msg }
func (n *notSentError) UserMessage() string { return n.msg }
func (n *notSentError) Unwrap() error       { return n.err }

func notSent(err error, ref string) error {
	if errors.Is(err, context.Canceled) {
		return err
	}
	msg := "not sent: " + err.Error()
	if wc, ok := errors.AsType[*engine.WindowClosedError](err); ok && wc.HumanAgentPossible {
		msg += ". Run 'merchant-inbox reply --human-agent " + ref + "' to send it with the human-agent tag"
	}
	return &notSentError{msg: msg, err: err}
}
