package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
	"github.com/merchant-inbox/merchant-inbox/sync/replywindow"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// Reply is one message the merchant sends to a customer: Text, or Card
// (a product, see ProductCard).
type Reply struct {
	PageID, PSID string
	Text         string
	Card         *store.Card
	// HumanAgent sends with the HUMAN_AGENT tag, which Meta allows up to
	// 7 days after the customer's last message where it granted the app
	// the permission. Without it a reply is allowed for 24 hours.
	HumanAgent bool
	// LocalID names the reply until Meta gives it a mid: a failure is
	// kept in the conversation's draft under it, and a reply with the
	// LocalID of a failure kept there is its retry (the failure is
	// dropped once it is sent). Empty: a new id is made for a failure.
	LocalID string
}

// Send sends r and stores it at once as an outgoing message under the mid
// Meta returned, so its echo webhook and the next poll's copy merge into
// it. It is called once per merchant action and never retries: sending
// twice would show the customer the message twice, and calling a
// throttled Meta again extends the block.
//
// Before any call it checks the reply (*InvalidReplyError), the
// conversation (ErrNoConversation), the page (*NeedsLoginError,
// ErrPageDisconnected) and the messaging window from the stored time of
// the customer's last message (*WindowClosedError). Meta's refusals come
// back as *WindowClosedError, ErrUnreachable, ErrHumanAgentRefused,
// *RateLimitedError, *NeedsLoginError (the page is then marked as needing
// a sign-in, as a poll marks it) or *SendFailedError.
//
// A reply refused for any reason but its own content, or a conversation
// that does not exist, is kept as a failed send in the conversation's
// draft, for the merchant to retry or delete; nothing else of it is
// stored.
func (e *Engine) Send(ctx context.Context, r Reply) (store.Message, error) {
	if err := checkReply(r); err != nil {
		return store.Message{}, err
	}
	conv, err := e.o.Store.Conversation(ctx, r.PageID, r.PSID)
	if errors.Is(err, store.ErrNotFound) {
		return store.Message{}, fmt.Errorf("%w: %w", ErrNoConversation, err)
	}
	if err != nil {
		return store.Message{}, err
	}
	msg, err := e.send(ctx, r, conv)
	if err != nil {
		if ctx.Err() == nil {
			e.keepFailed(ctx, r, err)
		}
		return store.Message{}, err
	}
	if r.LocalID != "" {
		if _, removed, err := e.o.Store.RemoveFailedSend(ctx, r.PageID, r.PSID, r.LocalID); err != nil {
			e.log.Warn("a retried reply was sent but its failure stays in the draft", "err", err)
		} else if removed {
			e.publish(Event{Kind: ConversationChanged, PageID: r.PageID, PSID: r.PSID})
		}
	}
	return msg, nil
}

// send does the checks that need stored data, the call and the write.
func (e *Engine) send(ctx context.Context, r Reply, conv store.Conversation) (store.Message, error) {
	pg, err := e.o.Store.Page(ctx, r.PageID)
	if err != nil {
		return store.Message{}, err
	}
	switch {
	case pg.Disconnected:
		return store.Message{}, ErrPageDisconnected
	case pg.NeedsLogin:
		return store.Message{}, &NeedsLoginError{}
	}
	now := e.now()
	if w := replywindow.Of(conv.LastIncomingAt); !w.Allows(now, r.HumanAgent) {
		return store.Message{}, windowClosed(w, now, false)
	}
	token, err := e.o.Secrets.Get(ctx, secrets.PageToken(r.PageID))
	if errors.Is(err, secrets.ErrNotFound) {
		return store.Message{}, &NeedsLoginError{Err: ErrNoToken}
	}
	if err != nil {
		return store.Message{}, fmt.Errorf("read page token: %w", err)
	}
	graph, err := e.sendGraph(ctx)
	if err != nil {
		return store.Message{}, err
	}
	out := facebook.Outgoing{Text: r.Text, HumanAgent: r.HumanAgent}
	if c := r.Card; c != nil {
		out.Card = &facebook.Card{Title: c.Title, Subtitle: c.Subtitle, ImageURL: c.ImageURL, URL: c.URL, Button: c.Button}
	}
	res, err := graph.Send(ctx, r.PageID, token, r.PSID, out)
	if err != nil {
		return store.Message{}, e.sendFailed(ctx, r, conv, err)
	}
	m := store.Message{
		ID: res.MessageID, PageID: r.PageID, PSID: r.PSID, Direction: store.Outgoing,
		CreatedAt: now, Text: r.Text, Card: r.Card,
	}
	// Sent: from here a failure must not read as "not sent". The write
	// outlives a cancelled ctx, since the customer has the message.
	applied, err := e.o.Store.Apply(context.WithoutCancel(ctx), store.Changes{Messages: []store.Message{m}})
	if err != nil {
		return m, fmt.Errorf("the message was sent but could not be stored (the next sync brings it): %w", err)
	}
	for _, n := range applied.New {
		e.publish(Event{Kind: MessageStored, PageID: n.PageID, PSID: n.PSID, MessageID: n.ID,
			Direction: n.Direction, Source: FromSend, Created: n.CreatedAt})
	}
	e.publish(Event{Kind: ConversationChanged, PageID: r.PageID, PSID: r.PSID})
	if len(applied.New) == 0 {
		// The echo webhook was quicker: the stored message is the merge.
		if stored, err := e.o.Store.Message(ctx, m.ID); err == nil {
			return stored, nil
		}
	}
	return m, nil
}

// sendFailed classifies a Send API failure, and marks the page when its
// token is dead.
func (e *Engine) sendFailed(ctx context.Context, r Reply, conv store.Conversation, err error) error {
	now := e.now()
	var rl *facebook.RateLimitError
	switch {
	case errors.As(err, &rl):
		scope := r.PageID
		if rl.App {
			scope = "app"
		}
		e.publish(Event{Kind: RateLimitWait, Scope: scope, Until: rl.Until, Err: err})
		return &RateLimitedError{Until: rl.Until, Now: now, Err: err}
	case errors.Is(err, facebook.ErrTokenInvalid):
		if serr := e.o.Store.SetNeedsLogin(context.WithoutCancel(ctx), r.PageID, true); serr != nil {
			e.log.Warn("could not mark the page as needing a sign-in", "page", r.PageID, "err", serr)
		}
		e.publish(Event{Kind: PageNeedsLogin, PageID: r.PageID, Err: fmt.Errorf("%w: %w", ErrNeedsLogin, err)})
		e.publish(Event{Kind: PageChanged, PageID: r.PageID})
		return &NeedsLoginError{Err: err}
	case errors.Is(err, facebook.ErrOutsideWindow):
		return windowClosed(replywindow.Of(conv.LastIncomingAt), now, true)
	case errors.Is(err, facebook.ErrUnreachable):
		return fmt.Errorf("%w: %w", ErrUnreachable, err)
	case r.HumanAgent && errors.Is(err, facebook.ErrPermission):
		return fmt.Errorf("%w: %w", ErrHumanAgentRefused, err)
	}
	return &SendFailedError{Err: err}
}

func windowClosed(w replywindow.Window, now time.Time, byMeta bool) *WindowClosedError {
	return &WindowClosedError{
		LastIncoming: w.LastIncoming, Ends: w.Ends(), HumanAgentEnds: w.HumanAgentEnds(),
		HumanAgentPossible: w.State(now) == replywindow.HumanAgentOnly && !byMeta,
		ByMeta:             byMeta, Now: now,
	}
}

// keepFailed records a reply that was not sent in the conversation's
// draft, with the sentence the merchant was shown.
func (e *Engine) keepFailed(ctx context.Context, r Reply, cause error) {
	if errors.Is(cause, ErrNoConversation) {
		return
	}
	f := store.FailedSend{ID: r.LocalID, Text: r.Text, Card: r.Card, HumanAgent: r.HumanAgent, Reason: cause.Error(), At: e.now()}
	if _, err := e.o.Store.AddFailedSend(context.WithoutCancel(ctx), r.PageID, r.PSID, f); err != nil {
		e.log.Warn("could not keep a reply that was not sent", "err", err)
		return
	}
	e.publish(Event{Kind: ConversationChanged, PageID: r.PageID, PSID: r.PSID})
}

// checkReply refuses what Messenger would: it runs before anything else.
func checkReply(r Reply) error {
	invalid := func(format string, args ...any) error {
		return &InvalidReplyError{Reason: fmt.Sprintf(format, args...)}
	}
	switch {
	case r.PageID == "" || r.PSID == "":
		return invalid("the reply names no conversation")
	case r.Card != nil && r.Text != "":
		return invalid("a reply is a text or a product card, not both")
	case r.Card != nil:
		return checkCard(*r.Card)
	}
	return CheckText(r.Text)
}

// CheckText refuses a reply text Messenger would refuse: empty (or only
// spaces), not UTF-8, or longer than 2,000 characters. The error is an
// *InvalidReplyError; Send runs the same check first.
func CheckText(text string) error {
	invalid := func(format string, args ...any) error {
		return &InvalidReplyError{Reason: fmt.Sprintf(format, args...)}
	}
	switch {
	case !utf8.ValidString(text):
		return invalid("the reply is not valid UTF-8 text")
	case strings.TrimSpace(text) == "":
		return invalid("the reply is empty")
	}
	if n := utf8.RuneCountInString(text); n > facebook.MaxTextLength {
		return invalid("the reply is %s characters long; Messenger takes at most %s", thousands(n), thousands(facebook.MaxTextLength))
	}
	return nil
}

func checkCard(c store.Card) error {
	invalid := func(format string, args ...any) error {
		return &InvalidReplyError{Reason: fmt.Sprintf(format, args...)}
	}
	switch {
	case strings.TrimSpace(c.Title) == "":
		return invalid("the product card has no title")
	case utf8.RuneCountInString(c.Title) > facebook.MaxCardText:
		return invalid("the product card's title is longer than %d characters", facebook.MaxCardText)
	case utf8.RuneCountInString(c.Subtitle) > facebook.MaxCardText:
		return invalid("the product card's subtitle is longer than %d characters", facebook.MaxCardText)
	case c.Subtitle == "" && c.ImageURL == "" && c.URL == "":
		return invalid("the product card has nothing but a title")
	}
	return nil
}

// thousands writes n with a comma every three digits: 2,000.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// causeText is the part of a send failure worth showing: Meta's own
// message, or the transport error.
func causeText(err error) string {
	var gerr *facebook.Error
	if errors.As(err, &gerr) && gerr.Message != "" {
		return strings.TrimRight(gerr.Message, ".")
	}
	return err.Error()
}

// sendGraph is the Graph client replies go through: the running
// generation's, whose rate-limit blocks the poll shares, or one kept for
// sends while the engine does not run.
func (e *Engine) sendGraph(ctx context.Context) (*facebook.Client, error) {
	e.mu.Lock()
	g := e.running
	e.mu.Unlock()
	if g != nil && g.parts.graph != nil {
		return g.parts.graph, nil
	}
	appSecret, err := OptionalSecret(ctx, e.o.Secrets, secrets.FacebookAppSecret)
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.idle == nil || e.idle.appSecret != appSecret {
		e.idle = &idleGraph{appSecret: appSecret, client: e.o.Graph(appSecret)}
	}
	return e.idle.client, nil
}

// idleGraph is the Graph client for sends made while the engine is not
// running, kept so its rate-limit blocks hold from one send to the next.
type idleGraph struct {
	appSecret string
	client    *facebook.Client
}

func (e *Engine) now() time.Time {
	if e.o.Now != nil {
		return e.o.Now()
	}
	return time.Now()
}
