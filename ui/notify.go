package ui

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"github.com/jonboulle/clockwork"
)

// Desktop notifications for messages the merchant has not seen.
//
// The first message of a burst waits a moment (gather) so that what
// arrives with it becomes one notification; after a notification the
// next one waits out a quiet gap, and everything that arrived meanwhile
// is summed up in it ("3 new messages from 2 customers"). A burst of a
// thousand webhooks is thus a handful of notifications, not a thousand.
const (
	notifyGather = 2 * time.Second
	notifyGap    = 5 * time.Second
	notifyBody   = 100 // characters of message text in a notification
)

// notifier collects live incoming messages and sends notifications from
// its own goroutine: on Linux sending one is a synchronous D-Bus call,
// which must hold up neither the UI nor the event loop.
type notifier struct {
	in     Inbox
	act    Actions
	clock  clockwork.Clock
	send   func(*fyne.Notification)
	active func() bool // the merchant is looking at the window
	log    *slog.Logger
	gather time.Duration
	gap    time.Duration

	mu      sync.Mutex
	pending batch
	wake    chan struct{}
}

// batch is the messages waiting for a notification: counted, not kept, so
// that a burst of any size costs the same.
type batch struct {
	count     int
	customers map[ConversationRef]bool // at most maxCustomers
	newest    Event
}

// maxCustomers bounds what a batch remembers of who wrote; past it the
// count of customers is a lower bound, which is as telling.
const maxCustomers = 1000

func newNotifier(in Inbox, act Actions, clock clockwork.Clock, send func(*fyne.Notification), active func() bool, log *slog.Logger) *notifier {
	return &notifier{
		in: in, act: act, clock: clock, send: send, active: active, log: log,
		gather: notifyGather, gap: notifyGap,
		wake: make(chan struct{}, 1),
	}
}

// add queues a live incoming message. It never blocks.
func (n *notifier) add(ev Event) {
	n.mu.Lock()
	b := &n.pending
	if b.customers == nil {
		b.customers = map[ConversationRef]bool{}
	}
	if len(b.customers) < maxCustomers {
		b.customers[ev.Ref] = true
	}
	b.count++
	b.newest = ev
	n.mu.Unlock()
	select {
	case n.wake <- struct{}{}:
	default:
	}
}

func (n *notifier) run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-n.wake:
		}
		if !n.sleep(ctx, n.gather) {
			return
		}
		for n.flush(ctx) {
			if !n.sleep(ctx, n.gap) {
				return
			}
		}
	}
}

func (n *notifier) sleep(ctx context.Context, d time.Duration) bool {
	select {
	case <-ctx.Done():
		return false
	case <-n.clock.After(d):
		return true
	}
}

// flush sends what is pending as one notification and reports whether
// there was anything. Messages the merchant has meanwhile seen (the
// window came forward), or with notifications turned off, are dropped.
func (n *notifier) flush(ctx context.Context) bool {
	n.mu.Lock()
	b := n.pending
	n.pending = batch{}
	n.mu.Unlock()
	if b.count == 0 {
		return false
	}
	if n.active() || !n.enabled(ctx) {
		return true
	}
	n.send(n.compose(ctx, b))
	return true
}

func (n *notifier) enabled(ctx context.Context) bool {
	s, err := n.act.Settings(ctx)
	if err != nil {
		n.log.Warn("reading the notification setting", "err", err)
		return true
	}
	return s.Notifications
}

// compose words a notification for b: one message is the customer's
// name and the text; several from one customer are the name and the
// newest text with the count; several customers are counted.
func (n *notifier) compose(ctx context.Context, b batch) *fyne.Notification {
	if len(b.customers) > 1 {
		return &fyne.Notification{
			Title:   "Merchant Inbox",
			Content: fmt.Sprintf("%d new messages from %d customers", b.count, len(b.customers)),
		}
	}
	name := "Messenger customer"
	if c, err := n.in.Conversation(ctx, b.newest.Ref); err == nil {
		name = displayName(c.Conversation)
	} else {
		n.log.Warn("reading a conversation for a notification", "err", err)
	}
	text := "New message"
	if m, err := n.in.Message(ctx, b.newest.Ref, b.newest.MessageID); err == nil {
		if s := messageSummary(m); s != "" {
			text = s
		}
	} else {
		n.log.Warn("reading a message for a notification", "err", err)
	}
	if b.count > 1 {
		text = fmt.Sprintf("%d new messages: %s", b.count, text)
	}
	return &fyne.Notification{Title: name, Content: cutText(text, notifyBody)}
}
