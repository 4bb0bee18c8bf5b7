package ownersock

import (
	"net"

	"golang.org/x/sys/unix"
)

// peerUID is the effective uid the kernel recorded for the peer of c when
// it connected (LOCAL_PEERCRED, what getpeereid(3) reads): it cannot be
// forged by the peer.
func peerUID(c *net.UnixConn) (uint32, error) {
	raw, err := c.SyscallConn()
	if err != nil {
		return 0, err
	}
	var cred *unix.Xucred
	var credErr error
	if err := raw.Control(func(fd uintptr) {
		cred, credErr = unix.GetsockoptXucred(int(fd), unix.SOL_LOCAL, unix.LOCAL_PEERCRED)
	}); err != nil {
		return 0, err
	}
	if credErr != nil {
		return 0, credErr
	}
	return cred.Uid, nil
}
