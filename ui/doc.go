// Package ui will hold the Fyne tray menu and window. It talks to the
// engine only through small interfaces that app provides, never to HTTP or
// bbolt directly. The desktop UI is a later piece of work: today the
// engine runs headless through the CLI (see app).
package ui
