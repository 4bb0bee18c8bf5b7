package ui

import (
	"context"
	"log/slog"
	"net/url"
	"sync"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
	"github.com/jonboulle/clockwork"
)

// App is the desktop app: one window, the tray menu, notifications.
type App struct {
	fa    fyne.App
	o     Options
	clock clockwork.Clock
	log   *slog.Logger

	// Seams for tests; New sets the real ones.
	do       func(func())             // runs on the UI goroutine (fyne.Do)
	notify   func(*fyne.Notification) // raises a desktop notification
	stopFyne func()                   // ends Fyne's loop (fyne.App.Quit)
	openURL  func(*url.URL) error     // the browser, the file manager

	win       fyne.Window
	view      *mainView
	tray      *fyne.Menu // nil without a tray
	trayShown []trayItem

	wants  wants
	kick   chan struct{}
	loop   *loop
	notes  *notifier
	images *imageLoader // nil without Options.Images
	su     setupState   // the setup screens' state (setupwire.go)

	reply    *replyCtl      // nil without Options.Replies
	products *productsPanel // nil without Options.Replies
	// productsToggle shows and hides the products panel.
	productsToggle *widget.Button

	ctx        context.Context // ends when the app does (start sets it)
	visible    atomic.Bool     // the window is shown
	foreground atomic.Bool     // the app has the focus
	applied    atomic.Int64    // batches of view updates applied (tests wait on it)
	wg         sync.WaitGroup
}

// New builds the window and, when there is a tray host, the tray menu. It
// must run on the main goroutine before Run: Fyne exports the tray only
// if its menu is set before the app runs. It sets the app's icon and its
// lifecycle's foreground hooks (to tell whether the merchant is looking),
// so the caller should not set those.
func New(fa fyne.App, o Options) *App {
	a := &App{
		fa:       fa,
		o:        o,
		clock:    o.Clock,
		log:      o.Logger,
		do:       fyne.Do,
		notify:   fa.SendNotification,
		stopFyne: fa.Quit,
		openURL:  fa.OpenURL,
		kick:     make(chan struct{}, 1),
		ctx:      context.Background(),
	}
	if a.clock == nil {
		a.clock = clockwork.NewRealClock()
	}
	if a.log == nil {
		a.log = slog.Default()
	}
	a.view = newMainView(a.clock.Now, a.syncNow)
	a.wireReplies(fa)
	a.wire()

	if o.Icon != nil {
		fa.SetIcon(o.Icon) // notifications show it
	}
	a.win = fa.NewWindow("Merchant Inbox" + o.TitleSuffix)
	if o.Icon != nil {
		a.win.SetIcon(o.Icon)
	}
	a.win.SetContent(a.view.root)
	a.win.Resize(fyne.NewSize(windowWidth, windowHeight))
	a.win.SetCloseIntercept(a.closeRequested)
	a.win.Canvas().AddShortcut(searchShortcut, func(fyne.Shortcut) {
		a.win.Canvas().Focus(a.view.search.entry)
	})

	if dt, ok := fa.(desktop.App); ok && o.HasTray {
		if o.Icon != nil {
			dt.SetSystemTrayIcon(o.Icon)
		}
		a.tray = fyne.NewMenu("Merchant Inbox")
		a.trayShown = trayStarting()
		a.tray.Items = trayMenuItems(a.trayShown, a.trayAction)
		dt.SetSystemTrayMenu(a.tray)
	}

	lc := fa.Lifecycle()
	lc.SetOnEnteredForeground(func() { a.foreground.Store(true) })
	lc.SetOnExitedForeground(func() { a.foreground.Store(false) })

	a.loop = newLoop(a)
	if o.Images != nil {
		a.images = newImageLoader(o.Images, func(f func()) { a.do(f) }, a.clock.Now, a.log)
		a.images.ready = a.pictureReady
		a.view.thread.images = a.images
		if a.products != nil {
			a.products.images = a.images
		}
	}
	a.notes = newNotifier(o.Inbox, o.Actions, a.clock, func(n *fyne.Notification) { a.notify(n) }, a.active, a.log)

	if !o.StartHidden || a.tray == nil {
		a.showWindow()
	}
	return a
}

// wire connects the widgets' callbacks to what the merchant wants.
func (a *App) wire() {
	v := a.view
	// A new search or filter starts at the top: rows asked for by
	// scrolling the old list are not wanted of the new one.
	v.search.onQuery = func(q string) {
		a.want(func(w *wants) { w.query, w.queryAt, w.rows = q, a.clock.Now(), 0 })
	}
	v.search.onFilter = func(pageID string) {
		a.want(func(w *wants) {
			if w.pageID != pageID {
				w.pageID, w.rows = pageID, 0
			}
		})
	}
	v.list.wantMore = func(n int) {
		a.want(func(w *wants) { w.rows = max(w.rows, n+listPage) })
	}
	v.list.onSelect = func(r rowModel) {
		v.thread.open(r)
		if a.reply != nil {
			a.reply.open(r.ref)
		}
		a.want(func(w *wants) { w.selected = r.ref })
	}
	v.thread.wantOlder = func() {
		a.want(func(w *wants) { w.older++ })
	}
	a.wireSetup()
}

// searchShortcut (Ctrl+F, ⌘F on macOS) puts the cursor in the search box,
// as in every mail client.
var searchShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}

// Run shows the app until the merchant quits or ctx ends. It must be
// called on the main goroutine (Fyne's rule) and returns after the event
// loop has stopped.
func (a *App) Run(ctx context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	defer func() {
		cancel()
		a.wg.Wait()
	}()
	a.start(ctx)
	stop := context.AfterFunc(ctx, func() { a.do(a.quit) })
	defer stop()
	a.fa.Run()
}

// start runs the event loop and the notifier until ctx ends.
func (a *App) start(ctx context.Context) {
	a.ctx = ctx
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		a.loop.run(ctx)
	}()
	if a.images != nil {
		for range imageWorkers {
			a.wg.Go(func() { a.images.run(ctx) })
		}
	}
	go a.notes.run(ctx) // not waited for: a notification call may hang on D-Bus
}

// ShowWindow brings the window forward. It is safe from any goroutine: a
// second launch of the app asks for it through the control socket.
func (a *App) ShowWindow() { a.do(a.showWindow) }

func (a *App) showWindow() {
	a.visible.Store(true)
	a.foreground.Store(true)
	a.win.Show()
	a.win.RequestFocus()
	a.poke() // rows marked unread while hidden may be read now
}

// closeRequested is the window's close button: to the tray when there is
// one, otherwise the end of the app.
func (a *App) closeRequested() {
	if a.tray == nil {
		a.quit()
		return
	}
	a.visible.Store(false)
	a.foreground.Store(false)
	a.win.Hide()
}

// active reports whether the merchant is looking at the window, which
// decides whether a new message notifies and whether opening it counts
// as read.
func (a *App) active() bool { return a.visible.Load() && a.foreground.Load() }

// syncNow is the Sync buttons' action. It runs on the UI goroutine, so
// the engine call goes to a goroutine of its own; a click on a disabled
// item (D-Bus delivers those) is judged against the current status.
func (a *App) syncNow() {
	if !canSync(a.view.status) {
		return
	}
	go func() {
		if err := a.o.Actions.SyncNow(a.ctx); err != nil {
			a.log.Warn("sync now", "err", err)
		}
	}()
}

// setTray rebuilds the tray menu from s if it reads differently from the
// one shown: each refresh re-exports the whole menu over D-Bus.
func (a *App) setTray(s Status) {
	if a.tray == nil {
		return
	}
	model := trayModel(s, a.clock.Now())
	if sameTray(model, a.trayShown) {
		return
	}
	a.trayShown = model
	a.tray.Items = trayMenuItems(model, a.trayAction)
	a.tray.Refresh()
}

func (a *App) trayAction(act trayAction) {
	switch act {
	case trayOpen:
		a.showWindow()
	case traySync:
		a.syncNow()
	case trayQuit:
		a.quit()
	case traySettings:
		a.showWindow()
		a.showScreen(screenSettings)
	case trayAbout:
		a.showWindow()
		a.showAbout()
	case traySignIn:
		a.showWindow()
		a.fix(fixSignIn)
	}
}

// quit ends the app: the caller hears of it first (OnQuit), then Fyne is
// asked to stop.
func (a *App) quit() {
	if a.o.OnQuit != nil {
		a.o.OnQuit()
	}
	a.stopFyne()
}
