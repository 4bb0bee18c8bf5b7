package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// threadPage is how many messages a thread opens on, and how many more
// each scroll to the top brings.
const threadPage = 50

// threadChange says why a thread model was sent, which decides where the
// scroller goes.
type threadChange int

const (
	threadOpened  threadChange = iota // a conversation was opened: show its end
	threadUpdated                     // it changed: stay put (or at the end, if there)
	threadOlder                       // older messages were added above: keep the view still
)

// threadModel is one conversation's messages as the loop read them.
type threadModel struct {
	ref    ConversationRef
	conv   Conversation
	page   string // the page's name
	msgs   []store.Message
	older  bool // older messages exist
	change threadChange
	err    string
}

// threadView is the right pane: a header naming the customer and the
// page, and the messages in a scroller. Bubbles are kept by message id
// across updates, so a new message adds one bubble instead of
// re-wrapping the whole thread.
type threadView struct {
	root    *fyne.Container
	empty   *emptyState
	content *fyne.Container

	avatar *avatar
	name   *widget.Label
	sub    *widget.Label
	// Slots the reply work fills: buttons at the header's end, the reply
	// box under the messages, the products panel beside them.
	tools, bottom, side *fyne.Container

	col     *fyne.Container
	colLay  *columnLayout
	scroll  *container.Scroll
	top     *captionLine
	receipt *captionLine

	bubbles map[string]*bubble
	days    map[string]*captionLine
	notes   map[string]*failNote // under failed replies, by bubble key
	outbox  outboxSource         // replies not stored yet; nil: none
	m       threadModel
	ref     ConversationRef // the conversation shown, or being opened

	worded       string // the day the captions were worded on
	loadingOlder bool
	wantOlder    func() // asks the loop for older messages (must not block)
	now          func() time.Time
	images       *imageLoader // nil: pictures show as links only
}

func newThreadView(now func() time.Time) *threadView {
	t := &threadView{
		empty:   newEmptyState(),
		avatar:  newAvatar(36),
		name:    widget.NewLabel(""),
		sub:     widget.NewLabel(""),
		colLay:  &columnLayout{},
		top:     newCaptionLine("", fyne.TextAlignCenter, false),
		receipt: newCaptionLine("", fyne.TextAlignTrailing, false),
		bubbles: map[string]*bubble{},
		days:    map[string]*captionLine{},
		now:     now,
	}
	t.name.TextStyle.Bold = true
	t.name.Truncation = fyne.TextTruncateEllipsis
	t.sub.Truncation = fyne.TextTruncateEllipsis
	t.sub.SizeName = theme.SizeNameCaptionText
	t.col = container.New(t.colLay)
	t.scroll = container.NewVScroll(t.col)
	t.scroll.OnScrolled = t.scrolled

	names := container.New(&stackedText{}, t.name, t.sub)
	t.tools = container.NewHBox()
	t.bottom = container.NewStack()
	t.side = container.NewStack()
	header := container.NewBorder(nil, nil, container.NewCenter(t.avatar), container.NewCenter(t.tools), names)
	body := container.New(&widthTracker{col: t.colLay}, t.scroll)
	t.content = container.NewBorder(nil, nil, nil, t.side, container.NewBorder(
		container.NewVBox(container.NewPadded(header), widget.NewSeparator()),
		t.bottom, nil, nil, body))
	t.empty.show(theme.MailComposeIcon(), "No conversation selected",
		"Pick a conversation on the left to read it here.", "", "", nil)
	t.root = container.NewStack(t.empty.root, t.content)
	t.content.Hide()
	return t
}

// open shows ref at once, with what the list row knows, while the loop
// reads its messages.
func (t *threadView) open(row rowModel) {
	if row.ref == t.ref {
		return
	}
	t.ref = row.ref
	t.m = threadModel{ref: row.ref}
	t.setHeader(row.name, row.ref.PSID, row.page)
	t.bubbles = map[string]*bubble{}
	if t.images != nil {
		t.images.drop() // the last conversation's pictures are not wanted now
	}
	t.top.setText("")
	t.col.Objects = nil
	t.col.Refresh()
	t.loadingOlder = false
	t.empty.root.Hide()
	t.content.Show()
	// Lay the pane out now: it was hidden, and the messages that follow
	// are measured against its width.
	t.root.Refresh()
}

func (t *threadView) setHeader(name, key, page string) {
	t.avatar.set(name, key)
	t.name.SetText(name)
	sub := "Messenger"
	if page != "" {
		sub = page + " · Messenger"
	}
	t.sub.SetText(sub)
}

// set shows m if it is still the conversation the merchant has open.
func (t *threadView) set(m threadModel) {
	if m.ref != t.ref {
		return
	}
	oldOffset := t.scroll.Offset.Y
	wasAtBottom := oldOffset >= t.col.Size().Height-t.scroll.Size().Height-theme.Padding()*4
	var anchor fyne.CanvasObject
	var anchorY float32
	if m.change == threadOlder && len(t.m.msgs) > 0 {
		if b := t.bubbles[t.m.msgs[0].ID]; b != nil {
			anchor, anchorY = b, b.Position().Y
		}
	}

	t.m = m
	if m.change != threadUpdated { // an update may come while older ones load
		t.loadingOlder = false
	}
	name := displayName(m.conv.Conversation)
	t.setHeader(name, m.ref.PSID, m.page)
	t.col.Objects = t.items(m)
	t.relayout()

	switch {
	case m.change == threadOpened:
		t.scroll.ScrollToBottom()
	case anchor != nil:
		t.scroll.ScrollToOffset(fyne.NewPos(0, oldOffset+anchor.Position().Y-anchorY))
	case wasAtBottom:
		t.scroll.ScrollToBottom()
	}
	t.fillIfShort()
}

// relayout sizes the column for its new items now, not on the next frame,
// so that scroll offsets computed right after are right.
func (t *threadView) relayout() {
	size := t.colLay.MinSize(t.col.Objects)
	size.Width = t.colLay.width
	t.col.Resize(fyne.NewSize(size.Width, max(size.Height, t.scroll.Size().Height)))
	t.colLay.Layout(t.col.Objects, t.col.Size())
	t.scroll.Refresh()
}

// fillIfShort asks for older messages when the ones shown do not fill the
// pane: there is no scrolling to the top to ask for them then.
func (t *threadView) fillIfShort() {
	if t.m.older && !t.loadingOlder && t.scroll.Size().Height > 0 &&
		t.colLay.MinSize(t.col.Objects).Height <= t.scroll.Size().Height {
		t.askOlder()
	}
}

// scrolled asks for older messages when the merchant nears the top.
func (t *threadView) scrolled(p fyne.Position) {
	if p.Y <= theme.Padding()*10 && t.m.older && !t.loadingOlder && t.m.ref == t.ref && !t.ref.IsZero() {
		t.askOlder()
	}
}

func (t *threadView) askOlder() {
	t.loadingOlder = true
	t.top.setText("Loading earlier messages…")
	if t.wantOlder != nil {
		t.wantOlder()
	}
}

// items builds the column: a top line, then the messages with a caption
// at each change of day, and the delivery state after the merchant's
// last message.
func (t *threadView) items(m threadModel) []fyne.CanvasObject {
	now := t.now()
	loc := now.Location()
	t.worded = now.Format(time.DateOnly)
	objs := make([]fyne.CanvasObject, 0, len(m.msgs)+8)
	switch {
	case m.err != "":
		t.top.setText("Could not read this conversation: " + m.err)
	case m.older && t.loadingOlder:
		t.top.setText("Loading earlier messages…")
	case m.older:
		t.top.setText("Scroll up for earlier messages")
	case len(m.msgs) == 0:
		t.top.setText("No messages yet")
	default:
		t.top.setText("This is the start of your conversation with " + displayName(m.conv.Conversation))
	}
	objs = append(objs, t.top)

	lastOut := -1
	for i, msg := range m.msgs {
		if msg.Direction == store.Outgoing {
			lastOut = i
		}
	}
	keep := make(map[string]*bubble, len(m.msgs))
	days := make(map[string]*captionLine)
	var prevDay string
	for i, msg := range m.msgs {
		day := msg.CreatedAt.In(loc).Format("2006-01-02")
		if day != prevDay {
			sep := t.days[day]
			if sep == nil {
				sep = newCaptionLine("", fyne.TextAlignCenter, true)
			}
			sep.setText(daySeparator(msg.CreatedAt, now))
			days[day] = sep
			objs = append(objs, sep)
			prevDay = day
		}
		b := t.bubbles[msg.ID]
		if b == nil {
			b = newBubble(msg, loc)
		} else {
			b.setMessage(msg)
		}
		t.showPictures(b)
		keep[msg.ID] = b
		objs = append(objs, b)
		if i == lastOut {
			t.receipt.setText(receiptWords(msg, m.conv.Conversation, now))
			objs = append(objs, t.receipt)
		}
	}
	objs = t.outItems(objs, keep, prevDay, now)
	t.bubbles, t.days = keep, days
	return objs
}

// retime re-words the day separators and the receipt when the day
// changed since they were worded ("Today" becomes "Yesterday").
func (t *threadView) retime() {
	if t.ref.IsZero() || len(t.m.msgs) == 0 || t.now().Format(time.DateOnly) == t.worded {
		return
	}
	m := t.m
	m.change = threadUpdated
	t.set(m)
}
