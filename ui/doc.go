// Package ui is the desktop face of Merchant Inbox: the tray menu, the
// conversation window and desktop notifications, in Fyne.
//
// It owns no data. Everything it shows is read through the small
// interfaces in this package (Inbox, Actions and a channel of Events),
// which app implements over the engine and the store; ui never talks HTTP
// or opens the database, so it can be tested in memory (see uitest)
// without a display.
//
// Threading: Fyne widgets are touched only on the UI goroutine. One event
// loop goroutine (loop.go) reads events and the Inbox and hands finished
// view models to the UI goroutine through fyne.Do; widget callbacks never
// read the Inbox themselves, they only record what the merchant wants and
// wake the loop.
package ui
