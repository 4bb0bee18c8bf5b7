//go:build linux || darwin

package ownersock

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
)

// guard lets through only connections from processes of the user this
// process runs as, by the kernel's word on the peer (peerUID), and closes
// the others before a byte is read. A private directory around the socket
// already keeps other users from reaching it; this holds even if the
// directory is made wider while the listener runs.
func guard(ln net.Listener, log *slog.Logger) net.Listener {
	return &peerListener{Listener: ln, uid: uint32(os.Getuid()), log: log}
}

type peerListener struct {
	net.Listener
	uid uint32
	log *slog.Logger
}

// Accept returns the next connection from the user's own processes; it
// refuses others without returning, since to http.Server an Accept error
// would mean the listener failed.
func (l *peerListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		err = checkPeer(c, l.uid)
		if err == nil {
			return c, nil
		}
		l.log.Warn("control socket: connection refused", "err", err)
		c.Close()
	}
}

// errOtherUser: the peer runs as another user.
var errOtherUser = errors.New("the peer runs as another user")

// checkPeer asks the kernel who is at the other end of c and compares it
// with self.
func checkPeer(c net.Conn, self uint32) error {
	uc, ok := c.(*net.UnixConn)
	if !ok {
		return fmt.Errorf("not a unix socket connection: %T", c)
	}
	uid, err := peerUID(uc)
	if err != nil {
		return fmt.Errorf("peer credentials: %w", err)
	}
	return samePeer(uid, self)
}

// samePeer allows only self: not even root, which has no need to go
// through the socket (it can read whatever the owner can) and whose
// requests would then be served as the owner's.
func samePeer(peer, self uint32) error {
	if peer != self {
		return fmt.Errorf("%w: uid %d, this process runs as uid %d", errOtherUser, peer, self)
	}
	return nil
}

// Guarded reports whether ln checks its peers, for tests of what a caller
// wired up.
func Guarded(ln net.Listener) bool {
	_, ok := ln.(*peerListener)
	return ok
}
