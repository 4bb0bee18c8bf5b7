//go:build linux || darwin

package app

import (
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/app/internal/ownersock"
)

// TestControlSocketIsGuarded: the socket serve opens is the peer-checked
// one, for the user the listener's process runs as, in a data directory made private
// first, and the user's own command gets through it.
func TestControlSocketIsGuarded(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	e := &env{cfg: config{dataDir: dir}, log: slog.New(slog.DiscardHandler)}
	ln, err := e.openControlSocket()
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if !ownersock.Guarded(ln) {
		t.Fatalf("control listener %T; want the peer-checked one", ln)
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("data directory: %v, mode %v; want 0700", err, fi.Mode().Perm())
	}
	go func() {
		if c, err := ln.Accept(); err == nil {
			c.Write([]byte("ok"))
			c.Close()
		}
	}()
	c, err := net.Dial("unix", e.cfg.controlSocketPath())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	if got, err := io.ReadAll(c); err != nil || string(got) != "ok" {
		t.Fatalf("the user's own connection: %q, %v", got, err)
	}
}
