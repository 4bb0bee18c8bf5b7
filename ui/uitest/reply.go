package uitest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/merchant-inbox/merchant-inbox/sync/price"
	"github.com/merchant-inbox/merchant-inbox/sync/replywindow"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
	"github.com/merchant-inbox/merchant-inbox/ui"
)

// The Fake's replies: drafts, the shop's catalogue and sends, with the
// messaging window applied as the engine applies it.

// MaxText is Meta's limit on a message's text, in characters.
const MaxText = 2000

// ErrWindowClosed is wrapped by a send the messaging window refuses.
var ErrWindowClosed = errors.New("the messaging window is closed")

type replyState struct {
	now      func() time.Time
	shop     store.Shop
	products []store.Product
	drafts   map[ui.ConversationRef]ui.Draft
	saved    int // SaveDraft calls
	sends    []ui.SendRequest
	failNext error
	before   chan struct{} // HoldSends: a send waits before it is made
	after    chan struct{} // HoldReplies: a send waits after it is stored
	sent     int
}

func newReplyState() replyState {
	return replyState{now: time.Now, drafts: map[ui.ConversationRef]ui.Draft{}}
}

// SetClock makes the messaging window and sent messages use now (the
// window's fake clock in a test).
func (f *Fake) SetClock(now func() time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reply.now = now
}

// SetShop connects a shop (a zero Shop disconnects it) and announces it.
func (f *Fake) SetShop(s store.Shop) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reply.shop = s
	f.status.Shop = s.Domain
	f.emitLocked(ui.Event{Kind: ui.ProductsChanged})
}

// SetProducts replaces the catalogue and announces it.
func (f *Fake) SetProducts(ps []store.Product) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reply.products = slices.Clone(ps)
	f.emitLocked(ui.Event{Kind: ui.ProductsChanged})
}

// FailSends makes every send fail with err until called with nil. Its
// text is what the window shows after "Not sent:".
func (f *Fake) FailSends(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reply.failNext = err
}

// HoldSends makes sends wait, before anything is sent, until
// ReleaseSends: the window shows them as "Sending…" meanwhile.
func (f *Fake) HoldSends() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.reply.before == nil {
		f.reply.before = make(chan struct{})
	}
}

// HoldReplies makes sends store and announce the message, then wait
// until ReleaseSends before returning it: the window reads the stored
// copy before the send's answer, as when the echo beats the response.
func (f *Fake) HoldReplies() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.reply.after == nil {
		f.reply.after = make(chan struct{})
	}
}

// ReleaseSends lets held and later sends through.
func (f *Fake) ReleaseSends() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, g := range []*chan struct{}{&f.reply.before, &f.reply.after} {
		if *g != nil {
			close(*g)
			*g = nil
		}
	}
}

// Sends returns the requests Send was called with, in order.
func (f *Fake) Sends() []ui.SendRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.reply.sends)
}

// DraftSaves counts the SaveDraft calls.
func (f *Fake) DraftSaves() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reply.saved
}

// Draft implements ui.Replies.
func (f *Fake) Draft(ctx context.Context, ref ui.ConversationRef) (ui.Draft, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count("Draft")
	if err := f.check(ctx); err != nil {
		return ui.Draft{}, err
	}
	d := f.reply.drafts[ref]
	d.Failed = slices.Clone(d.Failed)
	return d, nil
}

// SaveDraft implements ui.Replies.
func (f *Fake) SaveDraft(ctx context.Context, ref ui.ConversationRef, d ui.Draft) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return err
	}
	f.reply.saved++
	if d.IsZero() {
		delete(f.reply.drafts, ref)
		return nil
	}
	d.Failed = slices.Clone(d.Failed)
	f.reply.drafts[ref] = d
	return nil
}

// Shop implements ui.Replies.
func (f *Fake) Shop(ctx context.Context) (store.Shop, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count("Shop")
	return f.reply.shop, f.check(ctx)
}

// Products implements ui.Replies: active products first, then by title.
func (f *Fake) Products(ctx context.Context, q ui.ProductQuery) ([]store.Product, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count("Products")
	if err := f.check(ctx); err != nil {
		return nil, err
	}
	needle := strings.ToLower(strings.TrimSpace(q.Text))
	var out []store.Product
	for _, p := range f.reply.products {
		if needle == "" || productMatches(p, needle) {
			out = append(out, p)
		}
	}
	slices.SortStableFunc(out, func(a, b store.Product) int {
		if c := cmp.Compare(statusRank(a.Status), statusRank(b.Status)); c != 0 {
			return c
		}
		return cmp.Compare(strings.ToLower(a.Title), strings.ToLower(b.Title))
	})
	if q.Limit > 0 && len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return out, nil
}

func productMatches(p store.Product, needle string) bool {
	for _, s := range []string{p.Title, p.Handle, p.Vendor} {
		if strings.Contains(strings.ToLower(s), needle) {
			return true
		}
	}
	for _, v := range p.Variants {
		if strings.Contains(strings.ToLower(v.SKU), needle) {
			return true
		}
	}
	return false
}

func statusRank(s string) int {
	switch s {
	case "ACTIVE":
		return 0
	case "DRAFT":
		return 1
	}
	return 2
}

// Send implements ui.Replies the way the engine does: the window is
// checked first, a text must be 1–2,000 characters, and a sent reply is
// stored as an outgoing message at once and announced.
func (f *Fake) Send(ctx context.Context, r ui.SendRequest) (store.Message, error) {
	f.mu.Lock()
	f.reply.sends = append(f.reply.sends, r)
	before := f.reply.before
	f.mu.Unlock()
	if err := wait(ctx, before); err != nil {
		return store.Message{}, err
	}

	f.mu.Lock()
	m, err := f.sendLocked(r)
	after := f.reply.after
	f.mu.Unlock()
	if err != nil {
		return store.Message{}, err
	}
	if err := wait(ctx, after); err != nil {
		return store.Message{}, err
	}
	return m, nil
}

func wait(ctx context.Context, gate chan struct{}) error {
	if gate == nil {
		return nil
	}
	select {
	case <-gate:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (f *Fake) sendLocked(r ui.SendRequest) (store.Message, error) {
	c, ok := f.convs[r.Ref]
	if !ok {
		return store.Message{}, ErrNotFound
	}
	now := f.reply.now()
	w := replywindow.Of(c.LastIncomingAt)
	if !w.Allows(now, r.HumanAgent) {
		if w.State(now) == replywindow.HumanAgentOnly {
			return store.Message{}, fmt.Errorf("%w: the 24-hour window closed at %s; a human-agent reply is still possible", ErrWindowClosed, w.Ends().Format("Mon 15:04"))
		}
		return store.Message{}, fmt.Errorf("%w: the customer must write first", ErrWindowClosed)
	}
	if r.Product == nil && r.Card == nil {
		if n := utf8.RuneCountInString(strings.TrimSpace(r.Text)); n == 0 || n > MaxText {
			return store.Message{}, fmt.Errorf("a reply must be 1 to %d characters, not %d", MaxText, n)
		}
	}
	if err := f.reply.failNext; err != nil {
		return store.Message{}, err
	}
	f.reply.sent++
	m := store.Message{
		ID: fmt.Sprintf("m_sent_%d", f.reply.sent), PageID: r.Ref.PageID, PSID: r.Ref.PSID,
		Direction: store.Outgoing, CreatedAt: now, Text: r.Text,
	}
	if p := r.Product; p != nil {
		m.Text = ""
		m.Card = &store.Card{Title: p.Title, Subtitle: price.From(*p, f.reply.shop.Currency),
			ImageURL: p.ImageURL, URL: p.URL, Button: "View"}
	}
	if c := r.Card; c != nil {
		m.Text, m.Card = "", c
	}
	f.addMessageLocked("", m, true)
	return m, nil
}
