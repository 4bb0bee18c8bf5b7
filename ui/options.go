package ui

import (
	"log/slog"

	"fyne.io/fyne/v2"
	"github.com/jonboulle/clockwork"
)

// Options configures the desktop app. Inbox, Actions and Events are
// required.
type Options struct {
	Inbox   Inbox
	Actions Actions
	// Events is read until it is closed or Run returns. A subscriber
	// that falls behind should get a Resync rather than block the engine.
	Events <-chan Event

	// Images, when set, fetches the pictures of attachments, which a
	// thread then shows as thumbnails; nil shows them as links only.
	Images Images

	// Setup, when set, lets the window set the app up: the setup screen
	// (instead of the welcome text on a first run), connections and
	// settings. Checks validate its fields before anything is saved.
	Setup  Setup
	Checks Checks
	// Version is the app's version, shown in About and the settings.
	Version string

	// Replies, when set, lets the merchant answer: the reply box under
	// the thread and the products panel beside it. Nil: the window only
	// reads, and says so where the reply box would be.
	Replies Replies
	// OnConnectShop, when set, is the products panel's "Connect
	// Shopify…" (called on the UI goroutine; it must not block). Nil:
	// with Setup, it opens the Connections screen, which asks for the
	// shop's name; without, the panel gives the command instead.
	OnConnectShop func()

	// Icon is the window's and the tray's icon.
	Icon fyne.Resource
	// HasTray says that a tray host is present (on Linux, a
	// StatusNotifierWatcher on the session bus). Without one, closing
	// the window quits: the app must never run with no way in.
	HasTray bool
	// StartHidden starts in the tray only. Ignored without a tray.
	StartHidden bool
	// TitleSuffix follows "Merchant Inbox" in the window title, e.g.
	// " — Demo".
	TitleSuffix string
	// OnQuit, when set, is called (on the UI goroutine; it must not
	// block) when the merchant quits, from the tray or by closing the
	// window where there is no tray, before Fyne is asked to stop. The
	// caller can then stop what it runs beside the window without
	// waiting for Fyne's own shutdown.
	OnQuit func()

	// Clock is the time source; nil is the real clock. Tests pass a fake.
	Clock  clockwork.Clock
	Logger *slog.Logger // nil: slog.Default()
}
