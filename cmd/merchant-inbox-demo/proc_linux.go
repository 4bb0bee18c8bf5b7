package main

import "syscall"

// childAttr has the kernel end the app should this program die without
// stopping it (SIGKILL, a crash): the demo never leaves a window behind.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
