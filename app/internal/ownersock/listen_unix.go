//go:build !windows

package ownersock

import (
	"net"
	"syscall"
)

// listen creates the socket owner-only from the start.
// bind(2) gives a new socket file the mode 0777 less the umask, and a
// chmod after it leaves a moment in which the socket is open to whoever
// the umask let in; with the umask at 077 for the call there is no such
// moment. The umask is the process's: for the microseconds it is set,
// a file another goroutine creates is made owner-only too, which is never
// wrong for this program.
func listen(path string) (net.Listener, error) {
	old := syscall.Umask(0o077)
	defer syscall.Umask(old)
	return net.Listen("unix", path)
}
