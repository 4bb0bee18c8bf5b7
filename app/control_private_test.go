//go:build !windows

package app

import (
	"os"
	"path/filepath"
	"testing"
)

// TestDataDirIsMadePrivate: a data directory that already exists with
// wider permissions is made 0700 before the database or the socket is
// made in it.
func TestDataDirIsMadePrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "merchant-inbox")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil { // whatever the umask
		t.Fatal(err)
	}
	st, err := config{dataDir: dir}.openStore(nil)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("data directory after openStore: %v, mode %v; want 0700", err, fi.Mode().Perm())
	}
	// A new one is made 0700 too, parents included as MkdirAll does.
	fresh := filepath.Join(t.TempDir(), "a", "b")
	if err := (config{dataDir: fresh}).ensureDataDir(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(fresh); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("new data directory: %v, mode %v; want 0700", err, fi.Mode().Perm())
	}
}
