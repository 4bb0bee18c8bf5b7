package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// Default geometry: a mail client's proportions on a laptop screen.
const (
	windowWidth  = 1100
	windowHeight = 720
	listWidth    = 340
)

// connectCommand is how a page is connected until the window can do it.
const connectCommand = "merchant-inbox connect facebook"

// mainView is the window's content. It is touched only on the UI
// goroutine; the loop reaches it through App.do.
type mainView struct {
	root     *fyne.Container
	welcome  *emptyState // no page connected
	split    *container.Split
	inbox    *fyne.Container // the split, keeping the list's width
	search   *searchBar
	list     *convList
	listNote *emptyState // no conversations, no hits, read errors
	thread   *threadView
	bar      *statusBar
	attn     *attentionBar
	stack    *fyne.Container
	menu     *widget.Button // Connections, Settings, About

	// The setup and settings screens (setupwire.go); nil without a Setup.
	setup    *setupView
	settings *settingsView
	screen   screen
	shown    screen
	onScreen func(screen) // a screen came into view
	onFix    func(fixAction)

	pages   []store.Page
	status  Status
	loaded  bool // pages have been read at least once
	hasList bool // the list model has arrived
	now     func() time.Time
	onSync  func()
	// regate re-decides what the reply box allows (sign-in, the window's
	// countdown); nil without replies.
	regate func()
}

func newMainView(now func() time.Time, onSync func()) *mainView {
	v := &mainView{
		onScreen: func(screen) {},
		onFix:    func(fixAction) {},
		welcome:  newEmptyState(),
		search:   newSearchBar(),
		list:     newConvList(now),
		listNote: newEmptyState(),
		thread:   newThreadView(now),
		bar:      newStatusBar(onSync),
		now:      now,
		onSync:   onSync,
	}
	v.attn = newAttentionBar(func(f fixAction) { v.onFix(f) })
	v.attn.can = func(f fixAction) bool { return f == fixRetrySync || v.setup != nil }
	v.menu = widget.NewButtonWithIcon("", theme.MenuIcon(), nil)
	v.menu.Importance = widget.LowImportance
	v.menu.Hide()
	left := container.NewBorder(
		container.NewPadded(container.NewBorder(nil, nil, nil, v.menu, v.search.root)), nil, nil, nil,
		container.NewStack(v.list.w, v.listNote.root))
	v.split = container.NewHSplit(left, v.thread.root)
	v.split.Offset = float64(listWidth) / windowWidth
	inbox := container.NewBorder(v.attn.root, nil, nil, nil, container.New(&listWidthKeeper{split: v.split}, v.split))
	v.welcome.show(theme.MailComposeIcon(),
		"Connect a Facebook page to see your conversations here",
		"Merchant Inbox shows the Messenger conversations of your Facebook pages. "+
			"Until the window can do it, connect a page from a terminal:",
		connectCommand, "", nil)
	v.listNote.root.Hide()
	v.inbox = inbox
	v.inbox.Hide()
	v.welcome.root.Hide()
	v.stack = container.NewStack(v.welcome.root, v.inbox)
	v.root = container.NewBorder(nil, v.bar.root, nil, nil, v.stack)
	return v
}

// setPages shows the pages the loop read.
func (v *mainView) setPages(pages []store.Page) {
	v.pages = pages
	v.loaded = true
	v.search.setPages(pages)
	v.arrange()
	if v.regate != nil {
		v.regate()
	}
}

// setStatus shows the status in the bar (the tray is the App's).
func (v *mainView) setStatus(s Status) {
	v.status = s
	v.bar.set(s, v.now())
	if v.attn.set(s) {
		v.inbox.Refresh()
	}
	v.arrange()
	if v.regate != nil {
		v.regate()
	}
}

// setList shows a list model, and the note that explains an empty one.
func (v *mainView) setList(m listModel) {
	v.hasList = true
	v.list.set(m)
	v.arrange()
}

// arrange picks between the welcome screen and the inbox, and words the
// list's empty state.
func (v *mainView) arrange() {
	if !v.loaded {
		return
	}
	if v.arrangeScreens() {
		return
	}
	if len(v.pages) == 0 {
		v.inbox.Hide()
		v.welcome.root.Show()
		return
	}
	v.welcome.root.Hide()
	if !v.inbox.Visible() {
		v.inbox.Show()
		v.inbox.Refresh() // lay it out: it was hidden
	}

	m := v.list.m
	if !v.hasList || len(m.rows) > 0 {
		v.listNote.root.Hide()
		return
	}
	switch {
	case m.err != "":
		v.listNote.show(theme.ErrorIcon(), "Could not read your conversations", m.err, "", "", nil)
	case m.query != "":
		v.listNote.show(theme.SearchIcon(), "No conversations match “"+m.query+"”",
			"Search looks at customer names and the words of every message.", "", "", nil)
	case m.pageID != "":
		v.listNote.show(theme.MailComposeIcon(), "No conversations on "+v.pageName(m.pageID)+" yet",
			"They appear here as soon as a customer writes to this page.", "", "", nil)
	case v.status.Sync.Running:
		v.listNote.show(theme.ViewRefreshIcon(), "Syncing your conversations…",
			"They appear here as each page is read.", "", "", nil)
	default:
		v.listNote.show(theme.MailComposeIcon(), "No conversations yet",
			"Conversations appear here after the first sync, and as soon as a customer writes.",
			"", "Sync now", v.onSync)
	}
	v.listNote.root.Show()
}

func (v *mainView) pageName(id string) string {
	for _, p := range v.pages {
		if p.ID == id {
			return pageLabel(p)
		}
	}
	return "this page"
}

// tick refreshes what is worded relative to now: the list's times, the
// status line's "synced 10:42", the thread's "Today".
func (v *mainView) tick() {
	v.list.w.Refresh()
	v.bar.set(v.status, v.now())
	v.thread.retime()
	if v.regate != nil {
		v.regate()
	}
}
