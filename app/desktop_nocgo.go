//go:build !cgo

package app

import (
	"errors"

	"fyne.io/fyne/v2"
)

// newFyneApp fails in a build without cgo: Fyne's desktop driver needs it
// (OpenGL). Such a build is the headless engine and its commands, which is
// what a server needs.
func newFyneApp() (fyne.App, error) {
	return nil, errors.New("this build of merchant-inbox has no window (it was built without cgo); run 'merchant-inbox serve' for the engine")
}
