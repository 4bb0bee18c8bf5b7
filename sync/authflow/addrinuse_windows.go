package authflow

import (
	"errors"
	"syscall"
)

// wsaeaddrinuse is WSAEADDRINUSE: Winsock reports its own code, not the
// syscall.EADDRINUSE that the syscall package invents for Windows.
const wsaeaddrinuse syscall.Errno = 10048

func isAddrInUse(err error) bool {
	return errors.Is(err, wsaeaddrinuse) || errors.Is(err, syscall.EADDRINUSE)
}
