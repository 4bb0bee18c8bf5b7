//go:build !windows

package ownersock

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestListenIsOwnerOnlyFromTheStart: under the common umask 022,
// bind(2) alone would make the socket 0755 until the chmod after it.
// listen creates it owner-only. (The umask is the process's: the
// test sets the usual one and puts the old one back.)
func TestListenIsOwnerOnlyFromTheStart(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	path := filepath.Join(t.TempDir(), "control.sock")
	ln, err := listen(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode()&os.ModeSocket == 0 || fi.Mode().Perm()&0o077 != 0 {
		t.Fatalf("socket mode %v before any chmod; want no access for group or others", fi.Mode())
	}
	if got := syscall.Umask(old); got != 0o022 {
		t.Fatalf("listen left the umask at %#o", got)
	}
}
