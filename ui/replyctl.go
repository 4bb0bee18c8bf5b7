package ui

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// replyCtl keeps, per conversation, what the merchant has not sent yet
// (the box's text, the choice of a human-agent reply), what is being
// sent, and what failed; it decides what the reply box and the products
// panel allow. It lives on the UI goroutine: sends and draft saves leave
// it through the App (send, save), reads reach it from the loop.
type replyCtl struct {
	box    *replyBox
	thread *threadView
	view   *mainView
	now    func() time.Time

	convs    map[ConversationRef]*convReply
	ref      ConversationRef    // the conversation open
	conv     store.Conversation // as the loop last read it
	convRead bool               // conv is ref's
	gate     replyGate
	seq      int
	currency string // the shop's, for the cards being sent

	// send starts a send off the UI goroutine; its end comes back
	// through sendDone.
	send func(ref ConversationRef, it *outItem)
	// save hands a draft to the loop to keep; now skips the pause that
	// typing waits for.
	save func(ref ConversationRef, d Draft, now bool)
	// gated tells the products panel what it may do.
	gated func(replyGate, ConversationRef)
}

// convReply is one conversation's unsent state.
type convReply struct {
	text       string
	loaded     bool // the stored draft was read (saving before would lose it)
	dirty      bool // changed since it was read: to be saved once loaded
	humanAgent bool
	failed     []FailedSend
	out        []*outItem
}

// outItem is a reply being sent, or sent and not yet read back from the
// store.
type outItem struct {
	id  string
	req SendRequest
	at  time.Time
	msg *store.Message // set once sent
}

func newReplyCtl(box *replyBox, v *mainView, now func() time.Time) *replyCtl {
	c := &replyCtl{box: box, thread: v.thread, view: v, now: now, convs: map[ConversationRef]*convReply{}}
	box.onSend = c.sendText
	box.onChanged = c.typed
	box.onHuman = func(on bool) {
		c.state(c.ref).humanAgent = on
		c.regate()
	}
	v.thread.outbox = c
	return c
}

func (c *replyCtl) state(ref ConversationRef) *convReply {
	s := c.convs[ref]
	if s == nil {
		s = &convReply{}
		c.convs[ref] = s
	}
	return s
}

// open switches the box to ref, keeping the last one's text.
func (c *replyCtl) open(ref ConversationRef) {
	if ref == c.ref {
		return
	}
	if !c.ref.IsZero() {
		c.persist(c.ref, true)
	}
	c.ref, c.conv, c.convRead = ref, store.Conversation{}, false
	if !c.box.root.Visible() {
		c.box.root.Show()
		c.box.relayout()
	}
	c.box.setText(c.state(ref).text)
	c.regate()
}

// setConv is the open conversation as the loop read it: its window.
func (c *replyCtl) setConv(ref ConversationRef, conv store.Conversation) {
	if ref != c.ref {
		return
	}
	c.conv, c.convRead = conv, true
	c.regate()
}

// draftRead is ref's stored draft. What the merchant typed meanwhile
// wins over its text; its failed sends are kept.
func (c *replyCtl) draftRead(ref ConversationRef, d Draft) {
	s := c.state(ref)
	if s.loaded {
		return
	}
	s.loaded = true
	for _, f := range d.Failed {
		if !slices.ContainsFunc(s.failed, func(g FailedSend) bool { return g.ID == f.ID }) {
			s.failed = append(s.failed, f)
		}
	}
	if s.text == "" && d.Text != "" {
		s.text = d.Text
		if ref == c.ref {
			c.box.setText(d.Text)
		}
	}
	if s.dirty {
		c.persist(ref, false)
	}
	if ref == c.ref && len(d.Failed) > 0 {
		c.thread.outboxChanged(false)
	}
}

func (c *replyCtl) typed(text string) {
	s := c.state(c.ref)
	s.text = text
	s.dirty = true
	c.persist(c.ref, false)
}

// persist hands ref's draft to be kept, once the stored one was read.
func (c *replyCtl) persist(ref ConversationRef, now bool) {
	s := c.state(ref)
	if !s.loaded || c.save == nil {
		return
	}
	s.dirty = false
	c.save(ref, Draft{Text: s.text, Failed: slices.Clone(s.failed)}, now)
}

// regate works out what the box may do now and paints it.
func (c *replyCtl) regate() {
	if c.ref.IsZero() {
		return
	}
	s := c.state(c.ref)
	g := replyGate{line: " "}
	if c.convRead {
		g = gateFor(c.conv, c.page(), s.humanAgent, c.now())
	}
	if g != c.gate || c.box.human.Checked != (s.humanAgent && g.offerHumanAgent) {
		c.gate = g
		c.box.setGate(g, s.humanAgent)
	}
	if c.gated != nil {
		c.gated(g, c.ref)
	}
}

// page is the open conversation's page, marked as needing sign-in when
// the status says so.
func (c *replyCtl) page() store.Page {
	p := store.Page{ID: c.ref.PageID}
	if i := slices.IndexFunc(c.view.pages, func(q store.Page) bool { return q.ID == c.ref.PageID }); i >= 0 {
		p = c.view.pages[i]
	}
	if slices.Contains(c.view.status.NeedsSignIn, cmp.Or(p.Name, p.ID)) {
		p.NeedsLogin = true
	}
	return p
}

// sendText sends what the box holds (the gate allowed it).
func (c *replyCtl) sendText() {
	text := strings.TrimRight(c.box.entry.Text, " \t\n")
	c.box.setText("")
	s := c.state(c.ref)
	s.text = ""
	s.dirty = true
	c.persist(c.ref, false)
	c.start(SendRequest{Ref: c.ref, Text: text, HumanAgent: c.gate.offerHumanAgent && s.humanAgent}, "")
}

// sendProduct sends p as a card, when the gate allows a send.
func (c *replyCtl) sendProduct(p store.Product) {
	if !c.gate.canSend || c.ref.IsZero() {
		return
	}
	c.start(SendRequest{Ref: c.ref, Product: &p, HumanAgent: c.gate.offerHumanAgent && c.state(c.ref).humanAgent}, "")
}

// start shows req as "Sending…" and sends it; id reuses a failed send's.
func (c *replyCtl) start(req SendRequest, id string) {
	if id == "" {
		// The time keeps it apart from the failures of earlier runs,
		// restored from the draft; seq from this run's.
		c.seq++
		id = "local-" + strconv.FormatInt(c.now().UnixNano(), 36) + "-" + strconv.Itoa(c.seq)
	}
	req.ID = id
	it := &outItem{id: id, req: req, at: c.now()}
	s := c.state(req.Ref)
	s.out = append(s.out, it)
	if req.Ref == c.ref {
		c.thread.outboxChanged(true)
	}
	if c.send != nil {
		c.send(req.Ref, it)
	}
}

// sendDone is a send's end: the message as stored, or why it failed,
// which then stays in the draft until retried or deleted.
func (c *replyCtl) sendDone(it *outItem, msg store.Message, err error) {
	ref := it.req.Ref
	s := c.state(ref)
	if err != nil {
		s.out = slices.DeleteFunc(s.out, func(o *outItem) bool { return o == it })
		s.failed = append(s.failed, FailedSend{ID: it.id, Request: it.req, Reason: err.Error(), At: it.at})
		s.dirty = true
		c.persist(ref, true)
	} else {
		it.msg = &msg
	}
	if ref == c.ref {
		c.thread.outboxChanged(false)
	}
}

// retry sends a failed reply again, as a human-agent reply if the
// merchant has chosen that since. It is not judged here: a send the
// window refuses fails again at once, with the reason.
func (c *replyCtl) retry(id string) {
	s := c.state(c.ref)
	i := slices.IndexFunc(s.failed, func(f FailedSend) bool { return f.ID == id })
	if i < 0 {
		return
	}
	req := s.failed[i].Request
	req.HumanAgent = req.HumanAgent || (c.gate.offerHumanAgent && s.humanAgent)
	s.failed = slices.Delete(s.failed, i, i+1)
	s.dirty = true
	c.persist(c.ref, true)
	c.start(req, id)
}

// remove deletes a failed reply for good.
func (c *replyCtl) remove(id string) {
	s := c.state(c.ref)
	s.failed = slices.DeleteFunc(s.failed, func(f FailedSend) bool { return f.ID == id })
	s.dirty = true
	c.persist(c.ref, true)
	c.thread.outboxChanged(false)
}
