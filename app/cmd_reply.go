package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/merchant-inbox/merchant-inbox/sync/engine"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

const replyUsage = `reply [--human-agent] [--product HANDLE] CONVERSATION_OR_PSID

Sends the text on standard input to the customer as the page, and prints
the sent message's id. The conversation is named by its Graph id (t_...)
or by the customer's PSID. A final line break is not sent. With --product,
the shop's product with that handle (or Shopify id) is sent as a card
instead (its picture, title, price and a "View" button to its page), and
standard input is not read; only active products are sent.

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
	product    string
}

func runReply(ctx context.Context, e *env, args []string) error {
	var o replyOptions
	fs := e.flags("reply", replyUsage)
	fs.BoolVar(&o.humanAgent, "human-agent", false, "send with the HUMAN_AGENT tag (24 hours to 7 days after the customer's last message)")
	fs.StringVar(&o.product, "product", "", "send the product with this `HANDLE` (or Shopify id) as a card instead of text")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("reply: want one CONVERSATION_OR_PSID (flags come before it), and the text on standard input")
	}
	ref := fs.Arg(0)
	var text string
	if o.product == "" {
		if e.stdinIsTerminal() {
			fmt.Fprintln(e.Stderr, "Type the reply, then Ctrl-D on a line of its own:")
		}
		var err error
		if text, err = readReply(e.Stdin); err != nil {
			return err
		}
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
	r := engine.Reply{PageID: conv.PageID, PSID: conv.PSID, Text: text, HumanAgent: o.humanAgent}
	if o.product != "" {
		if r.Card, err = productCard(ctx, st, o.product); err != nil {
			return err
		}
	}
	eng, err := e.engine(ctx, st)
	if err != nil {
		return err
	}
	m, err := eng.Send(ctx, r)
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

// productCard is the card for the shop's product with the handle or
// Shopify id given, as the window's "Send as card" makes it. A product
// that is not found or not active is refused (exit 2) before any call.
func productCard(ctx context.Context, st *store.Store, handle string) (*store.Card, error) {
	shop, err := st.Shop(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return nil, usagef("reply: --product: no shop is connected (merchant-inbox connect shopify)")
	}
	if err != nil {
		return nil, err
	}
	p, err := st.Product(ctx, handle)
	if errors.Is(err, store.ErrNotFound) {
		p, err = productByHandle(ctx, st, handle)
	}
	if errors.Is(err, store.ErrNotFound) {
		return nil, usagef("reply: --product: the shop has no product %q (merchant-inbox products --search lists them)", handle)
	}
	if err != nil {
		return nil, err
	}
	if p.Status != "" && p.Status != "ACTIVE" {
		return nil, usagef("reply: --product: %q is %s in the shop; only active products are sent", p.Handle, strings.ToLower(p.Status))
	}
	return engine.ProductCard(p, shop), nil
}

// productByHandle finds a product by its handle, which the search index
// holds among each product's words.
func productByHandle(ctx context.Context, st *store.Store, handle string) (store.Product, error) {
	ps, err := st.SearchProducts(ctx, handle, 0)
	if err != nil {
		return store.Product{}, err
	}
	for _, p := range ps {
		if strings.EqualFold(p.Handle, handle) {
			return p, nil
		}
	}
	return store.Product{}, store.ErrNotFound
}
