package ui

// The widget tests live in package ui_test, so that they can use uitest
// (which imports ui). This file, compiled only with the tests, gives them
// a harness that reaches inside.

import (
	"context"
	"image/png"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/jonboulle/clockwork"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// TestNow is the harness clock's start: a Thursday afternoon in a zone
// with an offset, so that formatting in UTC by mistake shows.
var TestNow = testNow

// Backend is what the harness needs of a fake: uitest.Fake.
type Backend interface {
	Inbox
	Actions
	Events() <-chan Event
}

// Harness runs an App on the test driver against a Backend.
//
// The test driver runs fyne.Do on the calling goroutine, so the loop's
// updates would race the test's looks at the widgets. The harness makes
// a lock stand in for the UI goroutine: the loop's updates run under it,
// and so does every look the test takes (UI).
type Harness struct {
	T     *testing.T
	Clock *clockwork.FakeClock
	App   *App
	tray  *trayApp

	mu    sync.Mutex // the UI goroutine
	notes sync.Mutex // guards noted
	noted []*fyne.Notification
	quits atomic.Int32
}

// HarnessOptions picks the App's options for a test.
type HarnessOptions struct {
	Tray, StartHidden bool
	NoEvents          bool
	// Pauses keeps the real throttle and search debounce; without it the
	// loop refreshes on every event and searches on every keystroke.
	Pauses bool
	// Theme replaces the test theme (for screenshots).
	Theme fyne.Theme
}

// trayApp gives the test app the desktop extension and records the menu.
type trayApp struct {
	fyne.App
	menu *fyne.Menu
}

func (t *trayApp) SetSystemTrayMenu(m *fyne.Menu)  { t.menu = m }
func (t *trayApp) SetSystemTrayIcon(fyne.Resource) {}
func (t *trayApp) SetSystemTrayWindow(fyne.Window) {}

// NewHarness builds an App over b (not started: see Start).
func NewHarness(t *testing.T, b Backend, ho HarnessOptions) *Harness {
	t.Helper()
	h := &Harness{T: t, Clock: clockwork.NewFakeClockAt(testNow)}
	var fa fyne.App = test.NewTempApp(t)
	if ho.Theme != nil {
		fa.Settings().SetTheme(ho.Theme)
	}
	o := Options{
		Inbox: b, Actions: b, Events: b.Events(),
		Clock:       h.Clock,
		Logger:      slog.New(slog.NewTextHandler(io.Discard, nil)),
		HasTray:     ho.Tray,
		StartHidden: ho.StartHidden,
	}
	if ho.NoEvents {
		o.Events = nil
	}
	if ho.Tray {
		h.tray = &trayApp{App: fa}
		fa = h.tray
	}
	h.App = New(fa, o)
	h.App.do = h.UI
	h.App.notify = func(n *fyne.Notification) {
		h.notes.Lock()
		defer h.notes.Unlock()
		h.noted = append(h.noted, n)
	}
	h.App.quit = func() { h.quits.Add(1) }
	if !ho.Pauses {
		h.App.loop.throttle, h.App.loop.debounce = 0, 0
	}
	h.App.win.Resize(fyne.NewSize(windowWidth, windowHeight))
	return h
}

// Start runs the loop and the notifier until the test ends.
func (h *Harness) Start() *Harness {
	ctx, cancel := context.WithCancel(context.Background())
	h.App.start(ctx)
	h.T.Cleanup(func() {
		cancel()
		h.App.wg.Wait()
	})
	return h
}

// UI runs f as the UI goroutine would: alone with the widgets.
func (h *Harness) UI(f func()) {
	h.mu.Lock()
	defer h.mu.Unlock()
	f()
}

// Eventually waits until cond, run on the "UI goroutine", holds. The
// deadline is generous: a loaded machine is slow, not wrong.
func (h *Harness) Eventually(what string, cond func() bool) {
	h.T.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var ok bool
		h.UI(func() { ok = cond() })
		if ok {
			return
		}
		if time.Now().After(deadline) {
			h.T.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// Loaded waits for the first pages and list to be shown.
func (h *Harness) Loaded() *Harness {
	h.T.Helper()
	h.Eventually("the first list", func() bool { return h.App.view.hasList && h.App.view.loaded })
	return h
}

// Applied counts the batches of updates the loop has applied.
func (h *Harness) Applied() int64 { return h.App.applied.Load() }

// Notes returns the notifications sent so far.
func (h *Harness) Notes() []*fyne.Notification {
	h.notes.Lock()
	defer h.notes.Unlock()
	return append([]*fyne.Notification(nil), h.noted...)
}

// Quits counts the calls to quit the app.
func (h *Harness) Quits() int { return int(h.quits.Load()) }

// Row is a list row as painted.
type Row struct {
	Name, Page, Snippet, When string
	Unread                    int
	Selected, Bold            bool
}

// Rows returns the rows the list holds, painted as of the harness clock:
// the same words the row widget shows (call inside UI).
func (h *Harness) Rows() []Row {
	l := h.App.view.list
	var rows []Row
	for _, m := range l.m.rows {
		sel := m.ref == l.selected
		unread := m.unread
		if sel {
			unread = 0
		}
		rows = append(rows, Row{Name: m.name, Page: m.page, Snippet: m.snippet,
			When: listTime(m.at, h.Clock.Now()), Unread: unread, Selected: sel, Bold: unread > 0})
	}
	return rows
}

// PaintedRows returns what the list's visible row widgets show (call
// inside UI).
func (h *Harness) PaintedRows() []Row {
	var rows []Row
	var ys []float32
	list := h.App.view.list.w
	top, bottom := list.GetScrollOffset(), list.GetScrollOffset()+list.Size().Height
	for _, o := range test.LaidOutObjects(list) {
		r, ok := o.(*convRow)
		if !ok || !r.Visible() || r.m.key == "" {
			continue
		}
		// The row sits in a list item inside the scrolled content.
		y := fyne.CurrentApp().Driver().AbsolutePositionForObject(r).Y - fyne.CurrentApp().Driver().AbsolutePositionForObject(list).Y + top
		if y+r.Size().Height <= top || y >= bottom {
			continue
		}
		i := sort.Search(len(ys), func(i int) bool { return ys[i] > y })
		ys = slices.Insert(ys, i, y)
		rows = slices.Insert(rows, i, Row{Name: r.m.name, Page: r.m.page, Snippet: r.m.snippet, When: r.when,
			Unread: r.m.unread, Selected: r.selected, Bold: r.m.unread > 0})
	}
	return rows
}

// TapRow picks the i-th row as a click would (call inside UI).
func (h *Harness) TapRow(i int) { h.App.view.list.w.Select(i) }

// ScrollListTo scrolls the list to row i (call inside UI).
func (h *Harness) ScrollListTo(i int) { h.App.view.list.w.ScrollTo(i) }

// ListOffset is the list's scroll offset (call inside UI).
func (h *Harness) ListOffset() float32 { return h.App.view.list.w.GetScrollOffset() }

// ListMore reports whether the list knows of rows past the loaded ones.
func (h *Harness) ListMore() bool { return h.App.view.list.m.more }

// Search types text into the search box (call inside UI).
func (h *Harness) Search(text string) { h.App.view.search.entry.SetText(text) }

// SearchText is what the search box holds (call inside UI).
func (h *Harness) SearchText() string { return h.App.view.search.entry.Text }

// TypeSearch types into the focused search box key by key (call inside UI).
func (h *Harness) TypeSearch(text string) { test.Type(h.App.view.search.entry, text) }

// FilterOptions are the page filter's choices, and whether it is shown.
func (h *Harness) FilterOptions() ([]string, bool) {
	f := h.App.view.search.filter
	return append([]string(nil), f.Options...), f.Visible()
}

// Filter picks a page filter choice by its label (call inside UI).
func (h *Harness) Filter(label string) { h.App.view.search.filter.SetSelected(label) }

// ListNote is the list's empty-state title, "" when hidden (call inside UI).
func (h *Harness) ListNote() string {
	if !h.App.view.listNote.root.Visible() {
		return ""
	}
	return h.App.view.listNote.title.Text
}

// Welcome is the welcome screen's title and command, "" when hidden.
func (h *Harness) Welcome() (title, command string) {
	w := h.App.view.welcome
	if !w.root.Visible() {
		return "", ""
	}
	return w.title.Text, w.code.Text
}

// ThreadNote is the thread pane's empty-state title, "" when hidden.
func (h *Harness) ThreadNote() string {
	if !h.App.view.thread.empty.root.Visible() {
		return ""
	}
	return h.App.view.thread.empty.title.Text
}

// ThreadMessages returns the ids of the messages the thread shows.
func (h *Harness) ThreadMessages() []string {
	var ids []string
	for _, m := range h.App.view.thread.m.msgs {
		ids = append(ids, m.ID)
	}
	return ids
}

// ThreadText returns the thread's column as text, one item a line: day
// separators and captions as they read, bubbles as "< text" (incoming)
// or "> text" (outgoing) with their time and extras.
func (h *Harness) ThreadText() string {
	var b strings.Builder
	for _, o := range h.App.view.thread.col.Objects {
		switch o := o.(type) {
		case *captionLine:
			b.WriteString("-- " + o.text.Text + "\n")
		case *bubble:
			side := "< "
			if o.outgoing() {
				side = "> "
			}
			var parts []string
			if o.text != nil {
				parts = append(parts, o.text.Text)
			}
			if o.postback != nil {
				parts = append(parts, o.postback.Text)
			}
			for _, f := range o.files {
				parts = append(parts, "["+linkText(f.link)+"]")
			}
			parts = append(parts, o.time.Text)
			if o.reaction != nil {
				parts = append(parts, o.reaction.Text)
			}
			b.WriteString(side + strings.Join(parts, " | ") + "\n")
		}
	}
	return b.String()
}

// ThreadHeader is the name and subtitle over the thread.
func (h *Harness) ThreadHeader() (string, string) {
	t := h.App.view.thread
	return t.name.Text, t.sub.Text
}

// ThreadOffset is the thread scroller's offset, and the column's and the
// viewport's heights.
func (h *Harness) ThreadOffset() (offset, content, view float32) {
	t := h.App.view.thread
	return t.scroll.Offset.Y, t.col.Size().Height, t.scroll.Size().Height
}

// ScrollThreadTo scrolls the thread as the merchant would (call inside UI).
func (h *Harness) ScrollThreadTo(y float32) {
	t := h.App.view.thread
	t.scroll.ScrollToOffset(fyne.NewPos(0, y))
	t.scrolled(t.scroll.Offset)
}

// ThreadMessageY is where message id sits in the column, -1 if not shown.
func (h *Harness) ThreadMessageY(id string) float32 {
	if b := h.App.view.thread.bubbles[id]; b != nil {
		return b.Position().Y
	}
	return -1
}

// StatusText is the status bar's sentence.
func (h *Harness) StatusText() string { return h.App.view.bar.text.Text }

// TrayText is the tray menu as text (disabled items in parentheses),
// "" without a tray.
func (h *Harness) TrayText() string {
	if h.tray == nil || h.tray.menu == nil {
		return ""
	}
	var b strings.Builder
	for _, it := range h.tray.menu.Items {
		switch {
		case it.IsSeparator:
			b.WriteString("---")
		case it.Disabled:
			b.WriteString("(" + it.Label + ")")
		default:
			b.WriteString(it.Label)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// TrayClick runs the tray item labelled label as a click over D-Bus
// would, disabled or not (call inside UI).
func (h *Harness) TrayClick(label string) bool {
	for _, it := range h.tray.menu.Items {
		if it.Label == label && it.Action != nil {
			it.Action()
			return true
		}
	}
	return false
}

// CloseWindow presses the window's close button (call inside UI).
func (h *Harness) CloseWindow() { h.App.closeRequested() }

// Visible reports whether the window is shown.
func (h *Harness) Visible() bool { return h.App.visible.Load() }

// SetForeground plays the app gaining or losing the focus.
func (h *Harness) SetForeground(on bool) {
	lc := h.App.fa.Lifecycle().(interface {
		OnEnteredForeground() func()
		OnExitedForeground() func()
	})
	if on {
		lc.OnEnteredForeground()()
	} else {
		lc.OnExitedForeground()()
	}
}

// SetNotifyPauses sets the notifier's gather and gap.
func (h *Harness) SetNotifyPauses(gather, gap time.Duration) {
	h.App.notes.gather, h.App.notes.gap = gather, gap
}

// Screenshot writes the window to $UI_SCREENSHOTS/name.png when that
// variable names a folder, for a person to look at; tests never compare
// the pixels.
func (h *Harness) Screenshot(name string) {
	dir := os.Getenv("UI_SCREENSHOTS")
	if dir == "" {
		return
	}
	h.UI(func() {
		img := h.App.win.Canvas().Capture()
		f, err := os.Create(filepath.Join(dir, name+".png"))
		if err != nil {
			h.T.Error(err)
			return
		}
		defer f.Close()
		if err := png.Encode(f, img); err != nil {
			h.T.Error(err)
		}
	})
}

func linkText(o fyne.CanvasObject) string {
	switch l := o.(type) {
	case *widget.Hyperlink:
		return l.Text
	case *widget.Label:
		return l.Text
	}
	return ""
}

// MessageSummary exposes the one-line wording of a message.
func MessageSummary(m store.Message) string { return messageSummary(m) }

// RowGeometry is where a painted row put its parts.
type RowGeometry struct {
	Height, Width           float32
	NameRight, WhenLeft     float32
	SnippetRight, BadgeLeft float32
	NameTruncated, HasBadge bool
}

// RowGeometries measures the visible rows (call inside UI).
func (h *Harness) RowGeometries() []RowGeometry {
	var out []RowGeometry
	for _, o := range test.LaidOutObjects(h.App.view.list.w) {
		r, ok := o.(*convRow)
		if !ok || !r.Visible() || r.m.key == "" {
			continue
		}
		rr := test.WidgetRenderer(r).(*rowRenderer)
		inner := r.Theme().Size("innerPadding")
		g := RowGeometry{
			Height: r.Size().Height, Width: r.Size().Width,
			NameRight:    rr.name.Position().X + rr.name.Size().Width - inner,
			WhenLeft:     rr.when.Position().X,
			SnippetRight: rr.snippet.Position().X + rr.snippet.Size().Width - inner,
			BadgeLeft:    rr.badge.Position().X,
			HasBadge:     rr.badge.Visible(),
		}
		g.NameTruncated = fyne.MeasureText(r.m.name, r.Theme().Size("text"), rr.name.TextStyle).Width > rr.name.Size().Width-2*inner
		out = append(out, g)
	}
	return out
}

// BubbleGeometry is a bubble's width, the thread's width, and its
// height.
func (h *Harness) BubbleGeometry(id string) (bubbleWidth, threadWidth, height float32) {
	b := h.App.view.thread.bubbles[id]
	if b == nil {
		return -1, -1, -1
	}
	return b.bg.Size().Width, b.Size().Width, b.Size().Height
}

// ResizeWindow resizes the window (call inside UI).
func (h *Harness) ResizeWindow(w, ht float32) { h.App.win.Resize(fyne.NewSize(w, ht)) }

// NotesPending counts the messages waiting in the notifier.
func (h *Harness) NotesPending() int {
	h.App.notes.mu.Lock()
	defer h.App.notes.mu.Unlock()
	return len(h.App.notes.pending)
}

// BarSync presses the status bar's Sync button (call inside UI).
func (h *Harness) BarSync() { test.Tap(h.App.view.bar.sync) }
