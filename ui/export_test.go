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
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/jonboulle/clockwork"
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
	urls  []string // opened with openURL, guarded by notes
	stop  func()
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
	// OnQuit is the App's OnQuit.
	OnQuit func()
	// Images is the App's Images (nil: pictures show as links).
	Images Images
	// Setup, Checks and Version are the App's.
	Setup   Setup
	Checks  Checks
	Version string
	// NoReplies leaves Options.Replies nil although the backend could
	// reply; otherwise a backend that implements Replies is used, on the
	// harness clock when it has SetClock.
	NoReplies bool
	// OnConnectShop is the App's OnConnectShop.
	OnConnectShop func()
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
		OnQuit:      ho.OnQuit,
		Images:      ho.Images,
		Setup:       ho.Setup,
		Checks:      ho.Checks,
		Version:     ho.Version,

		OnConnectShop: ho.OnConnectShop,
	}
	if r, ok := b.(Replies); ok && !ho.NoReplies {
		o.Replies = r
		if c, ok := b.(interface{ SetClock(func() time.Time) }); ok {
			c.SetClock(h.Clock.Now)
		}
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
	h.App.stopFyne = func() { h.quits.Add(1) }
	h.App.openURL = h.recordURL
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
	h.stop = sync.OnceFunc(func() {
		cancel()
		h.App.wg.Wait()
	})
	h.T.Cleanup(h.stop)
	return h
}

// Stop ends the loop before the test does: Fyne measures text with
// shared state, so two apps must not run at once (a restart).
func (h *Harness) Stop() { h.stop() }

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

// ResizeWindow resizes the window (call inside UI).
func (h *Harness) ResizeWindow(w, ht float32) { h.App.win.Resize(fyne.NewSize(w, ht)) }

// NotesPending counts the messages waiting in the notifier.
func (h *Harness) NotesPending() int {
	h.App.notes.mu.Lock()
	defer h.App.notes.mu.Unlock()
	return h.App.notes.pending.count
}

// BarSync presses the status bar's Sync button (call inside UI).
func (h *Harness) BarSync() { test.Tap(h.App.view.bar.sync) }
