//go:build !unix && !windows

package autostart

import "errors"

// Enable, Disable and Enabled report that this system has no login items
// the package knows how to keep.
func (l Launcher) Enable() error          { return errors.ErrUnsupported }
func (l Launcher) Disable() error         { return errors.ErrUnsupported }
func (l Launcher) Enabled() (bool, error) { return false, errors.ErrUnsupported }
