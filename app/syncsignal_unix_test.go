//go:build !windows

package app

import (
	"syscall"
	"testing"
	"time"
)

// TestSyncNowSignal: SIGUSR1 sent to the process arrives on the channel
// while it is relayed, and no longer kills the process.
func TestSyncNowSignal(t *testing.T) {
	c, stop := syncNowSignal()
	defer stop()
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	select {
	case sig := <-c:
		if sig != syscall.SIGUSR1 {
			t.Fatalf("got %v, want SIGUSR1", sig)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("SIGUSR1 never arrived on the channel")
	}
}
