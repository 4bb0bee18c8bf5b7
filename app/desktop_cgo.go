//go:build cgo

package app

import (
	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
)

// newFyneApp starts Fyne's desktop driver, which needs cgo (OpenGL).
func newFyneApp() (fyne.App, error) { return fyneapp.NewWithID(appID), nil }
