package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// The merchant's replies that the store does not hold yet, at the end of
// the thread: "Sending…" while a send runs, the message itself once sent
// (until the store's copy, with the same id, is read: it then takes the
// bubble's place, never a second one), and "Not sent: <reason>" with
// Retry and Delete when a send failed.

// sendState is where a reply the window sent stands.
type sendState int

const (
	sendStored  sendState = iota // in the store, or sent and waiting to be read from it
	sendSending                  // the send runs
	sendFailed                   // it failed; the draft keeps it
)

// outView is one such reply as the thread shows it.
type outView struct {
	key    string // the bubble's key: the message id once sent, else local
	local  string // the key it had while sending, whose bubble it takes over
	msg    store.Message
	state  sendState
	reason string // why it failed
	id     string // the failed send's id, for Retry and Delete
}

// outboxSource gives the thread the replies of ref not among the stored
// messages; it may forget those that are.
type outboxSource interface {
	outViews(ref ConversationRef, stored []store.Message) []outView
	retry(id string)
	remove(id string)
}

// outItems appends the outbox's replies to the column being built.
func (t *threadView) outItems(objs []fyne.CanvasObject, keep map[string]*bubble, prevDay string, now time.Time) []fyne.CanvasObject {
	notes := make(map[string]*failNote)
	defer func() { t.notes = notes }()
	if t.outbox == nil {
		return objs
	}
	loc := now.Location()
	for _, v := range t.outbox.outViews(t.ref, t.m.msgs) {
		if day := v.msg.CreatedAt.In(loc).Format(time.DateOnly); day != prevDay {
			objs = append(objs, newCaptionLine(daySeparator(v.msg.CreatedAt, now), fyne.TextAlignCenter, true))
			prevDay = day
		}
		b := t.bubbles[v.key]
		if b == nil && v.local != "" {
			b = t.bubbles[v.local]
		}
		if b == nil {
			b = newBubble(v.msg, loc)
		} else {
			b.setMessage(v.msg)
		}
		b.setSendState(v.state)
		t.showPictures(b)
		keep[v.key] = b
		objs = append(objs, b)
		if v.state == sendFailed {
			n := t.notes[v.key]
			if n == nil {
				id := v.id
				n = newFailNote(func() { t.outbox.retry(id) }, func() { t.outbox.remove(id) })
			}
			n.setReason(v.reason)
			notes[v.key] = n
			objs = append(objs, n)
		}
	}
	return objs
}

// outboxChanged shows the outbox as it now stands; toEnd scrolls to the
// end (the merchant just sent something).
func (t *threadView) outboxChanged(toEnd bool) {
	if t.ref.IsZero() {
		return
	}
	m := t.m
	m.change = threadUpdated
	t.set(m)
	if toEnd {
		t.scroll.ScrollToBottom()
	}
}

// atEnd reports whether the merchant is at the end of the thread.
func (t *threadView) atEnd() bool {
	return t.scroll.Offset.Y >= t.col.Size().Height-t.scroll.Size().Height-theme.Padding()*4
}

// setSendState marks a bubble as sending or failed: its time reads
// "Sending…" or "Not sent", and it is drawn fainter until it is sent.
func (b *bubble) setSendState(s sendState) {
	if b.state == s {
		return
	}
	b.state = s
	b.time.Text = b.timeWords()
	b.cacheW, b.natural = 0, 0
	b.applyTheme()
	b.Refresh()
}

func (b *bubble) timeWords() string {
	switch b.state {
	case sendSending:
		return "Sending…"
	case sendFailed:
		return "Not sent"
	}
	return clock(b.msg.CreatedAt.In(b.loc))
}

// applySendTheme colours what the send state changes.
func (b *bubble) applySendTheme(th fyne.Theme, v fyne.ThemeVariant) {
	switch b.state {
	case sendSending:
		b.bg.FillColor = th.Color(theme.ColorNameHover, v)
	case sendFailed:
		b.bg.FillColor = th.Color(theme.ColorNameInputBackground, v)
		b.bg.StrokeColor = th.Color(theme.ColorNameError, v)
		b.bg.StrokeWidth = 1
		b.time.Color = th.Color(theme.ColorNameError, v)
		return
	}
	b.bg.StrokeWidth = 0
}
