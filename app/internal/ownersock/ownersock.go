// Package ownersock opens a unix socket that only its owner's processes can
// use: created owner-only (no moment in which the umask lets others in),
// then 0600, and, where the kernel says who is at the other end (Linux,
// macOS), every connection from another user closed before a byte is read.
// The engine's control socket, through which the other merchant-inbox
// commands reach a running app, is one.
package ownersock

import (
	"log/slog"
	"net"
	"os"
)

// Listen removes a stale socket at path, and listens there for the
// owner's processes only. Refused connections are logged on log.
func Listen(path string, log *slog.Logger) (net.Listener, error) {
	_ = os.Remove(path)
	ln, err := listen(path)
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, err
	}
	return guard(ln, log), nil
}
